"""Programme dashboard queries at 10,000 cases: p50/p95 server time of each figure's query over a 12-month period,
all departments and one department.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_dashboard INTERPRET_DATA_DIR=/tmp/bench-dashboard \\
        .venv/bin/python bench/dashboard.py [--cases 10000] [--repeat 30]

Makes the cases once (bulk inserts: 3 samples each, a tenth tumour/normal; 60% reported with a signed report,
a third of those with a pathogenic finding), spread over 24 months and 4 departments.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--cases", type=int, default=10_000)
parser.add_argument("--repeat", type=int, default=30)
args = parser.parse_args()
call_command("migrate", verbosity=0)

from django.db import connection, transaction  # noqa: E402

from core.models import Department, PatientGroup, User  # noqa: E402
from genomes.models import Case, Individual, Sample  # noqa: E402
from interpret.dashboards.selectors import FIGURES, Period  # noqa: E402
from interpret.reporting.models import Report  # noqa: E402

author, _ = User.objects.get_or_create(username="bench-dashboard")
departments = [Department.objects.get_or_create(code=f"bench-d{n}", defaults={"name": f"Bench {n}"})[0]
               for n in range(4)]
groups = list(PatientGroup.objects.all())
existing = Case.objects.filter(identifier__startswith="DASH-").count()
if existing < args.cases:
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with transaction.atomic():
        cases = []
        for n in range(existing, args.cases):
            ready = start + timedelta(days=rng.uniform(0, 720))
            reported = ready + timedelta(days=rng.uniform(5, 120)) if rng.random() < 0.6 else None
            cases.append(Case(identifier=f"DASH-{n:06d}", patient_group=rng.choice(groups),
                              department=rng.choice(departments), analysis_type="trio", data_ready_at=ready,
                              reported_at=reported, created_at=ready,
                              status=rng.choice(("reported", "closed")) if reported else
                              rng.choice(("ready", "in_analysis", "in_review"))))
        Case.objects.bulk_create(cases, batch_size=2000)
        cases = list(Case.objects.filter(identifier__startswith="DASH-").order_by("pk"))[existing:]
        people = [Individual(case=c, family_id=c.identifier, individual_id=f"{c.identifier}-{i}", sex="unknown",
                             affection="unknown") for c in cases for i in range(3)]
        Individual.objects.bulk_create(people, batch_size=5000)
        samples, reports = [], []
        for number, person in enumerate(people):
            tumour = person.case.identifier.endswith("0") and number % 3 == 0
            samples.append(Sample(case=person.case, individual=person, position=number % 3,
                                  role="tumour" if tumour else "germline", vcf_sample_name=person.individual_id))
        Sample.objects.bulk_create(samples, batch_size=5000)
        for c in cases:
            if c.reported_at:
                finding = "pathogenic" if rng.random() < 0.33 else "uncertain_significance"
                reports.append(Report(case=c, version=1, author=author, status="signed", signed_by=author,
                                      signed_at=c.reported_at,
                                      facts={"variants": [{"classification": {"code": finding}}]}))
        Report.objects.bulk_create(reports, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE genomes_case; ANALYZE genomes_sample; ANALYZE interpret_report")
print(f"{Case.objects.count():,} cases, {Report.objects.count():,} reports")
periods = {"all departments, 12 months": Period(date(2025, 7, 1), date(2026, 7, 1)),
           "one department, 12 months": Period(date(2025, 7, 1), date(2026, 7, 1), (departments[0].pk,))}
print("| figure | period | p50 ms | p95 ms |")
print("|---|---|---|---|")
for label, period in periods.items():
    for key, (title, function) in FIGURES.items():
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            function(period)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"| {title} | {label} | {statistics.median(timings):.1f} | "
              f"{timings[int(0.95 * (len(timings) - 1))]:.1f} |")

# The work lists at the same 10,000 cases: a geneticist of all four departments.
from core.models import Membership, Role  # noqa: E402
from interpret.workflow.selectors import work_list  # noqa: E402

lead, _ = User.objects.get_or_create(username="bench-lead")
for department in departments:
    Membership.objects.get_or_create(user=lead, department=department, role=Role.CLINICAL_GENETICIST)
print()
print("| work list (200 rows a page) | p50 ms | p95 ms |")
print("|---|---|---|")
for view, sort in (("department", "-turnaround"), ("department", "age"), ("overdue", "-turnaround"),
                   ("mentions", "-turnaround")):
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        rows = list(work_list(lead, view, sort=sort))
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"| {view}, sorted by {sort} ({len(rows)} rows) | {statistics.median(timings):.1f} | "
          f"{timings[int(0.95 * (len(timings) - 1))]:.1f} |")
