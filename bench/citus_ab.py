"""The platform on one PostgreSQL node and on a local Citus cluster (a coordinator and two workers, .ci/citus-cluster),
side by side in one run, on one machine (issue 30). On one 2-core machine the cluster cannot be faster: the
figures show what distribution costs, and the EXPLAIN check says the analysis's statements are router queries.

    .ci/citus-cluster start /tmp/bench-citus 9700          # once (Citus installed: ../shared/vendor/citus/build.sh)
    .venv/bin/python bench/citus_ab.py [--records 200000] [--repeat 5]

Each arm gets a new database (one node: bench_citus_single on 127.0.0.1:5432, the machine's Debian PostgreSQL 15;
cluster: bench_citus_cluster on the coordinator 127.0.0.1:9700, laid out by `manage.py distribute`) and, in a
process of its own, imports two synthetic trios one after the other, then two more at once (two `import_case`
processes), then times the analysis queries on the first case straight after its import (first run and median of
the next), the observations of 200 of its variants, a lookup by position, and the reanalysis statements over all
cases. Options: --single-url, --cluster-url, --workers (host:port,...).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = {
    "AF + consequence (group default settings)": {"max_popmax": 0.01, "impacts": ["HIGH", "MODERATE"]},
    "de novo (genome-wide)": {"genome_wide": True, "inheritance": ["de_novo"], "impacts": [], "max_popmax": None},
    "compound het (genome-wide)": {"genome_wide": True, "inheritance": ["comp_het"], "impacts": ["HIGH", "MODERATE"]},
}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def arm(args) -> dict:
    """One arm, in its own process (its DATABASE_URL set by the driver)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if args.workers:
        from core.citus import citus_prepare

        settings = connection.settings_dict
        citus_prepare(os.environ["DATABASE_URL"], [(h, int(p)) for h, p in (w.rsplit(":", 1) for w in
                                                                            args.workers.split(","))],
                      coordinator=(settings["HOST"], int(settings["PORT"])), fresh=True)
        call_command("distribute", verbosity=0)
    from core.jobs import job_run
    from core.models import Department, PatientGroup
    from core.patient_groups import patient_groups_sync
    from genomes.case_variants import candidates_above_cohort, candidates_in_genes
    from genomes.importing.prepare import case_import_prepare
    from genomes.models import CaseVariant, Variant
    from genomes.observations import observation_rows
    from interpret.analysis.engine import run_analysis

    patient_groups_sync()
    department, _ = Department.objects.get_or_create(code="bench-citus", defaults={"name": "Benchmark department"})
    data = Path(args.data)
    result = {"imports_one_at_a_time_s": [], "records": args.records}
    cases = []
    for family in ("SYNTRIO0001", "SYNTRIO0002"):
        started = time.perf_counter()
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code="RARE"), department=department, send_to_worker=False,
            ped_path=data / f"{family}.ped", vcf_path=data / f"{family}.vcf.gz", case_identifier=f"AB-{family}")
        job = job_run(case_import.job_id)
        assert job.state == "done", job.error
        result["imports_one_at_a_time_s"].append(round(time.perf_counter() - started, 2))
        cases.append(case_import.case)
        if len(cases) == 1:  # the first case, straight after its import
            for name, settings in QUERIES.items():
                timings = []
                for _ in range(1 + args.repeat):
                    begun = time.perf_counter()
                    run_analysis(case_import.case, settings, record=False)
                    timings.append((time.perf_counter() - begun) * 1000)
                result[f"analysis: {name}"] = [round(timings[0], 1), round(statistics.median(timings[1:]), 1)]
    # two imports at once, as two workers would run them
    started = time.perf_counter()
    runs = [subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "import_case", "--patient-group", "RARE",
                              "--department", department.code, "--ped", str(data / f"{family}.ped"), "--vcf",
                              str(data / f"{family}.vcf.gz"), "--case-id", f"AB-{family}", "--wait"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for family in ("SYNTRIO0003", "SYNTRIO0004")]
    for run in runs:
        _, err = run.communicate()
        assert run.returncode == 0, err
    result["two_imports_at_once_s"] = round(time.perf_counter() - started, 2)
    variant_ids = list(CaseVariant.objects.filter(case=cases[0]).order_by("?").values_list("variant_id", flat=True)
                       [:200])
    timings = []
    for variant_id in variant_ids:
        begun = time.perf_counter()
        observation_rows([variant_id])
        timings.append((time.perf_counter() - begun) * 1000)
    result["observations of one variant ms (p50, p95)"] = [round(percentile(timings, 0.5), 2),
                                                          round(percentile(timings, 0.95), 2)]
    positions = list(Variant.objects.filter(id__in=variant_ids[:100]).values_list("build", "xpos"))
    timings = []
    for build, xpos in positions:
        begun = time.perf_counter()
        ids = list(Variant.objects.filter(build=build, xpos=xpos).values_list("id", flat=True))
        observation_rows(ids)
        list(CaseVariant.objects.filter(variant_id__in=ids, case_id__in=[c.pk for c in cases])
             .values_list("case_id", flat=True))
        timings.append((time.perf_counter() - begun) * 1000)
    result["lookup by position ms (p50, p95)"] = [round(percentile(timings, 0.5), 2),
                                                 round(percentile(timings, 0.95), 2)]
    case_ids = list(CaseVariant.objects.values_list("case_id", flat=True).distinct())
    begun = time.perf_counter()
    above = candidates_above_cohort(case_ids, ["(gnomad_popmax IS NULL OR gnomad_popmax <= 0.01)"], [], 1)
    result["reanalysis: candidates above the cohort threshold ms"] = round((time.perf_counter() - begun) * 1000, 1)
    genes = sorted({g for row in CaseVariant.objects.filter(case=cases[0]).exclude(genes=[])
                    .values_list("genes", flat=True)[:2000] for g in row})[:20]
    begun = time.perf_counter()
    in_genes = candidates_in_genes(case_ids, [], [], genes)
    result["reanalysis: candidates in 20 genes ms"] = round((time.perf_counter() - begun) * 1000, 1)
    result["rows"] = {"case variants": CaseVariant.objects.count(), "above threshold": len(above),
                      "in genes": len(in_genes)}
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--single-url", default="postgresql://postgres@127.0.0.1:5432/bench_citus_single")
    parser.add_argument("--cluster-url", default="postgresql://postgres@127.0.0.1:9700/bench_citus_cluster")
    parser.add_argument("--cluster-workers", default="127.0.0.1:9701,127.0.0.1:9702")
    parser.add_argument("--arm", choices=["single", "cluster"], help=argparse.SUPPRESS)
    parser.add_argument("--workers", default="", help=argparse.SUPPRESS)
    parser.add_argument("--data", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.arm:
        print(json.dumps(arm(args)))
        return
    data = Path(tempfile.gettempdir()) / f"bench-citus-{args.records}"
    if not (data / "truth.tsv").exists():
        sys.path.insert(0, str(ROOT))
        from genomes.synthetic import CohortSpec, generate_cohort

        gtf = ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"
        generate_cohort(CohortSpec(out_dir=data, gtf_paths=[gtf], families=4, records=args.records,
                                   rare_only=True, seed=2030, cache_dir=data / ".pyensembl", gene_copies=True))
    import psycopg

    results = {}
    for name, url, workers in (("one node", args.single_url, ""),
                               ("Citus, coordinator + 2 workers", args.cluster_url, args.cluster_workers)):
        info = psycopg.conninfo.conninfo_to_dict(url)
        with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{info["dbname"]}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{info["dbname"]}"')
        env = {**os.environ, "DATABASE_URL": url, "HTTPS": "false", "INTERPRET_DATABASE_ROLE": "superuser",
               "INTERPRET_DATA_DIR": str(data / f"data-{name.split(',')[0].replace(' ', '-')}")}
        if workers:
            env["DATABASE_CITUS"] = "true"
        done = subprocess.run([sys.executable, __file__, "--arm", "cluster" if workers else "single", "--workers",
                               workers, "--data", str(data), "--records", str(args.records), "--repeat",
                               str(args.repeat)], env=env, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            sys.exit(f"{name}: {done.stderr[-3000:]}")
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    names = list(results)
    print(f"| measure ({args.records:,}-record synthetic trios) | {' | '.join(names)} |")
    print("|---|" + "---|" * len(names))
    for key in results[names[0]]:
        print(f"| {key} | {' | '.join(json.dumps(results[n][key]) for n in names)} |")


if __name__ == "__main__":
    main()
