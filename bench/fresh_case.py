"""A case is fast the moment its import finishes: the first analysis queries of a freshly imported WGS-sized trio,
with the import's ANALYZE of the case's partition (the platform) and without it (before issue 15: the planner
had an empty partition's statistics until autovacuum came round), side by side in one run.

    INTERPRET_DATA_DIR=/tmp/bench-fresh .venv/bin/python bench/fresh_case.py [--records 300000] [--repeat 5]

Each arm imports its own trio into a new, empty database partition range and times each query kind straight
after the import: the first run (what the geneticist meets when opening the case) and the median of the
following runs. Uses its own data directory (a separate embedded PostgreSQL) unless DATABASE_URL is set.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--records", type=int, default=300_000)
parser.add_argument("--repeat", type=int, default=5)
args = parser.parse_args()

call_command("migrate", verbosity=0)
from core.jobs import job_run  # noqa: E402
from core.models import Department, PatientGroup  # noqa: E402
from genomes.importing import load  # noqa: E402
from genomes.importing.prepare import case_import_prepare  # noqa: E402
from genomes.synthetic import CohortSpec, generate_cohort  # noqa: E402
from interpret.analysis.engine import run_analysis  # noqa: E402

QUERIES = {
    "AF + consequence (group default settings)": {"max_popmax": 0.01, "impacts": ["HIGH", "MODERATE"]},
    "de novo (genome-wide)": {"genome_wide": True, "inheritance": ["de_novo"], "impacts": [], "max_popmax": None},
    "compound het (genome-wide)": {"genome_wide": True, "inheritance": ["comp_het"], "impacts": ["HIGH", "MODERATE"]},
}
out = Path(tempfile.gettempdir()) / f"bench-fresh-{args.records}"
gtf = ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"
if not (out / "truth.tsv").exists():
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[gtf], families=2, records=args.records, rare_only=True,
                               seed=2027, cache_dir=out / ".pyensembl", gene_copies=True))
department, _ = Department.objects.get_or_create(code="bench-fresh", defaults={"name": "Benchmark department"})
refresh = load.case_statistics_refresh
stamp = int(time.time())
results = {}
for arm, family, analyse in (("without ANALYZE (before)", "SYNTRIO0001", False),
                             ("with the import's ANALYZE (platform)", "SYNTRIO0002", True)):
    load.case_statistics_refresh = refresh if analyse else (lambda case_id: None)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=department, send_to_worker=False,
        ped_path=out / f"{family}.ped", vcf_path=out / f"{family}.vcf.gz", case_identifier=f"FRESH-{stamp}-{family}")
    assert job_run(case_import.job_id).state == "done"
    case = case_import.case
    for name, settings in QUERIES.items():
        timings = []
        for _ in range(1 + args.repeat):
            started = time.perf_counter()
            run_analysis(case, settings, record=False)
            timings.append((time.perf_counter() - started) * 1000)
        results[(arm, name)] = (timings[0], statistics.median(timings[1:]))
load.case_statistics_refresh = refresh
print(f"| query ({args.records:,}-record trio, straight after its import) | arm | first run ms | median of next "
      f"{args.repeat} ms |")
print("|---|---|---|---|")
for (arm, name), (first, median) in results.items():
    print(f"| {name} | {arm} | {first:.0f} | {median:.0f} |")
