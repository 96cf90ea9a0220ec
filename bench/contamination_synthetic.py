"""Maternal cell contamination: bias and interval coverage of the estimate on synthetic foetus-with-parents families
with known maternal DNA fractions, 0% to 20% in steps of 2%, several families (seeds) at each level, 30,000 records
each (as tests/interpret/analysis/test_contamination.py and the demo's foetal case).

    INTERPRET_DATA_DIR=/tmp/bench-mcc-data .venv/bin/python bench/contamination_synthetic.py [--seeds 5]

Prints a markdown table per level (mean estimate, bias, mean standard error, how often the 95% interval covers the
truth) and the overall coverage; docs/benchmarks.md keeps the figures.
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")
# a benchmark migrates its own data folder's database, as the tests do: as its superuser
os.environ.setdefault("INTERPRET_DATABASE_ROLE", "superuser")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)
from core.jobs import job_run  # noqa: E402
from core.models import Department, PatientGroup  # noqa: E402
from genomes.contamination import estimate_contamination  # noqa: E402
from genomes.importing.prepare import case_import_prepare  # noqa: E402
from genomes.models import Case  # noqa: E402
from genomes.synthetic import CohortSpec, generate_cohort  # noqa: E402

GTF = ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"


def estimate(truth: float, seed: int):
    department, _ = Department.objects.get_or_create(code="bench-mcc", defaults={"name": "Benchmark department"})
    identifier = f"BENCH-MCC-{round(truth * 100):02d}-{seed}"
    case = Case.objects.filter(identifier=identifier, department=department, imports__is_current=True).first()
    if case is None:
        Case.objects.filter(identifier=identifier, department=department).delete()  # a run stopped halfway
        out = Path(tempfile.mkdtemp(prefix="mcc-"))
        generate_cohort(CohortSpec(out_dir=out, gtf_paths=[GTF], families=1, kind="foetal", records=30_000,
                                   seed=seed, contamination=truth, cache_dir=out / ".pyensembl"))
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code="FOETAL"), department=department, send_to_worker=False,
            ped_path=out / "SYNFOETAL0001.ped", vcf_path=out / "SYNFOETAL0001.vcf.gz", case_identifier=identifier,
            analysis_type="foetal")
        job_run(case_import.job_id)
        case = case_import.case
    return estimate_contamination(case)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print("| true maternal fraction | families | mean estimate | bias | mean SE | 95% interval covers the truth |")
    print("|---|---|---|---|---|---|")
    covered = total = 0
    for level in range(0, 21, 2):
        truth = level / 100
        results = [estimate(truth, seed) for seed in range(1, args.seeds + 1)]
        hits = sum(1 for e in results if e.interval[0] <= truth <= e.interval[1])
        covered, total = covered + hits, total + len(results)
        mean = sum(e.fraction for e in results) / len(results)
        se = sum(e.standard_error for e in results) / len(results)
        print(f"| {truth:.2f} | {len(results)} | {mean:.4f} | {mean - truth:+.4f} | {se:.4f} | "
              f"{hits}/{len(results)} |")
    print(f"\ncoverage over all families: {covered}/{total} = {covered / total:.1%}")


if __name__ == "__main__":
    main()
