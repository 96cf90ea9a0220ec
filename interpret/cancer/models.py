"""The somatic knowledge: cancer genes, hotspots and the versioned biomarker table."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class CancerGene(models.Model):
    """A gene's role in cancer (oncogene, tumour suppressor), from a list the user provides (e.g. the Cancer Gene
    Census, OncoKB's cancer gene list); ``source`` names it, and the shipped demo list says it is demo data."""

    class Role(models.TextChoices):
        ONCOGENE = "oncogene", "Oncogene"
        TUMOUR_SUPPRESSOR = "tsg", "Tumour suppressor"
        BOTH = "both", "Oncogene and tumour suppressor"

    symbol = models.CharField(max_length=50, unique=True)
    role = models.CharField(max_length=8, choices=Role.choices)
    predisposition = models.BooleanField(default=False, help_text="A cancer predisposition gene: a germline "
                                                                  "(likely) pathogenic variant calls for referral")
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["symbol"]


class Hotspot(models.Model):
    """A recurrently mutated residue (cancerhotspots.org style): tumour samples with any change at the residue and
    with this amino-acid change. Oncogenicity OS3/OM3/OP3 read these counts."""

    gene = models.CharField(max_length=50)
    residue = models.CharField(max_length=12, help_text="Reference amino acid and position, e.g. V617")
    position = models.PositiveIntegerField()
    change = models.CharField(max_length=12, blank=True, help_text="e.g. V617F; empty: any change at the residue")
    residue_samples = models.PositiveIntegerField()
    change_samples = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["gene", "position", "change"]
        constraints = [models.UniqueConstraint(fields=["gene", "position", "change"], name="hotspot_unique")]


class BiomarkerKnowledgeVersion(models.Model):
    """One version of the biomarker knowledge table the AMP/ASCO/CAP tiers are assigned from. A curator drafts it
    (edits, or a CIViC-style TSV import); a second curator signs it off (published); the previous one retires.
    Published versions never change, so a tier can always be traced to the table it came from."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    edited_by = ArrayField(models.BigIntegerField(), default=list, blank=True,
                           help_text="Users who changed this draft: none of them signs it off")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["status"], condition=models.Q(status="published"),
                                               name="biomarker_one_published_version"),
                       models.UniqueConstraint(fields=["status"], condition=models.Q(status="draft"),
                                               name="biomarker_one_draft_version")]

    def __str__(self):
        return f"biomarker knowledge v{self.number} ({self.status})"


class Biomarker(models.Model):
    """One line of evidence: a gene's variant (or class of variants) in a tumour type, for a therapy, diagnosis or
    prognosis, at an AMP/ASCO/CAP evidence level, with its source."""

    class Category(models.TextChoices):
        THERAPEUTIC = "therapeutic", "Therapeutic"
        DIAGNOSTIC = "diagnostic", "Diagnostic"
        PROGNOSTIC = "prognostic", "Prognostic"

    class VariantClass(models.TextChoices):
        SPECIFIC = "specific", "This protein change"
        MISSENSE = "missense", "Any missense"
        TRUNCATING = "truncating", "Any truncating (nonsense, frameshift, splice site)"
        INFRAME = "inframe", "Any in-frame insertion or deletion"
        ANY = "any", "Any protein-altering variant"

    class Level(models.TextChoices):
        A = "A", "A: FDA/EMA-approved therapy or professional guideline"
        B = "B", "B: well-powered studies with expert consensus"
        C = "C", "C: approved for another tumour type, or multiple small studies"
        D = "D", "D: preclinical studies or case reports"

    version = models.ForeignKey(BiomarkerKnowledgeVersion, on_delete=models.CASCADE, related_name="biomarkers")
    gene = models.CharField(max_length=50)
    variant_class = models.CharField(max_length=10, choices=VariantClass.choices)
    protein_change = models.CharField(max_length=40, blank=True, help_text="1-letter, e.g. V600E, R132 (any change "
                                                                           "at the residue); for class specific")
    tumour_type = models.CharField(max_length=200, help_text="Disease as the source names it")
    oncotree_code = models.CharField(max_length=20, help_text="OncoTree code, e.g. AML, MEL; ANY: tumour-agnostic")
    category = models.CharField(max_length=12, choices=Category.choices)
    significance = models.CharField(max_length=60, help_text="e.g. sensitivity, resistance, favourable, adverse, "
                                                             "supports diagnosis")
    therapy = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=1, choices=Level.choices)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["gene", "category", "level"]
        indexes = [models.Index(fields=["version", "gene"], name="biomarker_version_gene_idx")]
