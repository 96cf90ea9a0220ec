#!/usr/bin/env python3
"""Time `make run` from a fresh clone until /healthz answers, first run (installs) and second run.

Usage: python3 bench/startup.py [--keep]
Clones this repository's HEAD into a temporary folder, so the working tree's .venv and .data
are not reused. pip's download cache is the machine's own: pass --no-pip-cache to measure with
an empty one (PIP_NO_CACHE_DIR=1), as on a new machine.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_until_up(checkout: Path, env: dict, log: Path) -> tuple[float, float]:
    port = free_port()
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "run"], cwd=checkout, env=env | {"PORT": str(port)}, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"make run exited early:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200 and "Stop with Ctrl-C" in log.read_text():
                        up = time.monotonic() - started
                        break
            except OSError:
                pass
            if time.monotonic() - started > 600:
                raise SystemExit("not up after 600 s")
            time.sleep(0.2)
    finally:
        stop_started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        proc.wait(timeout=60)
        stopped = time.monotonic() - stop_started
    return up, stopped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-pip-cache", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="interpret-startup-"))
    checkout = workdir / "main"
    subprocess.run(["git", "clone", "-q", str(REPO), str(checkout)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV")}
    if args.no_pip_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
    first_up, first_stop = time_until_up(checkout, env, workdir / "first.log")
    second_up, second_stop = time_until_up(checkout, env, workdir / "second.log")
    leftover = subprocess.run(["pgrep", "-f", str(checkout)], capture_output=True, text=True).stdout.split()
    print(json.dumps({
        "first_run_up_seconds": round(first_up, 1), "second_run_up_seconds": round(second_up, 1),
        "stop_seconds": [round(first_stop, 1), round(second_stop, 1)],
        "processes_left_running": len(leftover), "pip_cache": not args.no_pip_cache,
    }))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
