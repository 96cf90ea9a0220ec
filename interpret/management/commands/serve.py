"""Run the web server and a Celery worker in the foreground; Ctrl-C stops both, then the embedded database."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.models import User
from interpret.demo.loading import DEMO_PASSWORD, DEMO_USERS

STOP_GRACE_SECONDS = 30
WORKER_RESTART_WINDOW, WORKER_RESTARTS_IN_WINDOW = 60, 5


DATABASE_CHECK_SECONDS = 5


class Command(BaseCommand):
    help = "Serve the platform: gunicorn web server and a Celery worker, stopped together with Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--worker-concurrency", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="web server only (workers run elsewhere)")

    def handle(self, *args, **options):
        host, port = options["host"], options["port"]
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                raise CommandError(
                    f"{host}:{port} is already in use; is the platform already running? (PORT=... to choose another)"
                )
        python = sys.executable
        children = {
            "web": subprocess.Popen([
                python, "-m", "gunicorn", "interpret.wsgi:application", "--bind", f"{host}:{port}",
                "--workers", str(options["web_workers"]), "--threads", "4", "--access-logfile", "-",
                "--graceful-timeout", "20",
            ]),
        }
        worker_command = [python, "-m", "celery", "-A", "interpret", "worker", "--loglevel", "INFO",
                          "--concurrency", str(options["worker_concurrency"]),
                          "--hostname", f"worker@{socket.gethostname()}",
                          # the reanalysis schedule (settings.CELERY_BEAT_SCHEDULE) runs beside the worker
                          "--beat", "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")]
        # The worker runs in a process group of its own: when its main process dies (killed, out of memory) its
        # pool process is orphaned and ignores Ctrl-C, so the group is what is stopped (here and in _stop).
        if not options["no_worker"]:
            children["worker"] = subprocess.Popen(worker_command, start_new_session=True)
        restarts: list[float] = []
        # Explicitly, because a shell starting us in the background leaves SIGINT ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            self._wait_until_up(f"http://{host}:{port}/healthz", children)
            self._banner(host, port)
            database_checked = time.monotonic()
            while True:
                if settings.EMBEDDED_DATABASE and time.monotonic() - database_checked > DATABASE_CHECK_SECONDS:
                    database_checked = time.monotonic()
                    self._embedded_database_keep_running()
                for name, child in list(children.items()):
                    if child.poll() is None:
                        continue
                    if name != "worker":
                        raise CommandError(f"the {name} process exited with code {child.returncode}")
                    # A worker that died (killed, out of memory) is started again; its abandoned job is failed and
                    # cleaned up by the new worker. The web server keeps serving meanwhile.
                    restarts = [t for t in restarts if time.monotonic() - t < WORKER_RESTART_WINDOW] + [
                        time.monotonic()]
                    if len(restarts) > WORKER_RESTARTS_IN_WINDOW:
                        raise CommandError(f"the worker exited {len(restarts)} times within "
                                           f"{WORKER_RESTART_WINDOW} s; stopping")
                    self.stderr.write(f"The worker exited with code {child.returncode}; starting it again.")
                    _kill_group(child.pid)  # its orphaned pool process, if any
                    children["worker"] = subprocess.Popen(worker_command, start_new_session=True)
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping web server and worker...")
        finally:
            self._stop(children)
        self.stdout.write(
            "Stopped."
            + (" The embedded database stops with the last process using it." if settings.EMBEDDED_DATABASE else "")
        )

    def _embedded_database_keep_running(self):
        """The embedded database stopped under the platform (killed, out of memory): start it again, so pages go
        from 503 back to working without anyone restarting `make run`."""
        from core.embedded_postgres import embedded_server_keep_running

        try:
            if embedded_server_keep_running(settings.DATA_DIR):
                self.stderr.write("The embedded database had stopped; it was started again.")
        except Exception as error:  # noqa: BLE001 - try again at the next check; pages answer 503 meanwhile
            self.stderr.write(f"The embedded database is not running and could not be started: {error}")

    def _wait_until_up(self, url, children, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if children["web"].poll() is not None:
                raise CommandError("the web server failed to start")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise CommandError(f"{url} did not answer within {timeout} s")

    def _banner(self, host, port):
        lines = [
            "",
            "=" * 72,
            f"  National variant interpretation platform is up: http://{host}:{port}/",
            "  Database: " + (f"embedded PostgreSQL in {settings.DATA_DIR / 'postgres'}"
                              if settings.EMBEDDED_DATABASE else "DATABASE_URL"),
            "  Broker:   " + ("Redis (REDIS_URL)" if settings.REDIS_URL
                              else f"filesystem queue in {settings.BROKER_DIR}"),
        ]
        demo = [u for u in DEMO_USERS if User.objects.filter(username=u.username).exists()]
        if demo:
            lines.append(f"  Demo logins (password: {DEMO_PASSWORD}):")
            lines += [f"    {u.username:<12} {u.role.label} in {u.department}" for u in demo]
        lines += ["  Stop with Ctrl-C.", "=" * 72, ""]
        self.stdout.write("\n".join(lines))

    def _stop(self, children):
        for name, child in children.items():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            if name == "worker":
                _kill_group(child.pid)  # whatever of its pool is left


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
