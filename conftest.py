"""Test-run configuration that must be in place before Django reads its settings."""
import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
# The test client and the live server speak plain http.
os.environ.setdefault("HTTPS", "false")
# Tests create and drop their own databases: with the embedded server, as its superuser. The application's own
# role (no ownership, no TRUNCATE of the audit log) is tested in tests/core/test_database_roles_and_backup.py.
os.environ.setdefault("INTERPRET_DATABASE_ROLE", "superuser")
# A broker queue of this run's own, shared with the worker processes it starts,
# so that a stale message of an earlier run or of `make run` is never consumed.
os.environ.setdefault("CELERY_BROKER_DIR", tempfile.mkdtemp(prefix="interpret-test-broker-"))
# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# in the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()
