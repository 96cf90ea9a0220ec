"""Department boundaries on cases, in pages and API, with every attempt audited."""
import pytest
from django.urls import reverse

from core.models import AuditEvent
from genomes.services import case_share


def audit_events(action, object_id):
    return AuditEvent.objects.filter(action=action, object_type="case", object_id=str(object_id))


@pytest.mark.django_db
def test_a_geneticist_opens_a_case_of_her_department_and_the_view_is_audited(client, alice, case_a):
    client.force_login(alice)
    response = client.get(reverse("case_detail", args=[case_a.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert b"A-TRIO-001" in response.content
    event = audit_events("view", case_a.pk).get()
    assert (event.username, event.department_code, event.ip_address) == ("alice", "kg-a", "10.1.2.3")


@pytest.mark.django_db
def test_a_user_of_department_b_gets_404_for_department_a_case_and_the_attempt_is_audited(client, bob, case_a):
    client.force_login(bob)
    response = client.get(reverse("case_detail", args=[case_a.pk]))
    assert response.status_code == 404
    assert b"A-TRIO-001" not in response.content
    denied = audit_events("access_denied", case_a.pk).get()
    assert denied.username == "bob"
    assert denied.department_code == "kg-a"
    assert not audit_events("view", case_a.pk).exists()


@pytest.mark.django_db
def test_a_researcher_of_the_owning_department_gets_403_and_is_audited(client, rita, case_a):
    client.force_login(rita)
    response = client.get(reverse("case_detail", args=[case_a.pk]))
    assert response.status_code == 403
    assert audit_events("access_denied", case_a.pk).filter(username="rita").exists()


@pytest.mark.django_db
def test_an_administrator_without_a_clinical_role_cannot_open_cases(client, adam, case_a):
    client.force_login(adam)
    assert client.get(reverse("case_detail", args=[case_a.pk])).status_code == 403


@pytest.mark.django_db
def test_the_case_list_shows_only_the_departments_own_cases(client, alice, case_a, case_b):
    client.force_login(alice)
    response = client.get(reverse("patient_group_cases", args=["RARE"]))
    assert b"A-TRIO-001" in response.content
    assert b"B-SINGLE-001" not in response.content
    assert AuditEvent.objects.filter(action="view", object_type="case_list", object_id="RARE").exists()


@pytest.mark.django_db
def test_a_case_shared_explicitly_becomes_visible_to_the_other_department(client, alice, bob, case_a, dept_b):
    case_share(case=case_a, department=dept_b, granted_by=alice, reason="second opinion")
    client.force_login(bob)
    assert client.get(reverse("case_detail", args=[case_a.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="share", object_id=str(case_a.pk), username="alice").exists()


@pytest.mark.django_db
def test_only_the_owning_department_can_share_a_case(bob, case_a, dept_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        case_share(case=case_a, department=dept_b, granted_by=bob, reason="I want to see it")


@pytest.mark.django_db
def test_the_api_applies_the_same_boundary(client, bob, case_a, case_b):
    client.force_login(bob)
    listed = client.get(reverse("api_cases")).json()
    assert [c["identifier"] for c in listed] == ["B-SINGLE-001"]
    assert client.get(reverse("api_case_detail", args=[case_a.pk])).status_code == 404
    assert audit_events("access_denied", case_a.pk).filter(username="bob").exists()


@pytest.mark.django_db
def test_a_researcher_cannot_open_the_import_page_and_the_attempt_is_audited(client, rita):
    client.force_login(rita)
    assert client.get(reverse("case_import")).status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", object_type="case_import", username="rita").exists()


@pytest.mark.django_db
def test_the_import_form_offers_only_the_users_own_departments(client, alice, dept_b):
    client.force_login(alice)
    departments = client.get(reverse("case_import")).context["form"].fields["department"].queryset
    assert [d.code for d in departments] == ["kg-a"]
