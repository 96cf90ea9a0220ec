"""Cases: the unit a department owns, opens and reports on.

Every case-scoped table carries the case id (see docs/architecture.md), so that
case data can later be distributed by case.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department, Job, PatientGroup


class Case(models.Model):
    class AnalysisType(models.TextChoices):
        SINGLETON = "singleton", "Singleton"
        DUO = "duo", "Duo"
        TRIO = "trio", "Trio"
        FOETAL = "foetal", "Foetus with parents"
        TUMOUR_NORMAL = "tumour_normal", "Tumour/normal"
        TUMOUR_ONLY = "tumour_only", "Tumour only"

    class ImportState(models.TextChoices):
        # Written by the import (genomes.importing) and a withdrawal (genomes.services) only
        AWAITING_DATA = "awaiting_data", "Awaiting data"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Data imported"

    class Status(models.TextChoices):
        # The department's workflow, written by interpret.workflow only (who may move a case when); a case
        # enters it once its data are imported, and a re-import leaves it where it is
        READY = "ready", "Ready for analysis"
        IN_ANALYSIS = "in_analysis", "In analysis"
        IN_REVIEW = "in_review", "In review"
        REPORTED = "reported", "Report signed out"
        CLOSED = "closed", "Closed"

    identifier = models.CharField(
        max_length=64, help_text="Pseudonymous case id, as the sequencing pipeline names it; unique within the "
                                 "department (so another department's ids are neither known nor blocked)"
    )
    genome_build = models.CharField(max_length=6, blank=True, help_text="Set by the first import")
    patient_group = models.ForeignKey(PatientGroup, on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    analysis_type = models.CharField(max_length=20, choices=AnalysisType.choices)
    import_state = models.CharField(max_length=14, choices=ImportState.choices, default=ImportState.AWAITING_DATA)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Workflow (interpret/workflow): the geneticist analysing the case, the second geneticist reviewing it, when
    # its data were first ready (turnaround runs from there) and when it last changed state.
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assigned_cases")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reviewed_cases")
    data_ready_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True, help_text="When its first report was signed out")
    status_changed_at = models.DateTimeField(default=timezone.now)
    tumour_type = models.CharField(
        max_length=60, blank=True, help_text="For a tumour case: the tumour type (e.g. AML, melanoma), by which "
                                             "somatic observations are counted nationally")
    callable_mb = models.FloatField(
        null=True, blank=True, help_text="For a tumour case: the callable coding territory in megabases, the "
                                         "denominator of its tumour mutational burden")
    tumour_purity = models.FloatField(null=True, blank=True, help_text="Tumour cell fraction of the sample (0-1), "
                                                                        "as pathology estimated it")
    shared_with = models.ManyToManyField(
        Department, through="CaseShare", through_fields=("case", "department"), related_name="shared_cases",
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "patient_group"], name="case_department_group_idx"),
                   models.Index(fields=["identifier"], name="case_identifier_idx"),
                   models.Index(fields=["department", "status", "data_ready_at"], name="case_worklist_idx"),
                   models.Index(fields=["assigned_to", "status"], name="case_assignee_idx"),
                   models.Index(fields=["reviewer", "status"], name="case_reviewer_idx")]
        constraints = [models.UniqueConstraint(fields=["department", "identifier"],
                                               name="case_identifier_unique_in_department")]

    def __str__(self):
        return self.identifier

    # One word for lists and the API's ``status`` (its values since the first release): "new" while the case has no
    # data (registered, or withdrawn), "importing" during its first import, then the workflow's state (a re-import
    # leaves it as it is).
    def _before_data(self) -> tuple[str, str] | None:
        if self.import_state == self.ImportState.AWAITING_DATA:
            return "new", "Awaiting data"
        if self.import_state == self.ImportState.IMPORTING and self.status == self.Status.READY:
            return "importing", "Importing"
        return None

    @property
    def state(self) -> str:
        before = self._before_data()
        return before[0] if before else self.status

    @property
    def state_label(self) -> str:
        before = self._before_data()
        return before[1] if before else self.get_status_display()

    @property
    def is_foetal(self) -> bool:
        """A foetus with its parents: the foetal rules apply (maternal contamination) whether the case was typed
        so or belongs to the foetal medicine group."""
        return self.analysis_type == self.AnalysisType.FOETAL or self.patient_group.code == "FOETAL"


class CaseShare(models.Model):
    """An explicit grant letting another department see a case (second opinion, tumor board)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="case_shares")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="case_share_unique")]


