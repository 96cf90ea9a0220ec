"""Everything needs a login; logins are throttled and audited."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import AuditEvent
from tests.factories import PASSWORD

PUBLIC = {"login", "healthz"}


def all_named_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # the admin site has its own staff login, checked below
            yield from all_named_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


@pytest.mark.django_db
def test_every_page_and_api_endpoint_refuses_anonymous_users(client, case_a):
    checked = 0
    for pattern in all_named_routes():
        if pattern.name in PUBLIC:
            continue
        args = ["RARE" if name == "code" else 1 for name in pattern.pattern.converters]
        url = reverse(pattern.name, args=args)
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 403), url
        else:
            assert response.status_code == 302 and response.url.startswith("/login/"), url
        checked += 1
    assert checked >= 10
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302 and "login" in admin.url


@pytest.mark.django_db
def test_a_login_and_a_failed_login_are_audited(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.username, failed.ip_address) == ("alice", "10.9.9.9")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", username="alice").exists()


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out_even_with_the_right_password(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out", username="alice").exists()


def test_weak_passwords_are_rejected():
    for weak in ("password123", "12345678901234", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("a-genuinely-long-passphrase")
