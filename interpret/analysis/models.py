"""Filter presets and runs, and geneticists' tags and comments on a case's variants."""
from __future__ import annotations

from django.conf import settings
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

    class Kind(models.TextChoices):
        # Each variant kind filters its own storage (interpret.analysis.kinds); the run is recorded alike.
        SMALL = "small", "Small variants"
        SV = "sv", "Structural and copy-number variants"
        STR = "str", "Repeat expansions"
        MT = "mt", "Mitochondrial variants"

    case = models.ForeignKey("genomes.Case", on_delete=models.CASCADE, related_name="filter_runs")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SMALL)
    case_import = models.ForeignKey("genomes.CaseImport", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+", help_text="The small-variant import it ran on (small runs)")
    sv_imports = models.ManyToManyField("genomes.StructuralVariantImport", blank=True, related_name="+",
                                        help_text="The SV files it ran on (SV runs)")
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