class Person(models.Model):
    """One person of the national cohort, however many cases include them (genomes.persons: the same individual
    id within a department, or the same genotype fingerprint across departments). Persons linked by a case are one
    national family. Counted once in the national observations; never shown outside the departments' cases."""

    family_id = models.BigIntegerField(db_index=True, help_text="The national family: persons linked by cases")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   help_text="Where the person was first seen")
    created_at = models.DateTimeField(default=timezone.now)


class Individual(models.Model):
    """A pedigree member of a case, by pseudonymous id."""

    class Sex(models.TextChoices):
        MALE = "male", "Male"
        FEMALE = "female", "Female"
        UNKNOWN = "unknown", "Unknown"

    class Affection(models.TextChoices):
        AFFECTED = "affected", "Affected"
        UNAFFECTED = "unaffected", "Unaffected"
        UNKNOWN = "unknown", "Unknown"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="individuals")
    family_id = models.CharField(max_length=64)
    individual_id = models.CharField(max_length=100)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    affection = models.CharField(max_length=12, choices=Affection.choices)
    father = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mother = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_proband = models.BooleanField(default=False)
    # The national person this individual is (genomes.persons), linked when the case's data are stored
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="individuals")

    class Meta:
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "individual_id"], name="individual_unique_in_case")]

    def __str__(self):
        return self.individual_id


class Sample(models.Model):
    """Maps an individual to a VCF column. ``position`` is its index in the case's genotype arrays."""

    class Role(models.TextChoices):
        GERMLINE = "germline", "Germline"
        TUMOUR = "tumour", "Tumour"
        NORMAL = "normal", "Normal"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="samples")
    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="samples")
    vcf_sample_name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.GERMLINE)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "vcf_sample_name"], name="sample_name_unique_in_case"),
            models.UniqueConstraint(fields=["case", "position"], name="sample_position_unique_in_case"),
        ]


