#!/usr/bin/env python
"""One variant-table request at a time, in process (Django test client, no web server): server time of a
page that runs the analysis and of one that reuses it, and the SQL statements a reused page makes.

    INTERPRET_DATA_DIR=/tmp/bench-analysis-data .venv/bin/python bench/table_request.py [--repeat 5]

Run bench/analysis_trio.py first (same data directory). Uses the first imported benchmark trio and the four
filters of bench/table_load.py's journey.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.models import Department, Membership, Role, User  # noqa: E402
from genomes.models import Case  # noqa: E402
from interpret.analysis.models import FilterPreset  # noqa: E402

FILTERS = ({}, {"inheritance": "de_novo", "genome_wide": "1"}, {"inheritance": "comp_het", "genome_wide": "1"},
           {"max_popmax": "0.001"})

parser = argparse.ArgumentParser()
parser.add_argument("--repeat", type=int, default=5)
args = parser.parse_args()
settings.ALLOWED_HOSTS = ["*"]
preset = FilterPreset.objects.get(name="Rare disease trio default", department=None)
case = Case.objects.filter(department__code="bench").exclude(identifier__contains="COPY").order_by("identifier").first()
if case is None:
    raise SystemExit("no benchmark cases: run bench/analysis_trio.py first with the same INTERPRET_DATA_DIR")
user, _ = User.objects.get_or_create(username="bench-single-user")
Membership.objects.get_or_create(user=user, department=Department.objects.get(code="bench"),
                                 role=Role.CLINICAL_GENETICIST)
client = Client()
client.force_login(user)
url = f"/cases/{case.pk}/variants/"


def timed(params) -> float:
    started = time.perf_counter()
    response = client.get(url, {**params, "preset": preset.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000


timed({})  # imports, templates
print(f"case {case.identifier}, {args.repeat} rounds")
for filters in FILTERS:
    runs, reuses = [], []
    for _ in range(args.repeat):
        cache.clear()
        runs.append(timed(filters))
        reuses.append(timed({**filters, "page": "1", "sort": "position"}))
    print(f"{str(filters) or 'preset':48s} new run: median {statistics.median(runs):5.0f} ms   "
          f"reused: median {statistics.median(reuses):5.0f} ms")
timed({})
with CaptureQueriesContext(connection) as queries:
    timed({"sort": "position"})
print(f"a reused page makes {len(queries.captured_queries)} SQL statements")
