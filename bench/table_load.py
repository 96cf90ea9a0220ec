#!/usr/bin/env python
"""Load test: the variant table page under concurrent clinical users, through the real web server.

    INTERPRET_DATA_DIR=/tmp/bench-analysis-data .venv/bin/python bench/table_load.py [--users 10]
        [--requests 30] [--think 0] [--web-workers 2]

Run bench/analysis_trio.py first (same data directory): it loads the trio cases. This script starts
gunicorn as `manage.py serve` does (2 worker processes x 4 threads on this 2-core machine), gives each
of --users geneticists a session through the login form, and lets them page, sort and filter the
variant table at the same time, each request as htmx sends it (HX-Request: the table fragment). By
default each user works through a case as a geneticist does: the preset's first page, the next page,
two sorts, then de novo, compound het and a stricter frequency, then opens another random case
(--random-cases: every request on a random case, so nothing is ever reused). Every request runs the
case's analysis (or reuses the candidates of the same filters, see interpret.analysis.run_analysis),
records the filter run and writes the audit row, as in use. Reports latency percentiles as the clients
see them, and the server's own time per request from the access log.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402 - installed with pyensembl's dependencies; a benchmark tool only

from core.models import Department, Membership, Role, User  # noqa: E402
from genomes.models import Case  # noqa: E402
from interpret.analysis.models import FilterPreset  # noqa: E402

PASSWORD = "bench-load-Password-1"
PAGES = [  # query parameters on top of the trio default preset
    {},                                                     # its first page
    {"page": "2"},
    {"sort": "score", "descending": "1"},
    {"sort": "position"},
    {"inheritance": "de_novo", "genome_wide": "1"},
    {"inheritance": "comp_het", "genome_wide": "1"},
    {"max_popmax": "0.001"},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def users_for(department, count: int) -> list[str]:
    names = []
    for i in range(count):
        user, created = User.objects.get_or_create(username=f"bench-load-{i:02d}")
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, department=department, role=Role.CLINICAL_GENETICIST)
        names.append(user.username)
    return names


def log_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/login/", data={"username": username, "password": PASSWORD,
                                                    "csrfmiddlewaretoken": token},
                            headers={"Referer": f"{base}/login/"}, allow_redirects=False)
    if response.status_code != 302:
        raise SystemExit(f"login of {username} failed: HTTP {response.status_code}")
    return session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--requests", type=int, default=30, help="per user")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a user waits between requests")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--random-cases", action="store_true", help="a random case for every request")
    args = parser.parse_args()

    department = Department.objects.get(code="bench")
    cases = list(Case.objects.filter(department=department, import_state=Case.ImportState.IMPORTED,
                                     imports__is_current=True).values_list("pk", flat=True))
    if not cases:
        raise SystemExit("no benchmark cases: run bench/analysis_trio.py first with the same INTERPRET_DATA_DIR")
    preset = FilterPreset.objects.get(name="Rare disease trio default", department=None)
    usernames = users_for(department, args.users)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    access_log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-table-load-{port}.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "interpret.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.web_workers), "--threads", "4", "--access-logfile", str(access_log),
         "--access-logformat", '%(U)s %(s)s %(M)s'],  # path, status, request time in ms
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still starting
                time.sleep(0.2)
        sessions = [log_in(base, name) for name in usernames]
        # One warm-up request per worker thread: imports, template compilation, the GTF-free paths.
        for session in sessions[:4]:
            session.get(f"{base}/cases/{cases[0]}/variants/", params={"preset": preset.pk},
                        headers={"HX-Request": "true"})
        latencies, failures = [], []
        lock = threading.Lock()
        rng = random.Random(5)
        if args.random_cases:
            plans = [[(rng.choice(cases), rng.choice(PAGES)) for _ in range(args.requests)] for _ in sessions]
        else:
            plans = []
            for _ in sessions:
                plan = []
                while len(plan) < args.requests:
                    case_id = rng.choice(cases)
                    plan += [(case_id, page) for page in PAGES]
                plans.append(plan[:args.requests])

        def user(session, plan):
            for case_id, page in plan:
                params = {**page, "preset": preset.pk}
                started = time.perf_counter()
                response = session.get(f"{base}/cases/{case_id}/variants/", params=params,
                                       headers={"HX-Request": "true"})
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200 or "variant-table" not in response.text:
                        failures.append((case_id, params, response.status_code))
                if args.think:
                    time.sleep(args.think)

        started = time.perf_counter()
        threads = [threading.Thread(target=user, args=(s, p)) for s, p in zip(sessions, plans)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    server_ms = [int(line.split()[2]) for line in access_log.read_text().splitlines()
                 if "/variants/" in line and line.split()[1] == "200"]
    latencies.sort()
    server_ms.sort()

    def pct(values, q):
        return values[min(len(values) - 1, int(q * len(values)))]

    print(f"{len(cases)} cases ({'a random case per request' if args.random_cases else 'a case per 7 requests'}); "
          f"{args.users} concurrent users x {args.requests} table requests, think time "
          f"{args.think} s; gunicorn {args.web_workers} workers x 4 threads; {wall:.1f} s, "
          f"{len(latencies) / wall:.1f} requests/s")
    print(f"client latency: p50 {statistics.median(latencies):.0f} ms, p95 {pct(latencies, 0.95):.0f} ms, "
          f"max {latencies[-1]:.0f} ms")
    print(f"server time (access log): p50 {statistics.median(server_ms):.0f} ms, p95 {pct(server_ms, 0.95):.0f} ms")
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, first: {failures[0]}")


if __name__ == "__main__":
    main()
