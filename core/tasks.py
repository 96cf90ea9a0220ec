"""Celery tasks of the platform core: thin, a job id in, the job service runs it. A worker also watches for jobs
whose process died (core.jobs.jobs_reap): once when it starts, then every JOB_LEASE_SECONDS."""
import logging
import threading

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import connection

from core.jobs import RUN_JOB_TASK, job_run, jobs_reap

logger = logging.getLogger(__name__)


@shared_task(name=RUN_JOB_TASK)
def run_job(*, job_id: int) -> None:
    job_run(job_id)


@worker_ready.connect
def reap_abandoned_jobs(**kwargs):
    def watch():
        stop = threading.Event()
        while True:
            try:
                reaped = jobs_reap()
                if reaped:
                    logger.warning("abandoned jobs failed and cleaned up: %s", reaped)
            except Exception:  # noqa: BLE001 - the database restarting: look again next time
                logger.warning("could not look for abandoned jobs", exc_info=True)
            finally:
                connection.close()
            stop.wait(settings.JOB_LEASE_SECONDS)

    threading.Thread(target=watch, name="abandoned-job-watch", daemon=True).start()
