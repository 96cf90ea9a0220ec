"""The versions of ACMG/AMP (germline) and oncogenicity (somatic) classifications: the national classification store."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department
from interpret.acmg.classes import ALL_CLASSES


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

    class Origin(models.TextChoices):
        # Germline: ACMG/AMP pathogenicity for a condition. Somatic: ClinGen/CGC/VICC 2022 oncogenicity for a
        # tumour type. Kept apart in the store: one never supersedes, conflicts with or counts as the other.
        GERMLINE = "germline", "Germline (ACMG/AMP pathogenicity)"
        SOMATIC = "somatic", "Somatic (oncogenicity)"

    # ONCOGENIC ... BENIGN, from the one vocabulary of classes (interpret.acmg.classes)
    Result = models.TextChoices("Result", [(term.name, (term.code, term.label)) for term in ALL_CLASSES])

    class LofMechanism(models.TextChoices):
        YES = "yes", "Yes: loss of function is a known mechanism"
        NO = "no", "No"
        UNKNOWN = "unknown", "Not stated"

    class PhenotypeConsistency(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not assessed"
        HIGHLY_SPECIFIC = "highly_specific", "Highly specific for the gene"
        CONSISTENT = "consistent", "Consistent, not highly specific"
        HETEROGENEOUS = "heterogeneous", "Consistent, genetically heterogeneous"

    variant = models.ForeignKey("genomes.Variant", on_delete=models.PROTECT, related_name="classifications")
    gene = models.CharField(max_length=50)
    condition = models.CharField(max_length=300, help_text="Disease or MONDO id the classification is for; for an "
                                                          "oncogenicity, the tumour type")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.GERMLINE)
    mode_of_inheritance = models.CharField(max_length=10, choices=Inheritance.choices, default=Inheritance.UNKNOWN)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="classifications")
    case = models.ForeignKey("genomes.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The case it was started from; never shown outside the department")
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, help_text="Why this version was made (reclassification)")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The transcript the classification was made on, and its HGVS, frozen when it starts (genomes.transcripts:
    # the one the case showed the variant by, for this gene): reports and exports name these.
    transcript = models.CharField(max_length=60, blank=True)
    hgvsc = models.CharField(max_length=300, blank=True)
    hgvsp = models.CharField(max_length=300, blank=True)
    lof_mechanism = models.CharField(max_length=8, choices=LofMechanism.choices, default=LofMechanism.UNKNOWN)
    phenotype_consistency = models.CharField(max_length=16, choices=PhenotypeConsistency.choices,
                                             default=PhenotypeConsistency.NOT_ASSESSED)
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
            models.UniqueConstraint(fields=["variant", "gene", "condition", "department", "origin", "version"],
                                    name="classification_version_unique"),
            models.UniqueConstraint(fields=["variant", "gene", "condition", "department", "origin"],
                                    condition=models.Q(status__in=["draft", "submitted"]),
                                    name="classification_one_open_version"),
            models.UniqueConstraint(fields=["variant", "gene", "condition", "department", "origin"],
                                    condition=models.Q(status="final"), name="classification_one_final_version"),
        ]
        indexes = [models.Index(fields=["gene", "status"], name="classification_gene_status_idx")]

    def __str__(self):
        return f"{self.variant} {self.gene} {self.condition} v{self.version} ({self.status})"


class CnvClassification(models.Model):
    """One version of a department's classification of a copy-number variant by the ACMG/ClinGen 2020 CNV
    technical standards (interpret.acmg.cnv): the same workflow as Classification (draft -> submitted -> final,
    approved by a second qualified user who neither made nor changed it -> superseded by a reclassification).

    The variant is the national SV cluster (genomes.sv.national), the event as every case that carries it shares
    it; the call it was started from keeps the coordinates and the descriptions it was made on, frozen.
    ``points``: per code, the suggestion the platform made and the curator's decision with its points."""

    Status = Classification.Status

    class Direction(models.TextChoices):
        LOSS = "loss", "Copy-number loss"
        GAIN = "gain", "Copy-number gain"

    cluster = models.ForeignKey("genomes.SvCluster", on_delete=models.PROTECT, related_name="cnv_classifications")
    condition = models.CharField(max_length=300)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cnv_classifications")
    case = models.ForeignKey("genomes.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    structural_variant = models.ForeignKey("genomes.StructuralVariant", null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    genome_build = models.CharField(max_length=6)
    chrom = models.CharField(max_length=50)
    start = models.IntegerField()
    end = models.IntegerField()
    genes = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    hgvs = models.CharField(max_length=200, help_text="HGVS-style description of the call it was made on")
    iscn = models.CharField(max_length=200, blank=True, help_text="ISCN-style description (cytoband when known)")
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Classification.Status.choices, default="draft", db_index=True)
    points = models.JSONField(default=dict, blank=True)
    total = models.FloatField(default=0.0)
    result_class = models.CharField(max_length=30, default="uncertain_significance")
    rule_set = models.CharField(max_length=120)
    rule_set_version = models.CharField(max_length=40)
    lock_version = models.PositiveIntegerField(default=1)
    edited_by = ArrayField(models.BigIntegerField(), default=list, blank=True)
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
            models.UniqueConstraint(fields=["cluster", "condition", "department", "version"],
                                    name="cnv_classification_version_unique"),
            models.UniqueConstraint(fields=["cluster", "condition", "department"],
                                    condition=models.Q(status__in=["draft", "submitted"]),
                                    name="cnv_classification_one_open_version"),
            models.UniqueConstraint(fields=["cluster", "condition", "department"], condition=models.Q(status="final"),
                                    name="cnv_classification_one_final_version"),
        ]

    def __str__(self):
        return f"{self.hgvs} {self.condition} v{self.version} ({self.status})"

    @property
    def class_text(self) -> str:
        return self.result_class.replace("_", " ").capitalize()
