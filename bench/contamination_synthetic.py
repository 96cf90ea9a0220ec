"""Maternal cell contamination estimates on synthetic foetus-with-parents families with known maternal DNA
fractions (0, 5, 10, 20%), 30,000 records each (as in tests/analysis/test_contamination.py).

    INTERPRET_DATA_DIR=/tmp/bench-analysis-data .venv/bin/python bench/contamination_synthetic.py
"""
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)
from genomes.importing.prepare import case_import_prepare  # noqa: E402
from genomes.models import Case  # noqa: E402
from genomes.synthetic import CohortSpec, generate_cohort  # noqa: E402
from genomes.contamination import estimate_contamination  # noqa: E402
from core.jobs import job_run  # noqa: E402
from core.models import Department, PatientGroup  # noqa: E402

department, _ = Department.objects.get_or_create(code="bench", defaults={"name": "Benchmark department"})
print("| true maternal fraction | estimate +- SE | class A sites / estimate | class B sites / estimate |")
print("|---|---|---|---|")
for truth in (0.0, 0.05, 0.10, 0.20):
    identifier = f"BENCH-MCC-{int(truth * 100):02d}"
    case = Case.objects.filter(identifier=identifier).first()
    if case is None:
        out = Path(tempfile.mkdtemp(prefix="mcc-"))
        generate_cohort(CohortSpec(out_dir=out, gtf_paths=[ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"],
                                   families=1, kind="foetal", records=30_000, seed=7, contamination=truth,
                                   cache_dir=out / ".pyensembl"))
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code="FOETAL"), department=department, send_to_worker=False,
            ped_path=out / "SYNFOETAL0001.ped", vcf_path=out / "SYNFOETAL0001.vcf.gz", case_identifier=identifier,
            analysis_type="foetal")
        job_run(case_import.job_id)
        case = case_import.case
    e = estimate_contamination(case)
    print(f"| {truth:.2f} | {e.fraction:.4f} +- {e.standard_error:.4f} | {e.class_a['sites']} / {e.class_a['estimate']} "
          f"| {e.class_b['sites']} / {e.class_b['estimate']} |")
