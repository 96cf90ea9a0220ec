"""The platform core's data: users, departments and their roles, patient groups, the append-only audit log,
API tokens for batch jobs, and background job rows.

They belong to the app ``core`` (``AUTH_USER_MODEL = "core.User"``) with their schema history in core/migrations,
and keep the tables they were first created under by the app ``interpret`` (``interpret_user``,
``interpret_auditevent``, ...): the move changed no table (core 0001, core 0002).
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A person, or a service account that batch jobs use through API tokens."""

    is_service_account = models.BooleanField(
        default=False, help_text="Batch-job identity: authenticates with API tokens only, never a password."
    )
    # Set when someone else set this account's password (an administrator's reset, a command): whoever set it
    # knows it, so the account opens nothing but the password change until its owner picks a new one.
    password_change_required = models.BooleanField(default=False, editable=False)

    class Meta(AbstractUser.Meta):
        db_table = "interpret_user"  # the table it was created under (see core 0001)


class Department(models.Model):
    """Owns cases. Clinical genetics departments of the regions, pathology, oncology, labs."""

    class Kind(models.TextChoices):
        CLINICAL_GENETICS = "clinical_genetics", "Clinical genetics"
        PATHOLOGY = "pathology", "Pathology"
        ONCOLOGY = "oncology", "Oncology"
        LABORATORY = "laboratory", "Laboratory / bioinformatics"
        EXPERT_NETWORK = "expert_network", "GenNet expert network"  # owns gene panels; its curators edit them
        # Holds meetings; the cases referred to them are shared with it (interpret.tumor_board)
        TUMOR_BOARD = "tumor_board", "Molecular tumor board"
        OTHER = "other", "Other"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.CLINICAL_GENETICS)
    region = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "interpret_department"  # the table it was created under (see core 0001)
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CLINICAL_GENETICIST = "clinical_geneticist", "Clinical geneticist"
    VARIANT_CURATOR = "variant_curator", "Variant curator"
    TUMOR_BOARD_MEMBER = "tumor_board_member", "Tumor board member"
    LAB_BIOINFORMATICIAN = "lab_bioinformatician", "Lab / bioinformatician"
    RESEARCHER = "researcher", "Researcher (aggregate data only)"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles whose work needs identifiable patient data of their department's cases.
# Researchers see aggregates only; administrators manage users and read the audit
# log, and need a clinical role as well to open cases.
PATIENT_DATA_ROLES = frozenset(
    {Role.CLINICAL_GENETICIST, Role.VARIANT_CURATOR, Role.TUMOR_BOARD_MEMBER, Role.LAB_BIOINFORMATICIAN}
)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "interpret_membership"  # the table it was created under (see core 0001)
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.department.code}"


class PatientGroup(models.Model):
    """One of the 17 patient groups of the Danish national WGS programme (Danish National Genome Center)."""

    class Kind(models.TextChoices):
        GERMLINE = "germline", "Germline"
        SOMATIC = "somatic", "Somatic"
        BOTH = "both", "Germline and somatic"

    code = models.SlugField(max_length=30, unique=True)
    number = models.PositiveSmallIntegerField(unique=True, help_text="Programme order, 1-17")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField()
    retention_popmax = models.FloatField(
        null=True, blank=True, default=0.05,
        help_text="Germline imports keep variants with population max AF at or below this (or unknown), plus "
                  "ClinVar (likely) pathogenic ones; empty keeps everything",
    )
    beacon_shared = models.BooleanField(
        default=False, help_text="Its cases' observations are counted in the Beacon v2 answers (aggregates only); "
                                 "on only where the group's consent covers sharing (every change is audited)")

    class Meta:
        db_table = "interpret_patientgroup"  # the table it was created under (see core 0001)
        ordering = ["number"]

    def __str__(self):
        return f"{self.code} — {self.name}"


class AuditEvent(models.Model):
    """One row per access to patient data, change, export, login or refused attempt.

    Append-only: the database itself refuses UPDATE and DELETE on this table (a
    trigger installed by migration 0002), so not even a bug or the admin site can
    rewrite history. The user is kept as id and username, without a foreign-key
    constraint, so that deleting a user leaves their trail intact.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        EXPORT = "export", "Exported"
        SHARE = "share", "Shared"
        LOGIN = "login", "Logged in"
        LOGOUT = "logout", "Logged out"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOCKED_OUT = "locked_out", "Locked out"
        ACCESS_DENIED = "access_denied", "Access denied"

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, db_index=True)
    api_token_prefix = models.CharField(max_length=12, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=40, blank=True, db_index=True)
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    department_code = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "interpret_auditevent"  # the table it was created under (see core 0001)
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "timestamp"], name="audit_object_idx")]

    def __str__(self):
        when = f"{self.timestamp:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.username or '-'} {self.action} {self.object_type}:{self.object_id}"


class ApiToken(models.Model):
    """A bearer token for scripts and batch jobs, scoped to some of its user's departments.

    Only a SHA-256 digest is stored; the token itself is shown once at creation.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    departments = models.ManyToManyField(Department, related_name="api_tokens")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "interpret_apitoken"  # the table it was created under (see core 0001)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Job(models.Model):
    """A background job and its progress, as the user sees it.

    Celery carries only the job id; everything the UI shows (state, progress,
    result, error) is here, written by the worker and read by the web.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=50)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs")
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process that ran it")
    heartbeat_at = models.DateTimeField(null=True, blank=True,
                                        help_text="Last sign of life of the process running it (core.jobs.Heartbeat)")

    class Meta:
        db_table = "interpret_job"  # the table it was created under (see core 0001)
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def eta_seconds(self) -> int | None:
        """Remaining time at the rate so far, while running with a known total."""
        if self.state != self.State.RUNNING or not self.progress_total or not self.progress_done or not self.started_at:
            return None
        elapsed = (timezone.now() - self.started_at).total_seconds()
        return max(0, int(elapsed * (self.progress_total - self.progress_done) / self.progress_done))

    @property
    def rate_per_second(self) -> float | None:
        if not self.progress_done or not self.started_at:
            return None
        end = self.finished_at or timezone.now()
        seconds = (end - self.started_at).total_seconds()
        return round(self.progress_done / seconds) if seconds > 0 else None

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))


# Roles that may take patient data out of the platform in bulk (CSV export); exports are audit-logged.
EXPORT_ROLES = frozenset({Role.CLINICAL_GENETICIST, Role.VARIANT_CURATOR, Role.LAB_BIOINFORMATICIAN})
# Roles that may download programme aggregates (dashboard figures as CSV: counts, no case identifier).
AGGREGATE_EXPORT_ROLES = EXPORT_ROLES | {Role.RESEARCHER}
# Roles that classify variants (ACMG/AMP) for their department.
CLASSIFY_ROLES = frozenset({Role.CLINICAL_GENETICIST, Role.VARIANT_CURATOR})


class PatientDataReads(models.Model):
    """How many rows of patient data (variant rows with genotypes) a user read on a day, as pages or as exports;
    the daily quotas (VIEW_ROWS_PER_DAY, EXPORT_ROWS_PER_DAY) are checked against it (core.patient_reads)."""

    class Kind(models.TextChoices):
        VIEW = "view", "Pages"
        EXPORT = "export", "Exports"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rows = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day", "kind"], name="patient_reads_unique_day")]


class RoleGrant(models.Model):
    """A role given to an account in a department. A privileged role (a clinical one, which opens patient data,
    or administrator) takes effect only when a second administrator approves it: never the one who asked,
    never the account itself (core.roles)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a second administrator"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.get_role_display()} in {self.department.code} for {self.user} ({self.status})"