class CaseImport(models.Model):
    """One VCF delivered for a case: its file, what was read and kept, and the job that loaded it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="imports")
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="case_import")
    vcf_path = models.CharField(max_length=1000)
    vcf_sha256 = models.CharField(max_length=64)
    vcf_size = models.BigIntegerField()
    genome_build = models.CharField(max_length=6)
    build_evidence = models.CharField(max_length=200)
    annotation_source = models.CharField(max_length=64, blank=True,
                                         help_text="the INFO key of the consequence annotation (CSQ, ANN, "
                                                   "or the pipeline's own name); empty: unannotated")
    replace = models.BooleanField(default=False)
    is_current = models.BooleanField(default=False, help_text="Its variants are the case's variants")
    records_read = models.BigIntegerField(default=0)
    variants_stored = models.BigIntegerField(default=0)
    records_per_second = models.FloatField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    statistics = models.JSONField(default=dict, blank=True, help_text="Counts of everything read, for QC")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(is_current=True), name="one_current_import"),
        ]

    @property
    def vcf_name(self) -> str:
        from pathlib import Path

        return Path(self.vcf_path).name


class Variant(models.Model):
    """A national variant: one row per (build, chrom, pos, ref, alt), shared by every case that carries it.

    Its key is genomes.variant_identity's: ``key_md5`` (variant_identity.key_digest) makes the identity unique
    without indexing long indel alleles themselves.
    """

    build = models.CharField(max_length=6)
    chrom = models.CharField(max_length=50)
    pos = models.IntegerField()
    ref = models.TextField()
    alt = models.TextField()
    xpos = models.BigIntegerField()
    key_md5 = models.UUIDField(unique=True)
    # The dbSNP id the first import that carried it gave (the file's ID column or its annotation), for search
    rsid = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["build", "xpos"], name="variant_build_xpos_idx"),
                   models.Index(fields=["rsid"], name="variant_rsid_idx", condition=models.Q(rsid__gt=""))]

    def __str__(self):
        return f"{self.build}-{self.chrom}-{self.pos}-{self.ref}-{self.alt}"


class VariantObservation(models.Model):
    """Counts of a national variant's carriers in one stratum of the national cohort (genomes.observations:
    what each column counts and how the import keeps them exact)."""

    class Origin(models.TextChoices):
        GERMLINE = "germline", "Germline"
        SOMATIC = "somatic", "Somatic"

    # Looked up by the unique stratum key, which leads with the variant: no index of their own.
    variant = models.ForeignKey(Variant, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                related_name="+")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    patient_group = models.ForeignKey(PatientGroup, on_delete=models.DO_NOTHING, db_constraint=False,
                                      db_index=False, related_name="+")
    tumour_type = models.CharField(max_length=60, blank=True)
    het = models.IntegerField(default=0)
    hom = models.IntegerField(default=0)
    hemi = models.IntegerField(default=0)
    carriers = models.IntegerField(default=0)
    families = models.IntegerField(default=0)
    affected_carriers = models.IntegerField(default=0)
    affected_families = models.IntegerField(default=0)
    unaffected_carriers = models.IntegerField(default=0)
    unaffected_families = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "origin", "patient_group", "tumour_type"],
                                    name="variant_observation_stratum_unique"),
            # A count below zero means a contribution was taken away twice: fail the transaction, not the figures.
            models.CheckConstraint(condition=models.Q(het__gte=0, hom__gte=0, hemi__gte=0, carriers__gte=0,
                                                      families__gte=0, affected_carriers__gte=0,
                                                      affected_families__gte=0, unaffected_carriers__gte=0,
                                                      unaffected_families__gte=0),
                                   name="variant_observation_counts_not_negative"),
        ]


class CaseVariant(models.Model):
    """A variant as observed in one case: genotypes of its samples and the annotation the pipeline delivered.

    Stored in a table hash-partitioned by case (migration genomes 0003), so a
    query for one case reads one partition; every per-case query filters on
    ``case``. Genotype arrays follow Sample.position.
    Genotype codes (genomes.genotypes): 0 hom-ref, 1 het, 2 hom-alt, 3 het with another ALT, -1 missing.
    """

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    case_import = models.ForeignKey(CaseImport, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    variant = models.ForeignKey(Variant, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    chrom = models.CharField(max_length=50)
    pos = models.IntegerField()
    ref = models.TextField()
    alt = models.TextField()
    xpos = models.BigIntegerField()
    variant_type = models.CharField(max_length=5)  # snv, ins, del, mnv, indel
    filter = models.CharField(max_length=200)
    quality = models.FloatField(null=True)
    rsid = models.CharField(max_length=200, blank=True)
    genes = ArrayField(models.TextField(), default=list)
    gene_ids = ArrayField(models.TextField(), default=list)
    consequences = ArrayField(models.TextField(), default=list)
    worst_consequence = models.CharField(max_length=60, blank=True)
    impact = models.CharField(max_length=10, blank=True)
    is_annotated = models.BooleanField(default=True)
    gnomad_af = models.FloatField(null=True)
    gnomad_popmax = models.FloatField(null=True)
    clinvar = ArrayField(models.TextField(), default=list)
    cadd_phred = models.FloatField(null=True)
    revel = models.FloatField(null=True)
    spliceai = models.FloatField(null=True)
    transcripts = models.JSONField(default=list)
    genotypes = ArrayField(models.SmallIntegerField())
    genotype_quality = ArrayField(models.SmallIntegerField(null=True))
    depth = ArrayField(models.IntegerField(null=True))
    ref_reads = ArrayField(models.IntegerField(null=True))
    alt_reads = ArrayField(models.IntegerField(null=True))
    # Allele balance: this ALT's reads over all reads at the site (a 1/2 call is not 1.0 on either row) for
    # germline calls; the caller's FORMAT/AF (VAF) for somatic ones.
    allele_fraction = ArrayField(models.FloatField(null=True))
    clinvar_stars = models.SmallIntegerField(null=True)  # ClinVar review status, 0-4 stars
    # Each sample's genotype at the whole site ("0/2"), for rows split from a multi-allelic site; else NULL
    site_genotypes = ArrayField(models.TextField(), null=True)

    class Meta:
        managed = False  # created by migration genomes 0003 as a partitioned table
        db_table = "genomes_casevariant"


class StructuralVariantImport(models.Model):
    """One structural-variant or copy-number VCF of a case: a caller's multi-sample file, or one of a family's
    per-sample files. Its calls are the case's calls of that caller while it is current; a newer file of the same
    caller for the same samples replaces it, in one transaction (genomes.sv.importing)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sv_imports")
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="sv_import")
    vcf_path = models.CharField(max_length=1000)
    vcf_name = models.CharField(max_length=300, help_text="The file's name as the user gave it")
    caller = models.CharField(max_length=20, help_text="The caller whose conventions the file was read by")
    callers = models.JSONField(default=list, help_text="Every caller the header names")
    genome_build = models.CharField(max_length=6)
    samples = models.JSONField(default=list, help_text="The case's sample positions this file carries")
    is_current = models.BooleanField(default=False)
    records_read = models.IntegerField(default=0)
    calls_stored = models.IntegerField(default=0)
    reference_records = models.IntegerField(default=0)
    by_type = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict, help_text="Which source named genes and frequencies, or not annotated")
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class StructuralVariant(models.Model):
    """A structural or copy-number call of one case: where, what, each sample's genotype, and the genes it
    touches. Genotype codes per case sample position (genomes.sv.storage.ZYGOSITY_CODES): 0 reference, 1
    heterozygous, 2 homozygous, 3 hemizygous, 4 carried without a stated zygosity, -1 not called or not in the
    file."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="structural_variants")
    sv_import = models.ForeignKey(StructuralVariantImport, on_delete=models.CASCADE, related_name="calls")
    chrom = models.CharField(max_length=50)
    start = models.IntegerField()
    end = models.IntegerField()
    xstart = models.BigIntegerField()
    xend = models.BigIntegerField()
    svtype = models.CharField(max_length=4)
    subtype = models.CharField(max_length=60, blank=True)
    length = models.IntegerField(null=True)
    mate_chrom = models.CharField(max_length=50, blank=True)
    mate_pos = models.IntegerField(null=True)
    cipos = ArrayField(models.IntegerField(), null=True)
    ciend = ArrayField(models.IntegerField(), null=True)
    caller = models.CharField(max_length=20)
    identifier = models.CharField(max_length=300, blank=True)
    filters = ArrayField(models.CharField(max_length=100), default=list)
    quality = models.FloatField(null=True)
    genotypes = ArrayField(models.SmallIntegerField())
    sample_calls = models.JSONField(default=list, help_text="Per sample position: GT, CN, GQ/QS, PR, SR, FT")
    genes = ArrayField(models.CharField(max_length=60), default=list)
    gene_overlaps = models.JSONField(default=list)
    nearest_gene = models.CharField(max_length=60, blank=True)
    genes_annotated = models.BooleanField(default=True)
    population_af = models.FloatField(null=True, help_text="From the file (gnomAD-SV and friends); null: not "
                                                           "annotated")
    population_source = models.CharField(max_length=60, blank=True)
    line = models.IntegerField(help_text="The record's line among the file's records")
    cluster = models.ForeignKey("SvCluster", null=True, on_delete=models.SET_NULL, related_name="calls")

    class Meta:
        indexes = [
            models.Index(fields=["case", "xstart"], name="genomes_sv_case_xstart"),
            models.Index(fields=["sv_import"], name="genomes_sv_import"),
            models.Index(fields=["cluster"], name="genomes_sv_cluster"),
        ]


class DosageSensitivity(models.Model):
    """A gene's dosage sensitivity as ClinGen curated it (`manage.py load_dosage_sensitivity FILE`): its
    haploinsufficiency and triplosensitivity scores (0-3; 30 autosomal recessive, 40 dosage sensitivity unlikely)
    and where it lies on the build the file states. The national reference a CNV's dosage evidence is read from."""

    build = models.CharField(max_length=6)
    gene = models.CharField(max_length=60)
    ncbi_gene_id = models.CharField(max_length=20, blank=True)
    cytoband = models.CharField(max_length=30, blank=True)
    chrom = models.CharField(max_length=50)
    start = models.IntegerField()
    end = models.IntegerField()
    haploinsufficiency = models.SmallIntegerField(null=True)
    triplosensitivity = models.SmallIntegerField(null=True)
    source = models.CharField(max_length=200, help_text="The file and the curation date its header states")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["build", "gene"], name="dosage_one_row_per_gene")]
        indexes = [models.Index(fields=["build", "chrom", "start"], name="dosage_by_position")]


