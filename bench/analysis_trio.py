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
parser.add_argument("--cases", type=int, default=0,
                    help="load the database to this many trio cases by copying the imported families' variants "
                         "(each copy a case of its own with its own pedigree and import row); 0: no copies")
parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of each query kind")
args = parser.parse_args()

call_command("migrate", verbosity=0)
from core.jobs import job_run  # noqa: E402
from core.models import Department, Membership, PatientGroup, Role, User  # noqa: E402
from genomes.importing.prepare import case_import_prepare  # noqa: E402
from genomes.synthetic import CohortSpec, generate_cohort  # noqa: E402
from interpret.analysis.engine import run_analysis  # noqa: E402
from interpret.analysis.models import FilterPreset  # noqa: E402
from interpret.analysis.presets import built_in_presets_sync  # noqa: E402
from panels.services import panel_create, panel_entry_set, panel_version_publish, panel_version_submit  # noqa: E402

built_in_presets_sync()
out = Path(tempfile.gettempdir()) / f"bench-analysis-{args.families}x{args.records}"
gtf = ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"
if not (out / "truth.tsv").exists():
    started = time.perf_counter()
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[gtf], families=args.families, records=args.records,
                               rare_only=True, seed=2026, cache_dir=out / ".pyensembl", gene_copies=True))
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



def copy_case(base, number: int):
    """A new case with the base case's pedigree and, by one INSERT ... SELECT, its variants."""
    from django.db import connection, transaction

    from core.models import Job
    from genomes.importing.storage import CASE_VARIANT_COLUMNS
    from genomes.models import Case, CaseImport, Individual, Sample

    identifier = f"{base.identifier}-COPY{number:03d}"
    existing = Case.objects.filter(identifier=identifier).first()
    if existing is not None:
        return existing
    base_import = base.imports.get(is_current=True)
    with transaction.atomic():
        case = Case.objects.create(identifier=identifier, genome_build=base.genome_build, status=base.status,
                                   import_state=base.import_state,
                                   patient_group=base.patient_group, department=base.department,
                                   analysis_type=base.analysis_type)
        people = {}
        for person in base.individuals.all():
            people[person.pk] = Individual.objects.create(
                case=case, family_id=person.family_id, individual_id=person.individual_id, sex=person.sex,
                affection=person.affection, is_proband=person.is_proband)
        for person in base.individuals.all():
            copy = people[person.pk]
            copy.father, copy.mother = people.get(person.father_id), people.get(person.mother_id)
            copy.save(update_fields=["father", "mother"])
        for sample in base.samples.all():
            Sample.objects.create(case=case, individual=people[sample.individual_id], position=sample.position,
                                  role=sample.role, vcf_sample_name=sample.vcf_sample_name)
        job = Job.objects.create(kind="vcf_import", state="done", department=base.department,
                                 parameters={"benchmark_copy_of": base.pk})
        case_import = CaseImport.objects.create(
            case=case, job=job, vcf_path=base_import.vcf_path, vcf_sha256=base_import.vcf_sha256,
            vcf_size=base_import.vcf_size,
            genome_build=base_import.genome_build, build_evidence=base_import.build_evidence,
            annotation_source=base_import.annotation_source, is_current=True, records_read=base_import.records_read,
            variants_stored=base_import.variants_stored, statistics=base_import.statistics)
        columns = ", ".join(CASE_VARIANT_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO genomes_casevariant (case_id, case_import_id, variant_id, {columns}) "
                           f"SELECT %s, %s, variant_id, {columns} FROM genomes_casevariant "
                           f"WHERE case_id = %s AND case_import_id = %s",
                           [case.pk, case_import.pk, base.pk, base_import.pk])
    return case


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
if args.cases > len(cases):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    started = time.perf_counter()
    wanted = [(cases[i % len(cases)][1], i) for i in range(len(cases), args.cases)]

    def copy_in_thread(item):
        from django.db import connection as thread_connection

        try:
            return copy_case(*item)
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores: two backends inserting
        copies = list(pool.map(copy_in_thread, wanted))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE genomes_casevariant")
        cursor.execute("SELECT sum(variants_stored) FROM genomes_caseimport WHERE is_current")  # count(*) reads 40 GB
        total_rows = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c "
                       "WHERE c.relname LIKE 'genomes_casevariant_p%' AND c.relkind = 'r'")
        total_size = cursor.fetchone()[0]
    print(f"{args.cases} cases, {total_rows:,} case-variant rows ({total_size} with indexes and TOAST); "
          f"copies made in {time.perf_counter() - started:.0f} s")
    copies_for_timing = copies[:: max(1, len(copies) // 12)]
else:
    copies_for_timing = []

timed_cases = [case for _, case in cases] + copies_for_timing

# Each query kind on every timed case in turn (imported families and a spread of the copies), so most runs
# do not find the case's pages in cache from the run before.
for _ in range(args.repeat):
    for case in timed_cases:
        for name, settings in QUERIES.items():
            started = time.perf_counter()
            run_analysis(case, settings, record=False)
            timings[name].append((time.perf_counter() - started) * 1000)

if args.explain:
    from genomes import case_variants

    captured = []
    original = case_variants._fetch

    def capture(sql, params):
        captured.append((sql, params))
        return original(sql, params)

    case_variants._fetch = capture
    case = timed_cases[-1]
    for name, settings in QUERIES.items():
        captured.clear()
        run_analysis(case, settings, record=False)
        sql, params = captured[0]
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            print(f"\n-- {name} on {case.identifier}\n" + "\n".join(row[0] for row in cursor.fetchall()))
    case_variants._fetch = original

print(f"recall {found}/{planted} planted variants with the 'Rare disease trio default' preset, genome-wide")
print(f"candidates per trio: median {statistics.median(candidates_per_trio)} (all: {candidates_per_trio})")
for name, values in timings.items():
    values.sort()
    p95 = values[int(0.95 * (len(values) - 1))]
    print(f"{name:32s} p50 {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms  ({len(values)} runs)")
