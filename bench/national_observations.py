"""National observations at 30M case-variant rows: p50/p95 of reading one variant's observations and of a full
lookup by position (observations, classifications, the user's carrying cases), and what keeping the counts costs
an import (one 300k-variant case's contribution withdrawn and added again, in a transaction rolled back).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_obs INTERPRET_DATA_DIR=/tmp/bench-obs-data \\
        .venv/bin/python bench/national_observations.py [--variants 300] [--repeat 3]

Runs on the database bench/analysis_trio.py builds with --cases 100 (4 imported synthetic trios and 96 copies:
100 cases, 30,000,000 case-variant rows), migrated (genomes 0012 backfills the observations).
"""
import argparse
import os
import random
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
from django.db import connection, transaction  # noqa: E402

from core.models import Department, Membership, Role, User  # noqa: E402
from genomes.models import Case, Variant  # noqa: E402
from genomes.observations import (  # noqa: E402
    observations_add_case,
    observations_snapshot,
    observations_withdraw,
    variant_observations,  # noqa: E402
)
from interpret.national.lookup import variant_lookup  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--variants", type=int, default=300)
parser.add_argument("--repeat", type=int, default=3)
args = parser.parse_args()

with connection.cursor() as cursor:
    cursor.execute("SELECT sum(variants_stored) FROM genomes_caseimport WHERE is_current")
    rows = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM genomes_variant")
    national = cursor.fetchone()[0]
    cursor.execute("SELECT count(*), pg_size_pretty(pg_total_relation_size('genomes_variantobservation')) "
                   "FROM genomes_variantobservation")
    observation_rows, observation_size = cursor.fetchone()
    cursor.execute(f"SELECT id FROM genomes_variant TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT {args.variants}")
    sample = [r[0] for r in cursor.fetchall()]
print(f"{Case.objects.count()} cases, {rows:,} case-variant rows, {national:,} national variants, "
      f"{observation_rows:,} observation rows ({observation_size})")
random.Random(7).shuffle(sample)
variants = list(Variant.objects.filter(pk__in=sample))
department, _ = Department.objects.get_or_create(code="bench", defaults={"name": "Benchmark department"})
user, _ = User.objects.get_or_create(username="bench-geneticist")
Membership.objects.get_or_create(user=user, department=department, role=Role.CLINICAL_GENETICIST)


def timed(label, func, items):
    times = []
    for _ in range(args.repeat):
        for item in items:
            started = time.perf_counter()
            func(item)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    first_pass = sorted(times[:len(items)])
    print(f"{label:<44} p50 {statistics.median(times):6.1f} ms  p95 {times[int(len(times) * 0.95)]:6.1f} ms  "
          f"(first pass p95 {first_pass[int(len(first_pass) * 0.95)]:6.1f} ms; {len(times)} runs)")


timed("observations of one variant", lambda v: variant_observations(v), variants)
timed("lookup by position (page/API/command)",
      lambda v: variant_lookup(query=f"{v.chrom}:{v.pos} {v.ref}>{v.alt}", build=v.build, user=user), variants)

case = Case.objects.filter(imports__is_current=True).order_by("pk").first()
with transaction.atomic():
    with connection.cursor() as cursor:
        started = time.perf_counter()
        observations_snapshot(cursor, case.pk)
        snapshot = time.perf_counter()
        observations_withdraw(cursor)
        withdrawn = time.perf_counter()
        observations_add_case(cursor, case.pk)
        added = time.perf_counter()
    transaction.set_rollback(True)
print(f"keeping the counts for case {case.identifier} ({case.imports.get(is_current=True).variants_stored:,} "
      f"variants): snapshot {snapshot - started:.1f} s, withdraw {withdrawn - snapshot:.1f} s, "
      f"add {added - withdrawn:.1f} s (rolled back)")
