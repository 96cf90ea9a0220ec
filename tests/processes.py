"""Real processes for tests: a Celery worker and the `serve` command, on the test database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def database_url_of(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database, in tests)."""
    user = quote(settings_dict["USER"] or "")
    password = quote(settings_dict["PASSWORD"] or "")
    host, port, name = settings_dict["HOST"] or "", settings_dict["PORT"] or "", settings_dict["NAME"]
    if not host or host.startswith("/"):
        query = f"?host={host}" if host else ""
        return f"postgresql://{user}:{password}@/{name}{query}"
    return f"postgresql://{user}:{password}@{host}{':' + str(port) if port else ''}/{name}"


def process_env() -> dict:
    from django.db import connection

    env = os.environ.copy()
    env["DATABASE_URL"] = database_url_of(connection.settings_dict)
    return env


def wait_for_line(log_path: Path, needle: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in log_path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"process exited ({process.returncode}):\n{log_path.read_text()}")
        time.sleep(0.2)
    raise TimeoutError(f"{needle!r} not seen within {timeout} s:\n{log_path.read_text()}")


def start_worker(log_path: Path) -> subprocess.Popen:
    """A real Celery worker in its own process, consuming from this run's broker."""
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "interpret", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--purge", "--without-gossip", "--without-mingle", "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h"],
        cwd=ROOT, env=process_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    wait_for_line(log_path, " ready.", process, timeout=60)
    return process


def stop(process: subprocess.Popen, timeout: float = 20) -> int:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