class SvCluster(models.Model):
    """A structural event as the national database knows it: the calls of every case that match it (the same type
    and, for deletions, duplications, inversions and complex events, at least SV_RECIPROCAL_OVERLAP of each other's
    length; for insertions and breakends, breakpoints within SV_BREAKPOINT_WINDOW bases, a breakend's mate too).
    Its coordinates are those of the call that founded it (genomes.sv.national)."""

    build = models.CharField(max_length=6)
    svtype = models.CharField(max_length=4)
    chrom = models.CharField(max_length=50)
    start = models.IntegerField()
    end = models.IntegerField()
    xstart = models.BigIntegerField()
    xend = models.BigIntegerField()
    length = models.IntegerField(null=True)
    mate_chrom = models.CharField(max_length=50, blank=True)
    mate_pos = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["build", "svtype", "xstart"], name="genomes_svcluster_start"),
                   models.Index(fields=["build", "xstart", "xend"], name="genomes_svcluster_span")]


class SvClusterObservation(models.Model):
    """How often the national database has seen an SV cluster, per patient group and origin: each person once
    (genomes.persons), each national family once, affected and unaffected apart; kept exact at every import,
    replacement and withdrawal by recounting the clusters the change touched."""

    cluster = models.ForeignKey(SvCluster, on_delete=models.CASCADE, related_name="observations")
    origin = models.CharField(max_length=10)
    patient_group = models.ForeignKey(PatientGroup, on_delete=models.DO_NOTHING, db_constraint=False,
                                      related_name="+")
    carriers = models.IntegerField(default=0)
    families = models.IntegerField(default=0)
    het = models.IntegerField(default=0)
    hom = models.IntegerField(default=0)
    hemi = models.IntegerField(default=0)
    affected_carriers = models.IntegerField(default=0)
    affected_families = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster", "origin", "patient_group"],
                                               name="sv_observation_one_row")]


