"""Reanalysis after a panel version that adds 20 genes: the cohort of bench/analysis_trio.py (100 WGS trios,
30M case-variant rows) plus 1,000 smaller cases; seconds for the panel-triggered reanalysis of every affected
case (the job a worker runs), a second run (idempotent: no new alerts), and the growth with the number of cases
for a projection to 10,000.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_obs INTERPRET_DATA_DIR=/tmp/bench-obs-data \\
        .venv/bin/python bench/reanalysis_panel.py [--small 1000] [--small-rows 3000]

Needs the database bench/analysis_trio.py --cases 100 made (migrated). The small cases are copies of a trio's
first rows (protein-altering first), each with its own case, pedigree, import and observations; every case gets a
recorded analysis with the current panel version (as if analysed), so the new version's genes are new to it.
"""
import argparse
import os
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

from core.jobs import job_run  # noqa: E402
from core.models import Job, Membership, Role, User  # noqa: E402
from genomes.importing.storage import CASE_VARIANT_COLUMNS  # noqa: E402
from genomes.models import Case, CaseImport, Individual, Sample  # noqa: E402
from genomes.observations import observations_add_case  # noqa: E402
from interpret.analysis.filters import normalise_settings  # noqa: E402
from interpret.analysis.models import FilterRun  # noqa: E402
from interpret.reanalysis.models import Alert, Reanalysis  # noqa: E402
from interpret.reanalysis.runner import reanalysis_run  # noqa: E402
from interpret.reanalysis.services import panel_events_consume  # noqa: E402
from panels.models import Panel, PanelVersion  # noqa: E402
from panels.services import panel_entry_set, panel_version_draft, panel_version_publish, panel_version_submit  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--small", type=int, default=1000)
parser.add_argument("--small-rows", type=int, default=3000)
parser.add_argument("--genes", type=int, default=20)
args = parser.parse_args()

trios = list(Case.objects.filter(identifier__startswith="BENCH-SYNTRIO", imports__is_current=True).order_by("pk"))
base = trios[0]
started = time.perf_counter()
made = 0
for number in range(1, args.small + 1):
    identifier = f"BENCH-SMALL-{number:04d}"
    if Case.objects.filter(identifier=identifier).exists():
        continue
    with transaction.atomic():
        case = Case.objects.create(identifier=identifier, genome_build=base.genome_build, status="ready",
                                   import_state="imported",
                                   patient_group=base.patient_group, department=base.department,
                                   analysis_type="singleton")
        proband = base.individuals.get(is_proband=True)
        person = Individual.objects.create(case=case, family_id=identifier, individual_id=proband.individual_id,
                                           sex=proband.sex, affection="affected", is_proband=True)
        Sample.objects.create(case=case, individual=person, position=0, vcf_sample_name="S")
        job = Job.objects.create(kind="vcf_import", state="done", department=base.department)
        case_import = CaseImport.objects.create(case=case, job=job, vcf_path="bench", vcf_sha256="0" * 64, vcf_size=0,
                                                genome_build=base.genome_build, build_evidence="bench", is_current=True,
                                                variants_stored=args.small_rows)
        columns = [c for c in CASE_VARIANT_COLUMNS if c not in ("genotypes", "genotype_quality", "depth", "ref_reads",
                                                               "alt_reads", "allele_fraction", "site_genotypes")]
        proband_column = base.samples.get(individual__is_proband=True).position + 1
        with connection.cursor() as cursor:
            # the proband's calls only, protein-altering rows first: a singleton carrying part of a genome
            cursor.execute(
                f"INSERT INTO genomes_casevariant (case_id, case_import_id, variant_id, {', '.join(columns)}, "
                "genotypes, genotype_quality, depth, ref_reads, alt_reads, allele_fraction) "
                f"SELECT %s, %s, variant_id, {', '.join(columns)}, ARRAY[genotypes[{proband_column}]], "
                f"ARRAY[genotype_quality[{proband_column}]], ARRAY[depth[{proband_column}]], "
                f"ARRAY[ref_reads[{proband_column}]], ARRAY[alt_reads[{proband_column}]], "
                f"ARRAY[allele_fraction[{proband_column}]] FROM genomes_casevariant "
                f"WHERE case_id = %s AND genotypes[{proband_column}] IN (1, 2, 3) "
                "ORDER BY (impact IN ('HIGH', 'MODERATE')) DESC, xpos OFFSET %s LIMIT %s",
                [case.pk, case_import.pk, base.pk, (number * 37) % 2000, args.small_rows])
            observations_add_case(cursor, case.pk)
    made += 1
