"""Production settings pass Django's deployment checklist; the defaults are the safe ones."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("HTTPS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_overrides)
    # Point at the already running database, so no second embedded server is involved.
    env["DATABASE_URL"] = settings.DATABASE_URL
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="x" * 10 + "-production-secret-key-" + "y" * 30
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_https_the_deploy_check_fails_so_an_insecure_setup_is_noticed():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", HTTPS="false")
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr or "security.W012" in result.stderr


def test_a_misspelt_boolean_stops_the_application_from_starting():
    result = run_manage("check", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG='ture' is not a boolean" in result.stderr


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "csrftoken" in response.cookies


def test_debug_is_off_unless_explicitly_set():
    assert settings.DEBUG is False