class PhenotypeTerm(models.Model):
    """An HPO term an individual of a case was observed to have, or was examined for and found not to have
    (``excluded``), validated against the pinned ontology (genomes.hpo). An obsolete id given is stored as its
    replacement, the id given kept in ``given_id`` with the note that says so."""

    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="phenotype_terms")
    term_id = models.CharField(max_length=10)
    label = models.CharField(max_length=300)
    excluded = models.BooleanField(default=False)
    onset = models.CharField(max_length=100, blank=True, help_text="Onset as the source gave it (an HPO onset "
                                                                   "term or an age), where given")
    given_id = models.CharField(max_length=10, blank=True, help_text="The id as entered, when it was obsolete")
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, help_text="case page, import_case, phenopacket, api")
    ontology_version = models.CharField(max_length=20)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["individual", "excluded", "term_id"]
        constraints = [models.UniqueConstraint(fields=["individual", "term_id"], name="phenotype_term_once")]

    def __str__(self):
        return f"{'NOT ' if self.excluded else ''}{self.term_id} {self.label}"


class StrCatalogLocus(models.Model):
    """A repeat locus of a catalog (stranger's JSON): its motif, thresholds, disease and inheritance, per build."""

    build = models.CharField(max_length=6)
    locus_id = models.CharField(max_length=60)
    motif = models.CharField(max_length=200, blank=True)
    display_motif = models.CharField(max_length=40, blank=True)
    normal_max = models.IntegerField(null=True)
    pathologic_min = models.IntegerField(null=True)
    disease = models.CharField(max_length=200, blank=True)
    inheritance = models.CharField(max_length=10, blank=True)
    hgnc_id = models.CharField(max_length=20, blank=True)
    chrom = models.CharField(max_length=50)
    start = models.IntegerField()
    end = models.IntegerField()
    source = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["build", "locus_id"], name="str_catalog_locus_once")]


