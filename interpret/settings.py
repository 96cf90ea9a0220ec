"""Settings for the national clinical variant interpretation platform.

One module, driven by environment variables (see the table in README.md).
Production is the default: DEBUG off, HTTPS-only cookies and HSTS. The local
demo (`make run`) and the test suite switch HTTPS off explicitly.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("INTERPRET_DATA_DIR") or BASE_DIR / ".data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Served behind TLS (the default): secure cookies, HSTS, redirect to https.
HTTPS = env_bool("HTTPS", True)


def _secret_key() -> str:
    configured = env_secret("SECRET_KEY")
    if configured:
        return configured
    # No key configured: generate one per installation and keep it in the data
    # folder, so sessions survive restarts and no key is ever committed.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, vendored: no CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Layers, bottom up: the platform core, then genomes and panels, then interpretation (docs/architecture.md).
    "core",
    "genomes",
    "panels",
    "interpret",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PrivateResponseMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.SessionIdleTimeoutMiddleware",
    "core.middleware.SecondFactorMiddleware",
    "core.middleware.PasswordChangeRequiredMiddleware",
    "core.middleware.ActingUserMiddleware",
    "core.middleware.LoginRequiredExceptApiMiddleware",
    "core.middleware.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "interpret.urls"
WSGI_APPLICATION = "interpret.wsgi.application"
ASGI_APPLICATION = "interpret.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.security",
                "genomes.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# The application connects as a role that owns nothing: it reads and writes rows, may only insert into the audit
# log, and can neither alter, truncate nor switch off a table's triggers. Migrations run as the owner role
# (`make setup` / `manage.py bootstrap` do: INTERPRET_DATABASE_ROLE=owner), see core/db_roles.py.
DATABASE_ROLE = env_str("INTERPRET_DATABASE_ROLE", "app")
if DATABASE_ROLE not in ("app", "owner", "superuser"):
    raise ImproperlyConfigured(f"INTERPRET_DATABASE_ROLE is app, owner or superuser, not {DATABASE_ROLE!r}")
DATABASE_URL = env_secret("DATABASE_URL")
# With an external database: the owner role's URL, used for migrations only (unset: one role does both).
DATABASE_OWNER_URL = env_secret("DATABASE_OWNER_URL")
if DATABASE_URL:
    EMBEDDED_DATABASE = False
    DATABASE_APP_URL = DATABASE_URL
    if DATABASE_ROLE == "owner" and DATABASE_OWNER_URL:
        DATABASE_URL = DATABASE_OWNER_URL
else:
    from core.embedded_postgres import embedded_database_url

    EMBEDDED_DATABASE = True
    DATABASE_APP_URL = embedded_database_url(DATA_DIR, role="app")
    DATABASE_URL = embedded_database_url(DATA_DIR, role=DATABASE_ROLE)

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
# A Unix-socket URL (postgresql://user@/db?host=/socket/dir) arrives as an option; make it the HOST.
if "host" in DATABASES["default"].get("OPTIONS", {}):
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
# On a Citus coordinator (README "Past one machine"; `manage.py distribute` lays the tables out): an import's
# transaction writes reference tables (national variants) after statements over many shards (observations), which
# Citus allows only when those went over one connection per node (sequential), and reads reference tables whose
# placement is on the coordinator itself, which with local execution would forbid the parallel statements after.
DATABASE_CITUS = env_bool("DATABASE_CITUS", False)
if DATABASE_CITUS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c citus.multi_shard_modify_mode=sequential -c citus.enable_local_execution=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, cache ------------------------------------------------------------
REDIS_URL = env_secret("REDIS_URL")
BROKER_DIR = Path(env_str("CELERY_BROKER_DIR") or DATA_DIR / "broker").resolve()

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # No broker server to install: kombu's filesystem transport passes messages
    # through files under the data folder to a real, separate worker process.
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
    # Shared by every web worker process, unlike the local-memory cache.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}

# Job state lives in our own job rows (core.models.Job), not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "interpret"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A running job's process proves it is alive this often; a job silent for the lease was abandoned (its process
# killed, its machine gone) and is failed and cleaned up (core.jobs.jobs_reap).
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10)
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 90)

# --- Authentication and security -----------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "core.authentication.AdministratorPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: a username is locked for this long after this many failures from one address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy the client address is in X-Forwarded-For; trust it only when told.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
# API calls per client address and minute before a 429, counted before any audit row is written
# (core.authentication): failed tokens, and calls without credentials.
BAD_TOKENS_PER_MINUTE = env_int("BAD_TOKENS_PER_MINUTE", 10)
ANONYMOUS_API_CALLS_PER_MINUTE = env_int("ANONYMOUS_API_CALLS_PER_MINUTE", 30)
# Days during which a change others made to an account (a password reset, a replaced second factor) is shown to
# its owner at each sign-in (core.account_notices).
ACCOUNT_NOTICE_DAYS = env_int("ACCOUNT_NOTICE_DAYS", 14)
# Sign-in attempts a minute from one address, whatever usernames they name (the lockout above is per username
# and address): past it the form answers 429 without checking or auditing each attempt.
LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS = env_int("LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS", 20)
# How many reverse proxies of ours stand in front (each appends one X-Forwarded-For entry).
TRUSTED_PROXY_COUNT = max(1, env_int("TRUSTED_PROXY_COUNT", 1))
# One client address for the audit log and the lockout: the one our proxy appended (core.web.client_ip).
AXES_CLIENT_IP_CALLABLE = "core.web.client_ip"
if TRUST_X_FORWARDED_FOR:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10) * 3600
# Clinical roles enrol an authenticator app (TOTP) and enter a code at every sign-in (core.second_factor).
REQUIRE_SECOND_FACTOR = env_bool("REQUIRE_SECOND_FACTOR", HTTPS)
OTP_TOTP_ISSUER = "National variant interpretation"
# A session also ends after this long without a request (core.middleware.SessionIdleTimeoutMiddleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "core.authentication.AnonymousThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Batch scripts: a rate per user (core.authentication.UserCallsThrottle), whichever token they use.
    "DEFAULT_THROTTLE_CLASSES": ["core.authentication.UserCallsThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies are objects, nested at most 32 deep (core.parsers): anything else is a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.ObjectJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "core.web.api_exception_handler",
    # ?format= belongs to our own endpoints (panel export: tsv, json, bed), not to DRF's renderer choice.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The OpenAPI 3 schema of the REST API (/api/schema/) and its browsable page (/api/docs/), for signed-in users and
# tokens; Swagger UI from drf-spectacular-sidecar's vendored files, its start-up script a file of its own (the CSP
# allows no inline script).
SPECTACULAR_SETTINGS = {
    "TITLE": "National clinical variant interpretation platform API",
    "DESCRIPTION": "Token-authenticated API for scripts and batch jobs (Authorization: Bearer <token>).",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DISABLE_ERRORS_AND_WARNINGS": True,
    # Views written as plain APIViews without serializers get generic bodies in the schema; its warnings about
    # them are not deployment problems (check --deploy stays warning-free).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it; WhiteNoise warns if it is missing before
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from static/ as well, so a checkout works before collectstatic.
WHITENOISE_USE_FINDERS = True

# Patient-level rows (variants with genotypes) a user may read: more than a page at once is an export (export
# roles only); each user's reads per day are capped (core.patient_reads).
VIEW_PAGE_ROWS = 50
VIEW_ROWS_PER_DAY = env_int("VIEW_ROWS_PER_DAY", 10_000)
EXPORT_ROWS_PER_DAY = env_int("EXPORT_ROWS_PER_DAY", 200_000)

# Which INFO fields carry gnomAD, ClinVar and scores in your pipeline's VCFs (genomes/vcf/evidence_fields.py).
VARIANT_FIELD_MAP_FILE = env_str("VARIANT_FIELD_MAP_FILE")
# Worker processes that read a large BGZF VCF in parallel (genomes/import_worker.py), one per core: each is a
# cyvcf2 reader fed by a compiled record screen (docs/benchmarks.md: 2 workers 1.3x faster than 1 on 2 cores).
IMPORT_WORKERS = env_int("IMPORT_WORKERS", max(1, os.cpu_count() or 1))
IMPORT_PARALLEL_MIN_BYTES = env_int("IMPORT_PARALLEL_MIN_BYTES", 64 * 1024 * 1024)
# Staging rows a worker commits at a time; the import's transaction stores each batch as it comes.
IMPORT_BATCH_ROWS = env_int("IMPORT_BATCH_ROWS", 20_000)
# Bounds on a case's VCF, checked while it is read (genomes/vcf/limits.py): a longer line or header, a larger or
# more compressed file is refused with an error, before htslib holds it in memory (decompression bombs).
VCF_MAX_LINE_BYTES = env_int("VCF_MAX_LINE_BYTES", 16 * 2**20)
VCF_MAX_HEADER_BYTES = env_int("VCF_MAX_HEADER_BYTES", 64 * 2**20)
VCF_MAX_BYTES = env_int("VCF_MAX_BYTES", 2**40)
VCF_MAX_EXPANSION = env_int("VCF_MAX_EXPANSION", 200)
# Individuals a case's pedigree may hold (a family; the variant table shows each one's genotypes).
CASE_MAX_INDIVIDUALS = env_int("CASE_MAX_INDIVIDUALS", 50)
# The analysis keeps ClinVar (likely) pathogenic variants whatever their frequency when ClinVar's review status
# has at least this many stars (0-4); variants of a file without review status are kept, and the run says so.
CLINVAR_MIN_STARS = env_int("CLINVAR_MIN_STARS", 1)
# Tumour mutational burden (genomes/somatic.py): the callable coding territory when a case states none (PCGR's
# default for a whole exome), and the least tumour VAF a counted call has.
TMB_DEFAULT_CALLABLE_MB = float(env_str("TMB_DEFAULT_CALLABLE_MB", "34.0"))
TMB_MIN_VAF = float(env_str("TMB_MIN_VAF", "0.05"))
# Below this callable territory (a small amplicon panel) a mutation count says nothing per megabase: the TMB is
# "not assessable" (the coding mutations are still counted and shown with the territory).
TMB_MIN_CALLABLE_MB = float(env_str("TMB_MIN_CALLABLE_MB", "1.0"))
# A case whose data have been ready this many days without a signed report is on the "overdue" work list.
CASE_TURNAROUND_DAYS = env_int("CASE_TURNAROUND_DAYS", 56)
# Uploaded VCF and PED files are kept here, private to this account, for the import job to read; deleted at once
# when rejected, and UPLOAD_RETENTION_DAYS after their import ended (genomes/importing/uploads.py).
UPLOAD_DIR = DATA_DIR / "uploads"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 64 * 2**30)
UPLOAD_RETENTION_DAYS = env_int("UPLOAD_RETENTION_DAYS", 7)
FILE_UPLOAD_HANDLERS = ["genomes.importing.uploads.CappedUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "upload-tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Gene models per genome build (a local Ensembl GTF, indexed by pyensembl into PYENSEMBL_CACHE_DIR) and the HGNC
# complete set for previous symbols and aliases (panels/genes.py). The defaults are the small real extracts
# shipped for the demo and tests (panels/reference_data/PROVENANCE.md); production points to full files.
REFERENCE_DATA_DIR = BASE_DIR / "panels" / "reference_data"
GENE_MODEL_GTF = {
    "GRCh38": env_str("GTF_GRCH38") or str(REFERENCE_DATA_DIR / "grch38_chr1_head.ensembl.gtf.gz"),
    "GRCh37": env_str("GTF_GRCH37") or str(REFERENCE_DATA_DIR / "grch37_chr1_head.ensembl75.gtf.gz"),
}
HGNC_TABLE = env_str("HGNC_TABLE") or str(REFERENCE_DATA_DIR / "hgnc_reduced_set.txt")
# gnomAD's gene constraint table (v2.1.1 lof_metrics.by_gene or v4 constraint_metrics TSV, plain or gzip): pLI
# and LOEUF on variant pages. Unset: constraint is not shown.
GNOMAD_CONSTRAINT_TABLE = env_str("GNOMAD_CONSTRAINT_TABLE", "")
PYENSEMBL_CACHE_DIR = Path(env_str("PYENSEMBL_CACHE_DIR") or DATA_DIR / "pyensembl").resolve()

# Extra folders of ACMG/AMP expert-panel specification files (JSON, ':'-separated); the shipped ones in
# interpret/acmg/specifications are always read. A name+version may be defined only once across all of them.
ACMG_SPECIFICATION_DIRS = [path for path in (env_str("ACMG_SPECIFICATION_DIRS") or "").split(":") if path]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

# A copy of every committed audit row, one JSON line each, to a syslog receiver off this host: "/dev/log" (the
# local syslog daemon, which forwards), "host:514" (UDP) or "tcp://host:514". docs/security.md.
AUDIT_SYSLOG_ADDRESS = env_str("AUDIT_SYSLOG_ADDRESS", "")


def _syslog_handler(address: str) -> dict:
    handler = {"class": "logging.handlers.SysLogHandler", "formatter": "audit", "facility": "authpriv"}
    if address.startswith("/"):
        return {**handler, "address": address}
    tcp = address.startswith("tcp://")
    host, _, port = address.removeprefix("tcp://").removeprefix("udp://").rpartition(":")
    if not host or not port.isdecimal():
        raise ImproperlyConfigured(f"AUDIT_SYSLOG_ADDRESS is /path/to/socket, host:port or tcp://host:port, "
                                   f"not {address!r}")
    import socket

    return {**handler, "address": (host, int(port)), "socktype": socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "audit": {"format": "interpret-audit: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"},
                 **({"audit_syslog": _syslog_handler(AUDIT_SYSLOG_ADDRESS)} if AUDIT_SYSLOG_ADDRESS else {})},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # kombu warns on every filesystem-broker connection that the URL has no host name.
    "loggers": {"pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"},
                "pyensembl": {"level": "WARNING"}, "datacache": {"level": "WARNING"}, "hgvs": {"level": "WARNING"},
                "gtfparse": {"level": "WARNING"},
                "kombu.connection": {"level": "ERROR"},
                # off unless shipped: the audit rows are in the database anyway
                "interpret.audit": {"handlers": ["audit_syslog"] if AUDIT_SYSLOG_ADDRESS else [],
                                    "level": "INFO" if AUDIT_SYSLOG_ADDRESS else "CRITICAL", "propagate": False}},
}

# GA4GH Beacon v2 (genomes.beacon): how this Beacon names itself; aggregate answers for signed-in users and tokens.
# National SV clusters (genomes.sv.national): calls of the same type match when they overlap by at least this
# share of the longer one's length, or (insertions, breakends) when their breakpoints lie this close.
SV_RECIPROCAL_OVERLAP = env_float("SV_RECIPROCAL_OVERLAP", 0.5)
SV_BREAKPOINT_WINDOW = env_int("SV_BREAKPOINT_WINDOW", 100)
# A Beacon count below this many families (or tumours) is answered as a boolean only: a count of one in a small
# patient group points at a person.
BEACON_MIN_COUNT = env_int("BEACON_MIN_COUNT", 5)
BEACON_ID = env_str("BEACON_ID") or "dk.national-genome.variant-interpretation"
BEACON_NAME = env_str("BEACON_NAME") or "National variant database (aggregate Beacon)"
BEACON_ORGANIZATION_ID = env_str("BEACON_ORGANIZATION_ID") or "national-genome-programme"
BEACON_ORGANIZATION_NAME = env_str("BEACON_ORGANIZATION_NAME") or "National genome programme"
BEACON_ENVIRONMENT = env_str("BEACON_ENVIRONMENT") or "dev"
BEACON_PRODUCTION_STATUS = env_str("BEACON_PRODUCTION_STATUS") or "DEV"

# Reanalysis (interpret.reanalysis): every case against current knowledge on a schedule (Celery beat, run beside
# the worker by `manage.py serve`), and a sweep of the panel outbox in case a publication's own trigger was lost.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "reanalysis-monthly": {"task": "interpret.reanalysis_scheduled",
                           "schedule": crontab(minute=0, hour=2, day_of_month=env_int("REANALYSIS_DAY_OF_MONTH", 1))},
    "panel-outbox-sweep": {"task": "interpret.panel_events_consume", "schedule": 600.0},
}
# A triggered reanalysis is split into jobs of at most this many cases, which workers run side by side.
REANALYSIS_JOB_CASES = env_int("REANALYSIS_JOB_CASES", 500)
# API calls a signed-in user or their tokens may make per minute (429 with Retry-After past it).
API_CALLS_PER_MINUTE_PER_USER = env_int("API_CALLS_PER_MINUTE_PER_USER", 600)

# Read view (genomes.reads): the reference FASTA (with its .fai) per build that the alignments were made on, read
# in place. Unset, the demo's mitochondrial references (genomes/demo_data: GATK's chrM for GRCh38, hs37d5's MT
# for GRCh37) serve, and loci on other contigs say which setting to give.
READ_REFERENCES = {
    "GRCh37": env_str("READ_REFERENCE_GRCH37") or str(BASE_DIR / "genomes" / "demo_data" / "MT.hs37d5.fa"),
    "GRCh38": env_str("READ_REFERENCE_GRCH38") or str(BASE_DIR / "genomes" / "demo_data" / "chrM.grch38.fasta"),
}
# The reads of one locus leave the server, at most READ_SLICE_FLANK bases either side of it, never a region longer
# than READ_SLICE_MAX bases (an SV's breakends are viewed one at a time).
READ_SLICE_FLANK = env_int("READ_SLICE_FLANK", 500)
READ_SLICE_MAX = env_int("READ_SLICE_MAX", 10_000)
# Folders under which the upload form and the API may register an alignment path (a web user must not point the
# server at another department's files); empty: only the commands (run by the operator) register alignments.
READ_ALIGNMENT_ROOTS = env_list("READ_ALIGNMENT_ROOTS", [])
