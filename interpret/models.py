"""Interpretation data: filter presets and runs, geneticists' tags and comments on a case's variants, and the
versions of ACMG/AMP classifications (the national classification store)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department, Job, PatientGroup
from interpret.acmg.classes import ALL_CLASSES


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

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)


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


class ReportTemplate(models.Model):
    """A department's report letterhead and fixed texts (data, not code); departments without one get the
    default texts of interpret/reporting/defaults.py."""

    department = models.OneToOneField(Department, on_delete=models.PROTECT, related_name="report_template")
    letterhead = models.TextField(blank=True, help_text="Lines printed at the top of the first page: hospital, "
                                                         "department, address")
    letterhead_image = models.BinaryField(blank=True, null=True, help_text="PNG or JPEG logo, at most 512 KiB")
    letterhead_image_type = models.CharField(max_length=20, blank=True)
    methods = models.TextField(blank=True)
    limitations = models.TextField(blank=True)
    footer = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)


class Report(models.Model):
    """One version of a case's clinical report. The variant facts are taken from the data when the draft is
    saved (``facts``) and cannot be edited here; the geneticist writes the narrative. Signed out by a second
    geneticist (never the author nor anyone who edited it), a version is frozen: its HTML and PDF are stored
    with their SHA-256, and migration interpret 0012 refuses any UPDATE or DELETE of a signed row. An
    amendment is a new version that names the one it replaces and says what changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed out"

    case = models.ForeignKey("genomes.Case", on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amendment_reason = models.TextField(blank=True, help_text="What changed, for an amended report")
    indication = models.TextField(blank=True)
    conclusion = models.TextField(blank=True)
    recommendations = models.TextField(blank=True, help_text="Cascade testing, follow-up")
    secondary_findings_consent = models.CharField(
        max_length=200, blank=True, help_text="Where the patient's consent to secondary findings is recorded (empty: "
                                              "none recorded, and no secondary finding is reported)")
    variant_ids = ArrayField(models.BigIntegerField(), default=list, blank=True,
                             help_text="National variants reported, in order")
    secondary_variant_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    filter_run_ids = ArrayField(models.BigIntegerField(), default=list, blank=True,
                                help_text="The filter runs whose exact settings the report states")
    facts = models.JSONField(default=dict, blank=True)
    # An amendment's corrections of the transcript a reported variant is named by: {variant id: {"transcript",
    # "reason"}}; the reason is printed beside it and audited.
    transcript_corrections = models.JSONField(default=dict, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_by = ArrayField(models.BigIntegerField(), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    html_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="report_version_unique"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="draft"),
                                    name="report_one_draft_per_case"),
        ]

    def __str__(self):
        return f"report {self.case_id} v{self.version} ({self.status})"


class Reanalysis(models.Model):
    """One re-run of stored cases against current knowledge (interpret.reanalysis): what triggered it, over which
    cases, the job that ran it and what it found."""

    class Trigger(models.TextChoices):
        PANEL = "panel", "Panel version published"
        CLASSIFICATION = "classification", "Classification changed"
        FREQUENCY = "frequency", "Cohort frequency crossed a threshold"
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
