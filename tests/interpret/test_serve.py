"""`manage.py serve` (what `make run` ends in): web server and worker up, a killed worker started again while the
web serves on, Ctrl-C stops both cleanly."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.processes import ROOT, process_env, wait_for_line


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(process) -> bool:
    import psutil

    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.worker
def test_serve_brings_up_web_and_worker_and_ctrl_c_stops_everything(transactional_db, tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = process_env() | {"HTTPS": "false"}
    with log_path.open("w") as log:
        # A session of its own, so that we can send Ctrl-C to its process group as a terminal would.
        serve = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port), "--web-workers", "1",
                                  "--worker-concurrency", "1"], cwd=ROOT, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_line(log_path, "Stop with Ctrl-C", serve, timeout=90)
        wait_for_line(log_path, " ready.", serve, timeout=60)  # the Celery worker
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert json.load(response)["status"] == "ok"
        children = [p.pid for p in __import__("psutil").Process(serve.pid).children(recursive=True)]
        assert len(children) >= 3  # gunicorn master + worker, celery worker

        # kill -9 of the Celery main process: the web keeps serving and a new worker is started.
        import psutil

        worker = next(p for p in psutil.Process(serve.pid).children() if "celery" in " ".join(p.cmdline()))
        pool = worker.children(recursive=True)  # its pool process, which would outlive it (serve kills its group)
        worker.kill()
        wait_for_line(log_path, "starting it again", serve, timeout=20)
        gone = time.monotonic() + 10
        while [p for p in pool if _alive(p)]:
            assert time.monotonic() < gone, "the dead worker's pool process outlived it"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200
        deadline = time.monotonic() + 60
        while not [p for p in psutil.Process(serve.pid).children() if "celery" in " ".join(p.cmdline())
                   and p.pid != worker.pid]:
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.5)
        assert serve.poll() is None
        children = [p.pid for p in psutil.Process(serve.pid).children(recursive=True)]

        os.killpg(serve.pid, signal.SIGINT)
        assert serve.wait(timeout=45) == 0, log_path.read_text()
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
    time.sleep(0.5)
    import psutil

    assert not [pid for pid in children if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
