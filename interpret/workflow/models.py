"""A case's workflow events (its timeline) and its notes."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class CaseEvent(models.Model):
    """One step in a case's workflow: who moved it, when, from which state to which, and why (append-only:
    migration interpret 0011 refuses UPDATE and DELETE)."""

    class Kind(models.TextChoices):
        STATUS = "status", "State changed"
        ASSIGN = "assign", "Assigned"
        REVIEWER = "reviewer", "Reviewer chosen"
        REOPEN = "reopen", "Reopened"
        REPORT = "report", "Report"

    class Reason(models.TextChoices):
        NEW_EVIDENCE = "new_evidence", "New evidence"
        REANALYSIS_ALERT = "reanalysis_alert", "Reanalysis alert"
        CLINICIAN_REQUEST = "clinician_request", "Clinician request"
        CORRECTION = "correction", "Correction"

    case = models.ForeignKey("genomes.Case", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="The assignee or reviewer, for those events")
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_idx")]


class CaseNote(models.Model):
    """A case-level note (indication, clinical question, HPO terms, decision), apart from variant comments;
    @username mentions put the case on the colleague's work list."""

    class Kind(models.TextChoices):
        INDICATION = "indication", "Indication"
        QUESTION = "question", "Clinical question"
        HPO = "hpo", "HPO terms"
        DECISION = "decision", "Decision"
        NOTE = "note", "Note"

    case = models.ForeignKey("genomes.Case", on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    hpo_terms = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_mentions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="case_note_case_idx")]
