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
import threading
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from core.models import Job

logger = logging.getLogger(__name__)

JobHandler = Callable[[Job, Callable[..., None]], dict]
_HANDLERS: dict[str, JobHandler] = {}
# What undoes a job's half-done work when its process died before it could (kind -> cleanup(job)).
_CLEANUPS: dict[str, Callable[[Job], None]] = {}


def job_handler(kind: str, *, cleanup: Callable[[Job], None] | None = None):
    """Register ``func`` as the handler of jobs of ``kind``; ``cleanup`` runs when a job of this kind is found
    abandoned (its process gone), to leave nothing half done."""

    def register(func: JobHandler) -> JobHandler:
        _HANDLERS[kind] = func
        if cleanup is not None:
            _CLEANUPS[kind] = cleanup
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
    """Queue the job's message; a broker that cannot take it fails the job now (and undoes what it had
    prepared) rather than leaving it queued forever."""
    from celery import current_app

    try:
        current_app.send_task(RUN_JOB_TASK, kwargs={"job_id": job_id})
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds for an unreachable broker
        logger.error("job %s could not be queued: %s", job_id, exc)
        failed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            state=Job.State.FAILED, finished_at=timezone.now(), message="failed",
            error="the job queue (the broker) could not take the job; nothing was done: try again later")
        job = Job.objects.filter(pk=job_id).first()
        if failed and job is not None and job.kind in _CLEANUPS:
            _CLEANUPS[job.kind](job)


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_run(job_id: int) -> Job | None:
    """Run a queued job in this process and record its outcome; never raises for a handler error.

    While it runs, a heartbeat (every JOB_HEARTBEAT_SECONDS, on a connection of its own) says the process is
    alive; a job whose heartbeat is older than JOB_LEASE_SECONDS was abandoned (``jobs_reap``)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now, worker=_this_process()
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
    heartbeat = Heartbeat(job_id)
    try:
        result = handler(job, report)
    except Exception as exc:  # the job row is the user's view of the failure; the log has the traceback
        logger.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, finished_at=timezone.now(), error=public_error(exc, job_id), message="failed",
            result={},
        )
    else:
        Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
            state=Job.State.DONE, finished_at=timezone.now(), result=result or {}, message="done",
            **({"progress_done": report.total, "progress_total": report.total} if report.total else {}),
        )
    finally:
        heartbeat.stop()
        report.close()
    job.refresh_from_db()
    return job


def _process_alive(worker: str) -> bool:
    """Is host:pid a live process on this machine?"""
    try:
        os.kill(int(worker.rpartition(":")[2]), 0)
    except ProcessLookupError:
        return False
    except (ValueError, PermissionError):
        return True  # not ours to tell
    return True


def public_error(exc: Exception, job_id: int) -> str:
    """What a failed job tells its user: the error when it is about their input or request, else no more than
    that it failed inside (the traceback, with paths and code, is in the server log only)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from core.errors import InputFileError

    # A ValueError says what was wrong with a value (of a file, of a request); errors of the database, the
    # filesystem or the code say more about the server than the user can use.
    if isinstance(exc, (InputFileError, ValidationError, PermissionDenied, ValueError)) or getattr(
            exc, "shown_to_user", False):
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return f"{type(exc).__name__}: {text}"
    return f"internal error ({type(exc).__name__}); the server log has the details of job {job_id}"


class Heartbeat:
    """Touches the job's heartbeat from a thread of its own while the job runs."""

    def __init__(self, job_id: int):
        from django.conf import settings

        self.job_id, self.interval = job_id, settings.JOB_HEARTBEAT_SECONDS
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        connection = None
        try:
            while not self._stop.wait(self.interval):
                try:
                    connection = connection or _side_connection()
                    connection.execute("UPDATE interpret_job SET heartbeat_at = now() WHERE id = %s AND state = %s",
                                       [self.job_id, Job.State.RUNNING])
                except Exception:  # noqa: BLE001 - the database restarting: try again next beat
                    logger.warning("job %s heartbeat failed", self.job_id, exc_info=True)
                    connection = None
        finally:
            if connection is not None:
                connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def jobs_reap(*, now=None) -> list[int]:
    """Fail the running jobs whose process is gone (no heartbeat for JOB_LEASE_SECONDS) and undo what they had
    started; returns their ids. Safe to call from anywhere, any number of times: each abandoned job is claimed by
    one conditional UPDATE, so its cleanup runs once."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Q

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_LEASE_SECONDS)
    running = Job.objects.filter(state=Job.State.RUNNING)
    stale = list(running.filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)))
    # A job of a process on this machine that no longer exists is abandoned now, not a lease later.
    stale += [job for job in running.filter(worker__startswith=f"{socket.gethostname()}:").exclude(
        pk__in=[j.pk for j in stale]) if not _process_alive(job.worker)]
    reaped = []
    for job in stale:
        last = job.heartbeat_at or job.started_at
        # The failed state and the cleanup become visible together: whoever sees the job failed (a user, a
        # replacement worker, a test) finds nothing of it left half done.
        with transaction.atomic():
            claimed = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, heartbeat_at=job.heartbeat_at).update(
                state=Job.State.FAILED, finished_at=now, message="failed",
                error=(f"the process running this job ({job.worker or 'unknown'}) stopped: no sign of life since "
                       f"{timezone.localtime(last):%Y-%m-%d %H:%M:%S}; what it had started was undone"))
            if not claimed:
                continue
            logger.warning("job %s (%s) was abandoned by %s; cleaning up", job.pk, job.kind, job.worker)
            cleanup = _CLEANUPS.get(job.kind)
            if cleanup is not None:
                try:
                    with transaction.atomic():
                        cleanup(job)
                except Exception:  # noqa: BLE001 - reported; the job is failed either way
                    logger.exception("cleanup of abandoned job %s failed", job.pk)
        reaped.append(job.pk)
    return reaped


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
