"""Roles: a privileged role needs a second administrator; every membership change is audited, whatever the
channel; administrators see no patient data by being administrators."""
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent, Membership, Role, RoleGrant
from core.roles import membership_revoke, role_grant_approve, role_grant_request
from tests.factories import make_user


@pytest.fixture
def admins(dept_a):
    root = make_user("root", is_superuser=True, is_staff=True)
    anna = make_user("anna", department=dept_a, role=Role.ADMINISTRATOR, is_staff=True)
    return root, anna


@pytest.mark.django_db
def test_an_administrator_cannot_give_itself_patient_access_alone(client, admins, dept_a, case_a):
    root, anna = admins
    grant = role_grant_request(by=root, user=root, department=dept_a, role=Role.CLINICAL_GENETICIST,
                               reason="on call")
    assert grant.status == "pending" and not Membership.objects.filter(user=root).exists()
    client.force_login(root)
    assert client.get(reverse("api_case_detail", args=[case_a.pk])).status_code == 404  # no patient access
    with pytest.raises(PermissionDenied, match="not by the one who asked"):
        role_grant_approve(grant_id=grant.pk, by=root)
    for_anna = role_grant_request(by=root, user=anna, department=dept_a, role=Role.CLINICAL_GENETICIST,
                                  reason="covers the clinic")
    with pytest.raises(PermissionDenied, match="own account"):
        role_grant_approve(grant_id=for_anna.pk, by=anna)
    role_grant_approve(grant_id=grant.pk, by=anna)
    assert Membership.objects.filter(user=root, role=Role.CLINICAL_GENETICIST).exists()
    assert client.get(reverse("api_case_detail", args=[case_a.pk])).status_code == 200
    audited = AuditEvent.objects.filter(object_type__in=["role_grant", "membership"]).values_list(
        "object_type", "username", "details")
    assert ("role_grant", "root", {"requested": True, "user": "root", "role": "clinical_geneticist",
                                   "reason": "on call"}) in list(audited)
    assert any(kind == "role_grant" and who == "anna" and details.get("approved") for kind, who, details in audited)
    assert any(kind == "membership" and details == {"user": "root", "role": "clinical_geneticist",
                                                     "change": "granted"} for kind, _, details in audited)


@pytest.mark.django_db
def test_a_researcher_role_is_granted_at_once_and_taking_a_role_away_is_audited(admins, dept_a):
    root, _ = admins
    rasmus = make_user("rasmus")
    grant = role_grant_request(by=root, user=rasmus, department=dept_a, role=Role.RESEARCHER, reason="study")
    assert grant.status == "approved"
    membership = Membership.objects.get(user=rasmus)
    membership_revoke(membership_id=membership.pk, by=root, reason="study ended")
    assert not Membership.objects.filter(user=rasmus).exists()
    assert AuditEvent.objects.filter(object_type="membership", username="root",
                                     details__revoked=True, details__reason="study ended").exists()
    assert AuditEvent.objects.filter(object_type="membership", details__change="removed").exists()
    with pytest.raises(ValidationError, match="needs a reason"):
        role_grant_request(by=root, user=rasmus, department=dept_a, role=Role.RESEARCHER, reason=" ")
    with pytest.raises(PermissionDenied):
        role_grant_request(by=rasmus, user=rasmus, department=dept_a, role=Role.RESEARCHER, reason="me")


@pytest.mark.django_db
def test_a_membership_written_by_any_channel_is_audited(dept_a):
    user = make_user("shell-user")
    Membership.objects.create(user=user, department=dept_a, role=Role.VARIANT_CURATOR)  # a shell, a script
    event = AuditEvent.objects.get(object_type="membership", details__user="shell-user")
    assert event.details == {"user": "shell-user", "role": "variant_curator", "change": "granted"}
    user.is_superuser = True
    user.save()
    assert AuditEvent.objects.filter(object_type="account", details__account="shell-user",
                                     details__is_superuser=True).exists()


@pytest.mark.django_db
def test_the_admin_site_shows_memberships_but_gives_roles_only_through_grants(client, admins, dept_a):
    root, anna = admins
    client.force_login(root)
    assert client.get("/admin/core/membership/add/").status_code == 403
    target = make_user("newbie")
    response = client.post("/admin/core/rolegrant/add/", {"user": target.pk, "department": dept_a.pk,
                                                         "role": Role.CLINICAL_GENETICIST, "reason": "new hire"})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=target)
    assert grant.status == "pending" and grant.requested_by == root
    client.post("/admin/core/rolegrant/", {"action": "approve", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.status == "pending"  # the one who asked cannot approve
    client.force_login(anna)
    client.post("/admin/core/rolegrant/", {"action": "approve", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.status == "approved" and grant.decided_by == anna
    assert Membership.objects.filter(user=target, role=Role.CLINICAL_GENETICIST).exists()


@pytest.mark.django_db
def test_the_command_line_gives_roles_with_the_same_rules(admins, dept_a):
    root, anna = admins
    make_user("cli-user")

    def grant_role(*args):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("grant_role", *args, stdout=out, stderr=err)
            return 0, out.getvalue(), err.getvalue()
        except SystemExit as exit_:
            return exit_.code, out.getvalue(), err.getvalue()

    code, out, _ = grant_role("--by", "root", "--user", "cli-user", "--department", "kg-a", "--role",
                              "lab_bioinformatician", "--reason", "pipeline")
    grant = json.loads(out)
    assert code == 0 and grant["status"] == "pending"
    code, _, err = grant_role("--by", "root", "--approve", str(grant["grant"]))
    assert code == 1 and "not by the one who asked" in err
    code, out, _ = grant_role("--by", "anna", "--approve", str(grant["grant"]))
    assert code == 0 and json.loads(out)["status"] == "approved"
    assert AuditEvent.objects.filter(object_type="role_grant", username="anna", path="manage.py grant_role").exists()
