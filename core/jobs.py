"""Background jobs: a stored row per job, run by a Celery worker (or in the foreground).

A job handler is a plain function ``handler(job, report)`` registered for a
kind; it returns the result dict and may call ``report(done, total, message)``.
The worker task and the foreground runner (``--wait`` on command-line
contracts) both go through ``job_run``, so a job is recorded the same way
whichever process runs it.
"""
from __future__ import annotations

import logging
import os
import socket
import traceback
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from core.models import Job

logger = logging.getLogger(__name__)

JobHandler = Callable[[Job, Callable[..., None]], dict]
_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str):
    """Register ``func`` as the handler of jobs of ``kind``."""

    def register(func: JobHandler) -> JobHandler:
        _HANDLERS[kind] = func
        return func

    return register


def job_create(
    *, kind: str, created_by=None, department=None, parameters: dict | None = None, send_to_worker: bool = True
) -> Job:
    """Store a queued job and send it to the worker once the surrounding transaction commits.

    Queuing on commit matters: a worker fast enough to pick the message up before
    the commit would not find the row. ``send_to_worker=False`` is for callers
    that run the job themselves (``--wait``), so no worker races them for it.
    """
    if kind not in _HANDLERS:
        raise ValueError(f"No handler for job kind {kind!r}")
    job = Job.objects.create(kind=kind, created_by=created_by, department=department, parameters=parameters or {})
    if send_to_worker:
        transaction.on_commit(lambda: _send(job.pk))
    return job


# The Celery task that runs a job (core.tasks.run_job), sent by name so that this module and the task module do
# not import each other. The name is what queued messages carry: keep it.
RUN_JOB_TASK = "interpret.run_job"


def _send(job_id: int) -> None:
    from celery import current_app

    current_app.send_task(RUN_JOB_TASK, kwargs={"job_id": job_id})


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_run(job_id: int) -> Job | None:
    """Run a queued job in this process and record its outcome; never raises for a handler error."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=timezone.now(), worker=_this_process()
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        # A message outlived its row (e.g. a database restored from backup): nothing to run.
        logger.warning("job %s does not exist; message dropped", job_id)
        return None
    if not claimed:
        # Redelivered after a worker restart (acks_late) or already run: do not run twice.
        logger.warning("job %s is %s, not queued; not running it again", job_id, job.state)
        return job
    handler = _HANDLERS[job.kind]
    report = ProgressReporter(job_id)
    try:
        result = handler(job, report)
    except Exception as exc:  # the job row is the user's view of the failure
        logger.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED, finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}", message="failed",
            result={"traceback": traceback.format_exc(limit=20)},
        )
    else:
        Job.objects.filter(pk=job_id).update(
            state=Job.State.DONE, finished_at=timezone.now(), result=result or {}, message="done",
            **({"progress_done": report.total, "progress_total": report.total} if report.total else {}),
        )
    finally:
        report.close()
    job.refresh_from_db()
    return job


class ProgressReporter:
    """Writes a job's progress through a connection of its own.

    Handlers do their real work inside one transaction (an import is all or
    nothing); progress written on that transaction's connection would stay
    invisible to the web until the end. Updates are throttled to two a second.
    """

    def __init__(self, job_id: int, min_interval: float = 0.5):
        self.job_id, self.min_interval = job_id, min_interval
        self.total: int | None = None
        self._connection = None
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "", *, force: bool = False) -> None:
        import time

        self.total = total
        now = time.monotonic()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        if self._connection is None:
            self._connection = _side_connection()
        self._connection.execute(
            "UPDATE interpret_job SET progress_done = %s, progress_total = %s, message = %s WHERE id = %s",
            [done, total, message[:300], self.job_id],
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def database_conninfo() -> str:
    """A libpq connection string for the database Django uses (for side connections and worker processes)."""
    from psycopg.conninfo import make_conninfo

    params = connection.settings_dict
    return make_conninfo(
        dbname=params["NAME"], user=params["USER"] or None, password=params["PASSWORD"] or None,
        host=params["HOST"] or None, port=str(params["PORT"]) if params["PORT"] else None,
    )


def _side_connection():
    import psycopg

    return psycopg.connect(database_conninfo(), autocommit=True)


@job_handler("worker_check")
def worker_check(job: Job, report) -> dict:
    """Prove the round trip web -> broker -> worker -> database -> web, with where it ran."""
    report(0, 1, "checking database from the worker")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), now()")
        version, db_now = cursor.fetchone()
    report(1, 1, "done")
    return {
        "worker": _this_process(),
        "database_version": version.split(",")[0],
        "database_time": db_now.isoformat(),
        "queued_for_seconds": round((job.started_at - job.created_at).total_seconds(), 3)
        if job.started_at else None,
    }
