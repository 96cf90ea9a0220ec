"""Case analysis on WGS-sized synthetic trios: recall of planted variants, candidates per trio, and server time
of the three query kinds the issue names (panel + AF + consequence; de novo; compound het).

    INTERPRET_DATA_DIR=/tmp/bench-analysis .venv/bin/python bench/analysis_trio.py [--families 4]
        [--records 300000] [--repeat 20]

Uses its own data directory (a separate embedded PostgreSQL), so the demo database is untouched. Records are
written rare-only (what the import keeps of a ~5M-record WGS trio: ~300k stored variants per case).
"""
import argparse
import csv
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
parser.add_argument("--families", type=int, default=4)
parser.add_argument("--records", type=int, default=300_000)
parser.add_argument("--repeat", type=int, default=20)
args = parser.parse_args()

call_command("migrate", verbosity=0)
from genomes.importing import case_import_prepare  # noqa: E402
from genomes.synthetic import CohortSpec, generate_cohort  # noqa: E402
from interpret.analysis import run_analysis  # noqa: E402
from interpret.jobs import job_run  # noqa: E402
from interpret.models import Department, FilterPreset, PatientGroup, Role, User, Membership  # noqa: E402
from interpret.presets import built_in_presets_sync  # noqa: E402
from panels.services import panel_create, panel_entry_set, panel_version_publish, panel_version_submit  # noqa: E402

built_in_presets_sync()
out = Path(tempfile.gettempdir()) / f"bench-analysis-{args.families}x{args.records}"
gtf = ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"
if not (out / "truth.tsv").exists():
    started = time.perf_counter()
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[gtf], families=args.families, records=args.records,
                               rare_only=True, seed=2026, cache_dir=out / ".pyensembl"))
    print(f"generated {args.families} trios x {args.records} records in {time.perf_counter() - started:.0f} s")
department, _ = Department.objects.get_or_create(code="bench", defaults={"name": "Benchmark department"})
truth = list(csv.DictReader(open(out / "truth.tsv"), delimiter="\t"))
cases = []
for family in sorted({row["family"] for row in truth}):
    from genomes.models import Case

    case = Case.objects.filter(identifier=f"BENCH-{family}-{args.records}").first()
    if case is None:
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code="RARE"), department=department, send_to_worker=False,
            ped_path=out / f"{family}.ped", vcf_path=out / f"{family}.vcf.gz",
            case_identifier=f"BENCH-{family}-{args.records}")
        started = time.perf_counter()
        assert job_run(case_import.job_id).state == "done"
        print(f"imported {family}: {case_import.case.imports.get(is_current=True).variants_stored} variants "
              f"in {time.perf_counter() - started:.1f} s")
        case = case_import.case
    cases.append((family, case))

network, _ = Department.objects.get_or_create(code="bench-gennet", defaults={
    "name": "Benchmark GenNet", "kind": Department.Kind.EXPERT_NETWORK})
from panels.models import Panel  # noqa: E402

if not Panel.objects.filter(code="bench-panel").exists():
    author, _ = User.objects.get_or_create(username="bench-author")
    signer, _ = User.objects.get_or_create(username="bench-signer")
    for user in (author, signer):
        Membership.objects.get_or_create(user=user, department=network, role=Role.VARIANT_CURATOR)
    version = panel_create(code="bench-panel", name="Benchmark panel", network=network, created_by=author)
    from genomes.transcript_models import load_transcript_models

    genes = sorted({m.gene_name for m in load_transcript_models(gtf, build="GRCh38", cache_dir=out / ".pyensembl")
                    if m.gene_name})[:40]
    for symbol in genes:
        panel_entry_set(version=version, symbol=symbol, by=author, confidence="green")
    panel_version_submit(version=version, by=author)
    panel_version_publish(version=version, signed_off_by=signer)
    version.panel.default_for.add(PatientGroup.objects.get(code="RARE"))

preset = FilterPreset.objects.get(name="Rare disease trio default", department=None)
QUERIES = {
    "panel + AF + consequence": {"max_popmax": 0.01, "impacts": ["HIGH", "MODERATE"]},
    "de novo (genome-wide)": {"genome_wide": True, "inheritance": ["de_novo"], "impacts": [], "max_popmax": None},
    "compound het (genome-wide)": {"genome_wide": True, "inheritance": ["comp_het"], "impacts": ["HIGH", "MODERATE"]},
}
timings = {name: [] for name in QUERIES}
found = planted = 0
candidates_per_trio = []
for family, case in cases:
    result = run_analysis(case, {"genome_wide": True}, preset=preset, record=False)
    candidates_per_trio.append(len(result.candidates))
    keys = {(c.row["chrom"], c.row["pos"]) for c in result.candidates}
    for row in truth:
        if row["family"] == family:
            planted += 1
            found += (row["chrom"].removeprefix("chr"), int(row["pos"])) in keys
    for name, settings in QUERIES.items():
        for _ in range(args.repeat):
            started = time.perf_counter()
            run_analysis(case, settings, record=False)
            timings[name].append((time.perf_counter() - started) * 1000)

print(f"recall {found}/{planted} planted variants with the 'Rare disease trio default' preset, genome-wide")
print(f"candidates per trio: median {statistics.median(candidates_per_trio)} (all: {candidates_per_trio})")
for name, values in timings.items():
    values.sort()
    p95 = values[int(0.95 * (len(values) - 1))]
    print(f"{name:32s} p50 {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms  ({len(values)} runs)")
