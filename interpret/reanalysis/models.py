"""Reanalysis runs and the alerts they raise for departments and people."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department, Job


class Reanalysis(models.Model):
    """One re-run of stored cases against current knowledge (interpret.reanalysis): what triggered it, over which
    cases, the job that ran it and what it found."""

    class Trigger(models.TextChoices):
        PANEL = "panel", "Panel version published"
        CLASSIFICATION = "classification", "Classification changed"
        FREQUENCY = "frequency", "Cohort frequency crossed a threshold"
        DOSAGE = "dosage", "Dosage curation changed"
        PHENOTYPE = "phenotype", "Phenotype changed"
        STR_CATALOG = "str_catalog", "Repeat catalog changed"
        SCHEDULE = "schedule", "Scheduled"
        ON_DEMAND = "on_demand", "On demand"

    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    checks = ArrayField(models.CharField(max_length=16), default=list,
                        help_text="What was checked: panel, classification, frequency")
    scope = models.JSONField(default=dict, blank=True, help_text="patient_group, department, cases (ids)")
    panel_event = models.ForeignKey("panels.PanelEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    job = models.OneToOneField(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="reanalysis")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    classifications_until = models.DateTimeField(
        null=True, blank=True, help_text="Final classifications approved up to here were checked")
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Alert(models.Model):
    """What a reanalysis found for a department (and a case): raised once, kept current. Running a reanalysis
    again finds the same alert by (department, case, kind, subject) and only notes when its evidence changed."""

    class Kind(models.TextChoices):
        CLASSIFICATION = "classification", "Classification changed"
        PANEL_GENE = "panel_gene", "Gene newly green on a panel"
        CONFLICT = "conflict", "Classification conflict"
        FREQUENCY = "frequency", "Cohort frequency above the case's threshold"
        SV_PANEL_GENE = "sv_panel_gene", "CNV covering a gene newly green on a panel"
        DOSAGE_GENE = "dosage_gene", "CNV covering a newly established dosage-sensitive gene"
        PHENOTYPE_RANK = "phenotype_rank", "Candidate entered the top 10 with the phenotype"
        REPEAT = "repeat", "Repeat allele now a full mutation"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DISMISSED = "dismissed", "Dismissed"

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="alerts")
    case = models.ForeignKey("genomes.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="alerts", help_text="The case's geneticist, whose inbox shows it too")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    subject = models.CharField(max_length=200, help_text="What it is about, e.g. variant:123:AGRN")
    title = models.CharField(max_length=500)
    evidence = models.JSONField(default=dict)
    evidence_digest = models.CharField(max_length=32)
    first_raised_at = models.DateTimeField(default=timezone.now)
    evidence_changed_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=14, choices=State.choices, default=State.OPEN, db_index=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)
    reanalysis = models.ForeignKey(Reanalysis, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   help_text="The last reanalysis that found it")

    class Meta:
        ordering = ["-evidence_changed_at"]
        constraints = [models.UniqueConstraint(fields=["department", "case", "kind", "subject"],
                                               nulls_distinct=False, name="alert_one_per_subject")]
        indexes = [models.Index(fields=["department", "state"], name="alert_department_state_idx"),
                   models.Index(fields=["user", "state"], name="alert_user_state_idx")]
