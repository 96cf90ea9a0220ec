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
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert (
        client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_committed_audit_rows_are_shipped_to_syslog_off_the_host_and_rolled_back_ones_are_not(alice, tmp_path):
    """With AUDIT_SYSLOG_ADDRESS set, the real settings send each committed row as a JSON line to a syslog
    receiver (here a UDP socket standing in for the remote host)."""
    import json
    import socket
    import subprocess
    import sys

    from tests.processes import ROOT, process_env

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(30)
    env = {**process_env(), "AUDIT_SYSLOG_ADDRESS": f"127.0.0.1:{receiver.getsockname()[1]}"}
    script = ("import django; django.setup()\n"
              "from django.db import transaction\n"
              "from core.audit import audit_record\n"
              "try:\n"
              "    with transaction.atomic():\n"
              "        audit_record(action='export', username='rolled-back', object_type='case', object_id=1)\n"
              "        raise RuntimeError\n"
              "except RuntimeError:\n"
              "    pass\n"
              "audit_record(action='view', username='alice', object_type='case', object_id=42, "
              "department_code='kg-a', details={'rows': 3})\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**env, "DJANGO_SETTINGS_MODULE": "interpret.settings"})
    assert done.returncode == 0, done.stderr[-2000:]
    message = receiver.recv(65536).decode()
    receiver.close()
    assert message.startswith("<86>interpret-audit: ")  # authpriv (10) * 8 + info (6); the rolled-back row came not
    shipped = json.loads(message.split("interpret-audit: ", 1)[1].rstrip("\x00"))
    assert (shipped["username"], shipped["action"], shipped["object_id"], shipped["details"]) == (
        "alice", "view", "42", {"rows": 3})
    assert shipped["id"] == AuditEvent.objects.get(username="alice", object_id="42").pk
    assert not AuditEvent.objects.filter(username="rolled-back").exists()


def test_a_bad_syslog_address_stops_the_application_with_a_message():
    from django.core.exceptions import ImproperlyConfigured

    from interpret.settings import _syslog_handler

    assert _syslog_handler("/dev/log")["address"] == "/dev/log"
    assert _syslog_handler("tcp://logs.example.org:6514")["address"] == ("logs.example.org", 6514)
    with pytest.raises(ImproperlyConfigured, match="AUDIT_SYSLOG_ADDRESS"):
        _syslog_handler("logs.example.org")