if made:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE genomes_casevariant")
    print(f"made {made} small cases in {time.perf_counter() - started:.0f} s")

panel = Panel.objects.get(code="bench-panel")
current = PanelVersion.objects.filter(panel=panel, status="published").order_by("-published_at").first()
cases = list(Case.objects.filter(imports__is_current=True, patient_group__code="RARE").order_by("pk"))
settings = normalise_settings({})
missing = [c for c in cases if not FilterRun.objects.filter(case=c, panel_versions=current).exists()]
if missing:
    runs = FilterRun.objects.bulk_create([FilterRun(case=c, case_import=c.imports.get(is_current=True), via="command",
                                                    filters=settings, result_count=0, milliseconds=0)
                                          for c in missing])
    FilterRun.panel_versions.through.objects.bulk_create(
        [FilterRun.panel_versions.through(filterrun_id=r.pk, panelversion_id=current.pk) for r in runs])
on_panel = set(current.entries.values_list("symbol", flat=True))
with connection.cursor() as cursor:
    cursor.execute("SELECT g, count(*) FROM (SELECT unnest(genes) g FROM genomes_casevariant WHERE case_id = %s "
                   "AND impact IN ('HIGH', 'MODERATE') AND (gnomad_popmax IS NULL OR gnomad_popmax <= 0.01)) x "
                   "GROUP BY g ORDER BY count(*) DESC, g", [base.pk])
    new_genes = [g for g, _ in cursor.fetchall() if g not in on_panel][:args.genes]
author = User.objects.get(username="bench-author")
signer = User.objects.get(username="bench-signer")
for user in (author, signer):
    Membership.objects.get_or_create(user=user, department=panel.network, role=Role.VARIANT_CURATOR)
draft = panel_version_draft(panel=panel, created_by=author)
for symbol in new_genes:
    panel_entry_set(version=draft, symbol=symbol, by=author, confidence="green")
panel_version_submit(version=draft, by=author)
panel_version_publish(version=draft, signed_off_by=signer)
print(f"{len(cases)} RARE cases ({len(trios)} WGS trios, the rest small); panel {panel.code} v{draft.label} adds "
      f"{len(new_genes)} green genes")
panel_events_consume()  # publishing consumed its event already (the outbox's receiver, on commit): nothing left
reanalyses = list(Reanalysis.objects.filter(panel_event__version=draft).order_by("pk"))
alerts_before = Alert.objects.count()
started = time.perf_counter()
summaries = []
for reanalysis in reanalyses:  # its jobs of REANALYSIS_JOB_CASES cases, one after the other: one worker
    job = job_run(reanalysis.job_id)
    summaries.append(Reanalysis.objects.get(pk=reanalysis.pk).summary)
first = time.perf_counter() - started
total = {key: sum(s[key] for s in summaries) for key in ("cases_rerun", "alerts_created", "alerts_unchanged")}
print(f"panel-triggered reanalysis ({len(reanalyses)} jobs run by one worker in turn): {first:.1f} s wall; {total}; "
      f"slowest job {max(s['seconds'] for s in summaries):.1f} s")
reanalysis = reanalyses[0]
again = Reanalysis.objects.create(trigger="panel", checks=["panel"], scope={"cases": [c.pk for c in cases]},
                                  panel_event=reanalysis.panel_event)
started = time.perf_counter()
second = reanalysis_run(again)
print(f"the same again (idempotent): {time.perf_counter() - started:.1f} s; {second}; "
      f"alerts in the table {Alert.objects.count() - alerts_before} new in all")
# growth with the number of cases: the same check over the trios alone and over trios + half the small cases
for label, scope_cases in (
    ("100 trios", [c.pk for c in cases if c.identifier.startswith("BENCH-SYNTRIO")]),
    (
        "100 trios + half the small",
        [
            c.pk
            for c in cases
            if c.identifier.startswith("BENCH-SYNTRIO")
            or (c.identifier.startswith("BENCH-SMALL") and int(c.identifier[-4:]) % 2)
        ],
    ),
    ("all", [c.pk for c in cases]),
):
    timed = Reanalysis.objects.create(trigger="on_demand", checks=["panel"], scope={"cases": scope_cases},
                                      panel_event=reanalysis.panel_event)
    started = time.perf_counter()
    outcome = reanalysis_run(timed)
    print(f"  {label:<28} {len(scope_cases):>5} cases  {time.perf_counter() - started:6.1f} s  "
          f"({outcome['alerts_created'] + outcome['alerts_updated'] + outcome['alerts_unchanged']} alerts)")
