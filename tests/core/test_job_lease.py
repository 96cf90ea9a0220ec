"""A job whose process is gone is failed, with why, and what it had started is undone, once."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.jobs import Heartbeat, job_handler, jobs_reap
from core.models import Job

CLEANED = []


def _cleanup(job):
    CLEANED.append(job.pk)


@job_handler("test_lease", cleanup=_cleanup)
def _never_run(job, report):  # pragma: no cover - registered for its cleanup
    return {}


@pytest.fixture(autouse=True)
def clean_record():
    CLEANED.clear()


@pytest.mark.django_db
def test_a_running_job_without_a_heartbeat_for_the_lease_is_failed_and_cleaned_up_once(settings):
    settings.JOB_LEASE_SECONDS = 90
    now = timezone.now()
    silent = Job.objects.create(kind="test_lease", state=Job.State.RUNNING, started_at=now - timedelta(minutes=10),
                                heartbeat_at=now - timedelta(seconds=91), worker="other-host:123")
    alive = Job.objects.create(kind="test_lease", state=Job.State.RUNNING, started_at=now - timedelta(minutes=10),
                               heartbeat_at=now - timedelta(seconds=30), worker="other-host:124")
    assert jobs_reap(now=now) == [silent.pk]
    assert jobs_reap(now=now) == []  # a second look finds nothing more to do
    silent.refresh_from_db()
    alive.refresh_from_db()
    assert silent.state == "failed" and "stopped: no sign of life since" in silent.error
    assert "other-host:123" in silent.error and "what it had started was undone" in silent.error
    assert alive.state == "running" and CLEANED == [silent.pk]


@pytest.mark.django_db
def test_a_job_of_a_dead_process_on_this_machine_is_failed_at_once():
    import socket
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    job = Job.objects.create(kind="test_lease", state=Job.State.RUNNING, started_at=timezone.now(),
                             heartbeat_at=timezone.now(), worker=f"{socket.gethostname()}:{gone.pid}")
    assert jobs_reap() == [job.pk] and CLEANED == [job.pk]


@pytest.mark.django_db(transaction=True)  # the heartbeat writes through a connection of its own
def test_the_heartbeat_keeps_a_running_job_alive(settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.2
    past = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(kind="test_lease", state=Job.State.RUNNING, started_at=past, heartbeat_at=past)
    heartbeat = Heartbeat(job.pk)
    try:
        import time

        deadline = time.monotonic() + 5
        while Job.objects.get(pk=job.pk).heartbeat_at == past:
            assert time.monotonic() < deadline, "no heartbeat written"
            time.sleep(0.1)
    finally:
        heartbeat.stop()
    assert jobs_reap() == []


@pytest.mark.django_db
def test_the_job_page_shows_an_abandoned_job_as_failed_with_the_reason(client, alice):
    from django.urls import reverse

    past = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(kind="test_lease", state=Job.State.RUNNING, started_at=past, heartbeat_at=past,
                             created_by=alice, worker="gone-host:1")
    client.force_login(alice)
    body = client.get(reverse("api_job_detail", args=[job.pk])).json()
    assert body["state"] == "failed" and "no sign of life" in body["error"]
