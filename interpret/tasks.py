from celery import shared_task

from interpret.jobs import job_run


@shared_task(name="interpret.run_job")
def run_job(*, job_id: int) -> None:
    job_run(job_id)
