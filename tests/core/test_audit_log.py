"""The audit log: append-only in the database, searchable by administrators only."""
import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEvent


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_audit_events(alice):
    event = audit_record(action="view", user=alice, object_type="case", object_id=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="export")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_audit_trail(alice):
    audit_record(action="view", user=alice, object_type="case", object_id=7)
    alice.delete()
    assert AuditEvent.objects.filter(username="alice", object_id="7").exists()


@pytest.mark.django_db
def test_administrators_search_the_audit_log_by_user_and_action(client, adam, alice, bob):
    audit_record(action="view", user=alice, object_type="case", object_id=11)
    audit_record(action="access_denied", user=bob, object_type="case", object_id=11)
    client.force_login(adam)
    page = client.get(reverse("audit_log"), {"username": "bob", "action": "access_denied"})
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert [(e.username, e.action) for e in rows] == [("bob", "access_denied")]


@pytest.mark.django_db
def test_a_non_administrator_is_refused_the_audit_log_and_the_attempt_is_recorded(client, alice):
    client.force_login(alice)
    assert client.get(reverse("audit_log")).status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", object_type="audit_log", username="alice").exists()


@pytest.mark.django_db
def test_the_admin_site_offers_no_way_to_delete_or_edit_audit_events(client, patient_groups):
    from core.models import User

    root = User.objects.create_superuser("root", password="a-long-admin-password-1")
    event = audit_record(action="view", user=root, object_type="case", object_id=3)
    client.force_login(root)
    assert client.get(reverse("admin:interpret_auditevent_changelist")).status_code == 200
    assert client.post(reverse("admin:interpret_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