class StrImport(models.Model):
    """One repeat-expansion file of a case (ExpansionHunter, raw or stranger-annotated, or TRGT)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="str_imports")
    vcf_name = models.CharField(max_length=300)
    caller = models.CharField(max_length=20)
    genome_build = models.CharField(max_length=6)
    samples = models.JSONField(default=list, help_text="The case's sample positions this file carries")
    is_current = models.BooleanField(default=True)
    records_read = models.IntegerField(default=0)
    loci_stored = models.IntegerField(default=0)
    disagreements = models.IntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)


class StrCall(models.Model):
    """A case's genotypes at one repeat locus (the records of a file merged per locus: a merged ExpansionHunter
    file gives each sample's alleles in a record of its own). ``sample_calls`` per sample position: GT, the
    allele sizes in repeat units, REPCI, SO, ADSP/ADFL/ADIR, LC (TRGT: AL, SD, MC), and the person's status;
    ``records`` each record's ALT sizes with the file's STR_STATUS and the platform's."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="str_calls")
    str_import = models.ForeignKey(StrImport, on_delete=models.CASCADE, related_name="calls")
    locus_id = models.CharField(max_length=60)
    chrom = models.CharField(max_length=50)
    pos = models.IntegerField()
    end = models.IntegerField()
    motif = models.CharField(max_length=200, blank=True)
    reference_size = models.IntegerField(null=True)
    normal_max = models.IntegerField(null=True)
    pathologic_min = models.IntegerField(null=True)
    thresholds_from = models.CharField(max_length=40, help_text="catalog, the file (stranger), or none")
    disease = models.CharField(max_length=200, blank=True)
    inheritance = models.CharField(max_length=10, blank=True)
    gene = models.CharField(max_length=60, blank=True)
    hgnc_id = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, help_text="The worst status of any of the case's people here")
    file_status = models.CharField(max_length=20, blank=True)
    disagreement = models.BooleanField(default=False)
    sample_calls = models.JSONField(default=list)
    records = models.JSONField(default=list)
    line = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["case", "status"], name="genomes_str_case_status")]


class MtImport(models.Model):
    """One mitochondrial VCF of a case (Mutect2's mitochondria mode, HmtNote, mtDNA-Server), or the chrM records
    of its main VCF (genomes.mt.importing.main_vcf_mt_import)."""

    class Source(models.TextChoices):
        MT_VCF = "mt_vcf", "mitochondrial VCF"
        MAIN_VCF = "main_vcf", "chrM records of the main VCF"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mt_imports")
    vcf_name = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MT_VCF)
    samples = models.JSONField(default=list)
    is_current = models.BooleanField(default=True)
    records_read = models.IntegerField(default=0)
    alleles_stored = models.IntegerField(default=0)
    heteroplasmy_from = models.CharField(max_length=20, help_text="FORMAT/AF, FORMAT/HF or AD")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)


