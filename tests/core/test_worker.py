"""A job queued by a web request runs in a separate Celery worker process, and the web shows its result.

With REDIS_URL set (CI's second pass) the message goes through Redis; otherwise
through the filesystem broker, the embedded default.
"""
import os
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse

from core.jobs import job_handler, job_run
from core.models import Job


def poll_job_page(client, job_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fragment = client.get(reverse("job_detail", args=[job_id]), HTTP_HX_REQUEST="true").content.decode()
        state = re.search(r'data-state="(\w+)"', fragment).group(1)
        if state in ("done", "failed"):
            return state, fragment
        time.sleep(0.3)
    raise TimeoutError(f"job {job_id} still {state} after {timeout} s")


@pytest.mark.worker
def test_a_job_queued_by_a_request_runs_in_the_worker_process_and_its_result_shows_on_the_web(client, alice, worker):
    client.force_login(alice)
    response = client.post(reverse("worker_check_start"))
    assert response.status_code == 302
    job_id = int(response.url.rstrip("/").split("/")[-1])

    state, fragment = poll_job_page(client, job_id)

    assert state == "done", fragment
    job = Job.objects.get(pk=job_id)
    worker_pid = int(job.worker.rsplit(":", 1)[1])
    assert worker_pid == worker.pid and worker_pid != os.getpid()
    assert job.result["database_version"].startswith("PostgreSQL")
    assert job.worker in fragment
    if settings.REDIS_URL:
        from interpret.celery import app

        assert app.conf.broker_url.startswith("redis://")


@pytest.mark.worker
def test_the_api_queues_a_job_and_reports_its_progress(client, alice, worker):
    client.force_login(alice)
    created = client.post(reverse("api_worker_check"))
    assert created.status_code == 202 and created.json()["state"] == "queued"
    job_id = created.json()["id"]
    deadline = time.monotonic() + 30
    while (body := client.get(reverse("api_job_detail", args=[job_id])).json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, body
        time.sleep(0.3)
    assert body["state"] == "done" and body["progress_percent"] == 100


@pytest.mark.django_db(transaction=True)  # progress is written through a connection of its own
def test_a_failing_job_is_recorded_as_failed_with_its_error_and_not_run_twice(alice):
    calls = []

    @job_handler("test_failure")
    def fail(job, report):
        calls.append(job.pk)
        report(3, 10, "reading")
        raise ValueError("line 12, field GT: missing genotype")

    job = Job.objects.create(kind="test_failure", created_by=alice)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == "ValueError: line 12, field GT: missing genotype"
    assert (job.progress_done, job.progress_total) == (3, 10)
    job_run(job.pk)
    assert calls == [job.pk]


@pytest.mark.django_db
def test_other_departments_cannot_see_a_users_job(client, alice, bob):
    job = Job.objects.create(kind="worker_check", created_by=alice)
    client.force_login(bob)
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("api_job_detail", args=[job.pk])).status_code == 404
