"""Faults of the services around the application: the database going away during a request, the broker down."""
import pytest
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent
from core.tokens import api_token_create
from interpret.analysis.models import VariantTag
from tests.public_data import public_file


def terminate_own_connection(*args, **kwargs):
    """What a database restart does to a request: its connection ends under it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


@pytest.mark.django_db(transaction=True)  # the request's own transaction must really be rolled back
def test_a_database_restart_during_a_request_is_a_clean_503_and_nothing_half_written(client, trio, alice,
                                                                                      monkeypatch):
    from genomes.models import CaseVariant

    variant_id = CaseVariant.objects.filter(case_id=trio.pk).values_list("variant_id", flat=True).first()
    client.force_login(alice)
    audited = AuditEvent.objects.count()
    # The tag is written, then the connection ends before the transaction commits (inside its audit row).
    monkeypatch.setattr("interpret.analysis.variant_marks.audit_record", terminate_own_connection)
    response = client.post(f"/cases/{trio.pk}/variants/{variant_id}/tags/", {"tag": "candidate"})
    assert response.status_code == 503 and b"Nothing was changed" in response.content
    monkeypatch.undo()
    assert not VariantTag.objects.filter(case=trio).exists()  # rolled back with the connection
    assert AuditEvent.objects.count() == audited + 1  # the case view before the tag; no tag row
    assert client.get(f"/cases/{trio.pk}/").status_code == 200  # the next request connects again


@pytest.mark.django_db
def test_with_the_broker_down_pages_work_and_imports_are_refused_with_a_message(client, alice, monkeypatch,
                                                                                case_a):
    from celery import current_app

    monkeypatch.setitem(current_app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens there
    client.force_login(alice)
    assert client.get(reverse("patient_group_cases", args=["RARE"])).status_code == 200
    assert client.get(f"/cases/{case_a.pk}/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["broker"].startswith("error")
    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    with open(public_file("scout-demo/643594.ped"), "rb") as ped, \
            open(public_file("scout-demo/643594.clinical.vcf.gz"), "rb") as vcf:
        refused = client.post(reverse("api_case_import"), {"patient_group": "RARE", "department": "kg-a",
                                                          "pedigree": ped, "vcf": vcf},
                              HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 503 and "cannot be queued" in refused.json()["error"]


@pytest.mark.django_db
def test_a_database_that_is_down_is_a_503_on_signed_in_pages_and_the_api_with_no_server_paths(client, alice,
                                                                                                monkeypatch):
    """Issue 25, item 11: the session (or the login) meets the stopped database before any view does."""
    from django.db import OperationalError

    client.force_login(alice)
    client.raise_request_exception = False

    def refused(*args, **kwargs):
        raise OperationalError('connection failed: connection to server on socket "/srv/pg/.s.PGSQL.5432" failed')

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", refused)
    monkeypatch.setattr("django.contrib.sessions.backends.cached_db.SessionStore.load", refused, raising=False)
    for path in ("/", "/api/cases/", "/worklist/"):
        answer = client.get(path)
        assert answer.status_code == 503, path
        assert answer["Retry-After"] == "30" and b"/srv/pg" not in answer.content and b"socket" not in answer.content
    monkeypatch.setattr("core.health.connection.cursor", refused)
    from django.test import Client

    health = Client(raise_request_exception=False).get("/healthz")  # a load balancer: no session
    assert health.status_code == 503 and health.json()["database"] == "error: OperationalError"
    assert "/srv/pg" not in health.content.decode()


def test_the_serve_process_starts_a_stopped_embedded_database_again(tmp_path):
    """`make run` checks the embedded database every few seconds and starts it again when it stopped."""
    import os
    import signal
    import time

    import psutil
    import psycopg

    from core.embedded_postgres import embedded_server, embedded_server_keep_running

    server = embedded_server(tmp_path)
    assert embedded_server_keep_running(tmp_path) is False  # running: nothing to do
    postmaster = server.get_pid()
    os.kill(postmaster, signal.SIGQUIT)  # PostgreSQL's immediate shutdown: what a crash leaves behind
    deadline = time.monotonic() + 30
    while psutil.pid_exists(postmaster) and time.monotonic() < deadline:
        time.sleep(0.2)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.get_uri("postgres"), connect_timeout=3).close()
    assert embedded_server_keep_running(tmp_path) is True
    with psycopg.connect(server.get_uri("postgres")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