class MtVariant(models.Model):
    """One ALT allele of a mitochondrial site in a case (multi-allelic sites split, each with its own levels).
    ``sample_calls`` per sample position: GT as written, heteroplasmy (0-1) and where it came from, depth, AD;
    ``annotations``: the file's HmtVar, MITOMAP and MitoTIP fields, as given."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mt_variants")
    mt_import = models.ForeignKey(MtImport, on_delete=models.CASCADE, related_name="variants")
    pos = models.IntegerField()
    ref = models.CharField(max_length=500)
    alt = models.CharField(max_length=500)
    gene = models.CharField(max_length=60, blank=True)
    filters = ArrayField(models.CharField(max_length=100), default=list)
    sample_calls = models.JSONField(default=list)
    annotations = models.JSONField(default=dict)
    line = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["case", "pos"], name="genomes_mt_case_pos")]


class NationalCarrierCounts(models.Model):
    """A national count row of a variant kind counted per class: its patient group, each person once, each national
    family once, affected carriers apart."""

    patient_group = models.ForeignKey("core.PatientGroup", on_delete=models.CASCADE, related_name="+")
    carriers = models.IntegerField(default=0)
    families = models.IntegerField(default=0)
    affected_carriers = models.IntegerField(default=0)

    class Meta:
        abstract = True


class StrLocusObservation(NationalCarrierCounts):
    """National counts of one repeat locus's size class (normal, pre-mutation, carrier, full mutation,
    unclassified: each person's status there) per patient group: each person once, each national family once
    (genomes.str.national)."""

    build = models.CharField(max_length=6)
    locus_id = models.CharField(max_length=60)
    size_class = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["build", "locus_id", "size_class", "patient_group"],
                                               name="one_str_observation_row")]


class MtVariantObservation(NationalCarrierCounts):
    """National counts of one mitochondrial allele (rCRS position, REF, ALT) per heteroplasmy class
    (homoplasmic >= 0.95, heteroplasmic below) and patient group: each person once, each national family once
    (genomes.mt.national)."""

    pos = models.IntegerField()
    ref = models.CharField(max_length=500)
    alt = models.CharField(max_length=500)
    level_class = models.CharField(max_length=15)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pos", "ref", "alt", "level_class", "patient_group"],
                                               name="one_mt_observation_row")]


class AlignmentFile(models.Model):
    """A sample's reads: a BAM or CRAM with its index, read in place (never copied) when a user views a locus
    (genomes.reads). Registered by import_case --alignment, register_alignment, or the upload form and API (paths
    under READ_ALIGNMENT_ROOTS only)."""

    class Format(models.TextChoices):
        BAM = "bam", "BAM"
        CRAM = "cram", "CRAM"

    sample = models.OneToOneField(Sample, on_delete=models.CASCADE, related_name="alignment")
    path = models.CharField(max_length=1000)
    index_path = models.CharField(max_length=1000)
    format = models.CharField(max_length=4, choices=Format.choices)
    read_group_samples = models.JSONField(default=list, help_text="The SM names of the file's read groups")
    contigs = models.JSONField(default=list, help_text="The file's reference sequence names, in order")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)


class VariantPhase(models.Model):
    """Read-backed phase of a person's heterozygous call, as the VCF states it (genomes.phase): the phase set (FORMAT
    PS, GATK's PID, or the contig for phased genotypes without PS) and which haplotype carries the ALT allele.
    Kept per import; only calls the file phased have a row."""

    case_import = models.ForeignKey(CaseImport, on_delete=models.CASCADE, related_name="phases")
    variant_id = models.BigIntegerField()
    position = models.PositiveSmallIntegerField(help_text="the sample's position in the case's genotype arrays")
    phase_set = models.CharField(max_length=120)
    haplotype = models.PositiveSmallIntegerField(help_text="0 or 1: the haplotype the ALT allele is on")
    source = models.CharField(max_length=10, help_text="PS, PGT/PID, or GT (phased genotype, no phase set)")

    class Meta:
        indexes = [models.Index(fields=["case_import", "variant_id"], name="genomes_phase_import_variant")]
