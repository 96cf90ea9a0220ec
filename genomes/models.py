"""Cases: the unit a department owns, opens and reports on.

Every case-scoped table carries the case id (see docs/architecture.md), so that
case data can later be distributed by case.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from interpret.models import Department, PatientGroup


class Case(models.Model):
    class AnalysisType(models.TextChoices):
        SINGLETON = "singleton", "Singleton"
        DUO = "duo", "Duo"
        TRIO = "trio", "Trio"
        FOETAL = "foetal", "Foetus with parents"
        TUMOUR_NORMAL = "tumour_normal", "Tumour/normal"
        TUMOUR_ONLY = "tumour_only", "Tumour only"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IMPORTING = "importing", "Importing"
        READY = "ready", "Ready"
        IN_ANALYSIS = "in_analysis", "In analysis"
        REPORTED = "reported", "Reported"
        CLOSED = "closed", "Closed"

    identifier = models.CharField(
        max_length=64, unique=True, help_text="Pseudonymous case id, as the sequencing pipeline names it"
    )
    patient_group = models.ForeignKey(PatientGroup, on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    analysis_type = models.CharField(max_length=20, choices=AnalysisType.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_with = models.ManyToManyField(
        Department, through="CaseShare", through_fields=("case", "department"), related_name="shared_cases",
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "patient_group"], name="case_department_group_idx")]

    def __str__(self):
        return self.identifier


class CaseShare(models.Model):
    """An explicit grant letting another department see a case (second opinion, tumor board)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="case_shares")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="case_share_unique")]
