"""Molecular tumor board meetings, their agenda and recorded recommendations."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department


class BoardMeeting(models.Model):
    """A meeting of a molecular tumor board (a department of kind tumor board): its date, participants and agenda
    of referred cases."""

    board = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="board_meetings")
    title = models.CharField(max_length=200)
    date = models.DateField()
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="board_meetings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.title} ({self.date})"


class BoardAgendaItem(models.Model):
    """A case referred to a meeting: the referral shares the case with the board (genomes.CaseShare), so the
    board's members open it through the same rights, audit and channels as any shared case."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey("genomes.Case", on_delete=models.PROTECT, related_name="board_items")
    position = models.PositiveIntegerField(default=1)
    diagnosis = models.CharField(max_length=300, blank=True)
    question = models.TextField(blank=True, help_text="What the referring clinician asks the board")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="board_item_case_once")]


class BoardRecommendation(models.Model):
    """A board decision on an agenda item. Versioned: a revision makes version n+1 with a reason, and the previous
    one is superseded, never edited."""

    class Kind(models.TextChoices):
        THERAPY = "therapy", "Therapy"
        TRIAL = "trial", "Clinical trial"
        FURTHER_TESTING = "further_testing", "Further testing"
        GERMLINE_REFERRAL = "germline_referral", "Germline genetic counselling referral"
        NO_ACTION = "no_action", "No actionable finding"

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"

    item = models.ForeignKey(BoardAgendaItem, on_delete=models.PROTECT, related_name="recommendations")
    version = models.PositiveIntegerField()
    kinds = ArrayField(models.CharField(max_length=20, choices=Kind.choices))
    text = models.TextField()
    reason = models.TextField(blank=True, help_text="Why this version replaces the previous one")
    agreed_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "-version"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="board_recommendation_version"),
                       models.UniqueConstraint(fields=["item"], condition=models.Q(status="current"),
                                               name="board_recommendation_one_current")]
