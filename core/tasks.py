"""Celery tasks of the platform core: thin, a job id in, the job service runs it."""
from celery import shared_task

from core.jobs import RUN_JOB_TASK, job_run


@shared_task(name=RUN_JOB_TASK)
def run_job(*, job_id: int) -> None:
    job_run(job_id)
