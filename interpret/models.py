"""Interpretation data: filter presets and runs, geneticists' tags and comments on a case's variants, and the
versions of ACMG/AMP classifications (the national classification store)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department, PatientGroup


class FilterPreset(models.Model):
    """Named filter settings: built-in ones (no department) for everyone, others saved by a user and shared
    within a department."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="filter_presets", help_text="Empty: a built-in preset")
    patient_group = models.ForeignKey(PatientGroup, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="filter_presets", help_text="Offered first for this group")
    analysis_types = models.JSONField(default=list, blank=True, help_text="Case analysis types it suits; empty: any")
    filters = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="filter_preset_unique_name",
                                               nulls_distinct=False)]

    def __str__(self):
        return self.name


class FilterRun(models.Model):
    """Every filter run on a case: the exact settings, the panel versions and what it found, so it can be
    repeated later and the case shows which filters were used."""

    class Via(models.TextChoices):
        BROWSER = "browser", "Browser"
        API = "api", "API"
        COMMAND = "command", "Command line"

    case = models.ForeignKey("genomes.Case", on_delete=models.CASCADE, related_name="filter_runs")
    case_import = models.ForeignKey("genomes.CaseImport", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    via = models.CharField(max_length=10, choices=Via.choices)
    preset = models.ForeignKey(FilterPreset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filters = models.JSONField(help_text="Complete filter settings after defaults, as run")
    panel_versions = models.ManyToManyField("panels.PanelVersion", blank=True, related_name="filter_runs")
    result_count = models.IntegerField()
    milliseconds = models.IntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]


class VariantTag(models.Model):
    """A geneticist's mark on a variant of a case."""

    class Tag(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        CAUSATIVE = "causative", "Causative"
        DISMISSED = "dismissed", "Dismissed"
        NEEDS_CONFIRMATION = "needs_confirmation", "Needs confirmation"

    case = models.ForeignKey("genomes.Case", on_delete=models.CASCADE, related_name="variant_tags")
    variant = models.ForeignKey("genomes.Variant", on_delete=models.PROTECT, related_name="+")
    tag = models.CharField(max_length=20, choices=Tag.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "variant", "tag"], name="variant_tag_unique")]


class VariantComment(models.Model):
    case = models.ForeignKey("genomes.Case", on_delete=models.CASCADE, related_name="variant_comments")
    variant = models.ForeignKey("genomes.Variant", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class Classification(models.Model):
    """One version of a department's ACMG/AMP classification of a variant for a gene and condition.

    Versions are never edited once final: reclassifying makes version n+1 (with a reason) and the
    previous final becomes superseded. ``criteria`` holds, per criterion, the suggestion the engine
    made and the curator's decision; the class, points and posterior are recomputed from it with the
    recorded rule set on every change. ``lock_version`` guards concurrent edits of a draft.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        FINAL = "final", "Final"
        SUPERSEDED = "superseded", "Superseded"

    class Inheritance(models.TextChoices):
        AD = "AD", "Autosomal dominant"
        AR = "AR", "Autosomal recessive"
        XLD = "XLD", "X-linked dominant"
        XLR = "XLR", "X-linked recessive"
        MT = "MT", "Mitochondrial"
        SEMIDOMINANT = "SD", "Semidominant"
        UNKNOWN = "unknown", "Unknown"

    class Result(models.TextChoices):
        PATHOGENIC = "pathogenic", "Pathogenic"
        LIKELY_PATHOGENIC = "likely_pathogenic", "Likely pathogenic"
        UNCERTAIN = "uncertain_significance", "Uncertain significance"
        LIKELY_BENIGN = "likely_benign", "Likely benign"
        BENIGN = "benign", "Benign"

    class LofMechanism(models.TextChoices):
        YES = "yes", "Yes: loss of function is a known mechanism"
        NO = "no", "No"
        UNKNOWN = "unknown", "Not stated"

    class PhenotypeConsistency(models.TextChoices):
        HIGHLY_SPECIFIC = "highly_specific", "Highly specific for the gene"
        CONSISTENT = "consistent", "Consistent, not highly specific"
        HETEROGENEOUS = "heterogeneous", "Consistent, genetically heterogeneous"

    variant = models.ForeignKey("genomes.Variant", on_delete=models.PROTECT, related_name="classifications")
    gene = models.CharField(max_length=50)
    condition = models.CharField(max_length=300, help_text="Disease or MONDO id the classification is for")
    mode_of_inheritance = models.CharField(max_length=10, choices=Inheritance.choices, default=Inheritance.UNKNOWN)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="classifications")
    case = models.ForeignKey("genomes.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The case it was started from; never shown outside the department")
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, help_text="Why this version was made (reclassification)")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    hgvsc = models.CharField(max_length=300, blank=True)
    hgvsp = models.CharField(max_length=300, blank=True)
    lof_mechanism = models.CharField(max_length=8, choices=LofMechanism.choices, default=LofMechanism.UNKNOWN)
    phenotype_consistency = models.CharField(max_length=16, choices=PhenotypeConsistency.choices,
                                             default=PhenotypeConsistency.CONSISTENT)
    criteria = models.JSONField(default=dict, blank=True)
    considered = models.JSONField(default=list, blank=True)
    rule_set = models.CharField(max_length=120)
    rule_set_version = models.CharField(max_length=40)
    system = models.CharField(max_length=12, default="auto")
    result_class = models.CharField(max_length=30, choices=Result.choices)
    result_system = models.CharField(max_length=12)
    points = models.IntegerField(default=0)
    posterior = models.FloatField(default=0.1)
    notes = models.JSONField(default=list, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    edited_by = ArrayField(models.BigIntegerField(), default=list, blank=True,
                           help_text="Users who made or changed a decision in this version: none of them approves it")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "gene", "condition", "department", "version"],
                                    name="classification_version_unique"),
            models.UniqueConstraint(fields=["variant", "gene", "condition", "department"],
                                    condition=models.Q(status__in=["draft", "submitted"]),
                                    name="classification_one_open_version"),
            models.UniqueConstraint(fields=["variant", "gene", "condition", "department"],
                                    condition=models.Q(status="final"), name="classification_one_final_version"),
        ]
        indexes = [models.Index(fields=["gene", "status"], name="classification_gene_status_idx")]

    def __str__(self):
        return f"{self.variant} {self.gene} {self.condition} v{self.version} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)
