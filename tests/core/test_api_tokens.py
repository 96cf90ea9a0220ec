"""Service accounts authenticate with bearer tokens scoped to departments."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Membership, Role
from core.tokens import api_token_create
from tests.factories import make_user


@pytest.fixture
def batch(dept_a, dept_b):
    user = make_user("batch", is_service_account=True)
    Membership.objects.create(user=user, department=dept_a, role=Role.LAB_BIOINFORMATICIAN)
    Membership.objects.create(user=user, department=dept_b, role=Role.LAB_BIOINFORMATICIAN)
    return user


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_a_token_scoped_to_department_a_sees_only_department_a_cases(client, batch, case_a, case_b):
    token, raw = api_token_create(user=batch, name="reanalysis", department_codes=["kg-a"])
    listed = client.get(reverse("api_cases"), **bearer(raw)).json()
    assert [c["identifier"] for c in listed] == ["A-TRIO-001"]
    assert client.get(reverse("api_case_detail", args=[case_b.pk]), **bearer(raw)).status_code == 404
    denied = AuditEvent.objects.get(action="access_denied", object_id=str(case_b.pk))
    assert (denied.username, denied.api_token_prefix) == ("batch", token.prefix)


@pytest.mark.django_db
def test_requests_without_or_with_a_bad_token_are_refused_and_bad_tokens_audited(client, batch):
    assert client.get(reverse("api_cases")).status_code in (401, 403)
    response = client.get(reverse("api_cases"), **bearer("deadbeef.not-a-token"))
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="login_failed", object_type="api_token", object_id="deadbeef").exists()


@pytest.mark.django_db
def test_revoked_and_expired_tokens_stop_working(client, batch):
    revoked, raw_revoked = api_token_create(user=batch, name="old", department_codes=["kg-a"])
    revoked.revoked_at = timezone.now()
    revoked.save()
    expired, raw_expired = api_token_create(
        user=batch, name="expired", department_codes=["kg-a"], expires_at=timezone.now() - timedelta(days=1)
    )
    for raw in (raw_revoked, raw_expired):
        assert client.get(reverse("api_whoami"), **bearer(raw)).status_code == 401


@pytest.mark.django_db
def test_a_token_cannot_reach_beyond_its_users_departments(alice, dept_b):
    with pytest.raises(ValidationError, match="not a member of: kg-b"):
        api_token_create(user=alice, name="sneaky", department_codes=["kg-b"])


@pytest.mark.django_db
def test_only_a_digest_of_the_token_is_stored(batch):
    token, raw = api_token_create(user=batch, name="x", department_codes=["kg-a"])
    token.refresh_from_db()
    assert raw not in (token.digest, token.prefix)
    assert token.digest == token.digest_of(raw)


@pytest.mark.django_db
def test_create_api_token_command_prints_a_working_token(client, batch, capsys):
    import json

    call_command("create_api_token", "--user", "batch", "--department", "kg-b", "--name", "nightly")
    raw = json.loads(capsys.readouterr().out)["token"]
    me = client.get(reverse("api_whoami"), **bearer(raw)).json()
    assert me["patient_data_departments"] == ["kg-b"]
