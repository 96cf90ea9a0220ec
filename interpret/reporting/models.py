"""Report templates of the departments, and the reports of a case (drafts, signed, amended)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.models import Department


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
    structural_variant_ids = ArrayField(models.BigIntegerField(), default=list, blank=True,
                                        help_text="The case's structural and copy-number calls reported, in order")
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
