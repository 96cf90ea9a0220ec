"""GenNet gene panels: a stable panel identity with immutable numbered versions (after PanelApp's
GenePanel/GenePanelSnapshot), owned by a GenNet expert network (a Department of kind expert_network).

A published version never changes: the database refuses changes to its entries and to its content
fields (migration panels 0002), whatever the application does.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department, PatientGroup


class Panel(models.Model):
    code = models.SlugField(max_length=80, unique=True, help_text="Stable identity, e.g. gennet-cardiomyopathy")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    network = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="panels",
                                help_text="The GenNet expert network whose curators maintain the panel")
    patient_groups = models.ManyToManyField(PatientGroup, related_name="panels", blank=True)
    default_for = models.ManyToManyField(PatientGroup, related_name="default_panels", blank=True,
                                         help_text="Patient groups that analyse with this panel by default")
    source = models.CharField(max_length=200, blank=True, help_text="e.g. 'PanelApp 522 v2.5 (demo content)'")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def current_version(self) -> PanelVersion | None:
        """The newest published version: what analyses use by default."""
        return self.versions.filter(status=PanelVersion.Status.PUBLISHED).order_by("-major", "-minor").first()


class PanelVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="versions")
    major = models.PositiveIntegerField()
    minor = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True, help_text="What changed and why")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    edited_by = ArrayField(models.BigIntegerField(), default=list, blank=True,
                           help_text="Curators who changed this version's genes: none of them signs it off")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["panel", "-major", "-minor"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "major", "minor"], name="panel_version_unique"),
            # One open draft (or version in review) per panel at a time.
            models.UniqueConstraint(fields=["panel"], condition=models.Q(status__in=["draft", "in_review"]),
                                    name="panel_one_open_version"),
            models.CheckConstraint(condition=~models.Q(status="published") | models.Q(signed_off_by__isnull=False),
                                   name="panel_published_is_signed_off"),
        ]

    def __str__(self):
        return f"{self.panel.name} v{self.label}"

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"


class Confidence(models.TextChoices):
    """PanelApp's traffic lights: green diagnostic grade, amber borderline, red not for diagnostics."""

    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class ModeOfInheritance(models.TextChoices):
    """PanelApp's controlled vocabulary, in short form."""

    MONOALLELIC = "monoallelic", "Monoallelic (autosomal or pseudoautosomal)"
    MONOALLELIC_IMPRINTED = "monoallelic_imprinted", "Monoallelic, imprinted"
    BIALLELIC = "biallelic", "Biallelic (autosomal or pseudoautosomal)"
    BOTH = "both", "Both monoallelic and biallelic"
    X_LINKED = "x_linked", "X-linked"
    MITOCHONDRIAL = "mitochondrial", "Mitochondrial"
    UNKNOWN = "unknown", "Unknown"
    OTHER = "other", "Other"


class PanelEntry(models.Model):
    """A gene of a panel version. Regions and STRs, when added, are further ``entity_type`` values of this same
    model and code path (PanelApp's three near-copies of update_gene/update_str/update_region are the
    counter-example)."""

    class EntityType(models.TextChoices):
        GENE = "gene", "Gene"

    version = models.ForeignKey(PanelVersion, on_delete=models.CASCADE, related_name="entries")
    entity_type = models.CharField(max_length=10, choices=EntityType.choices, default=EntityType.GENE)
    symbol = models.CharField(max_length=50, help_text="HGNC symbol")
    hgnc_id = models.CharField(max_length=20, blank=True, help_text="e.g. HGNC:950")
    ensembl_ids = models.JSONField(default=dict, blank=True, help_text='Per build: {"GRCh38": "ENSG..."}')
    confidence = models.CharField(max_length=5, choices=Confidence.choices)
    mode_of_inheritance = models.CharField(max_length=25, choices=ModeOfInheritance.choices,
                                           default=ModeOfInheritance.UNKNOWN)
    penetrance = models.CharField(max_length=20, blank=True)
    phenotypes = models.JSONField(default=list, blank=True, help_text="Free-text phenotypes")
    hpo_ids = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    publications = models.JSONField(default=list, blank=True)
    padding = models.PositiveIntegerField(
        default=0, help_text="Bases added on both sides for splice/regulatory regions"
    )
    resolution_note = models.CharField(max_length=300, blank=True,
                                       help_text="What gene resolution said: renamed symbol, or not found")

    class Meta:
        ordering = ["symbol"]
        constraints = [models.UniqueConstraint(fields=["version", "entity_type", "symbol"], name="panel_entry_unique")]

    def __str__(self):
        return f"{self.symbol} ({self.confidence})"


class PanelEvent(models.Model):
    """Outbox of panel events for later consumers: publishing a version triggers reanalysis (a later issue)."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Version published"
        RETIRED = "retired", "Version retired"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    version = models.ForeignKey(PanelVersion, on_delete=models.PROTECT, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    consumed_at = models.DateTimeField(null=True, blank=True)
    diff = models.JSONField(default=dict, blank=True, help_text="Changes against the previous published version")
