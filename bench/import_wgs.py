#!/usr/bin/env python
"""Benchmark: import of a WGS-sized trio VCF, with a per-stage breakdown and the cyvcf2 parse ceiling.

    .venv/bin/python bench/import_wgs.py [--records 5000000] [--data /tmp/bench5m] [--workers 0 1 2]
                                         [--skip-stages] [--screen-stages]

Generates the trio once with `manage.py generate_cohort` (seed 42, Ensembl chr1 GTF slice from
panels/reference_data), then measures in one run, side by side:
  1. bare cyvcf2 loop over all records (the parse ceiling);
  2. + reading the INFO/CSQ fields and the retention decision;
  3. + genotypes and QC statistics: the reader's rows() without the database;
  4. the full import through `import_case --wait` (COPY + national and case variants): in the command's
     own process without the record screen (what small files get), then with 1 and 2 worker processes
     (each a compiled record screen feeding cyvcf2, genomes.vcf.screen), with the peak resident memory of the
     whole process tree (sampled every 0.2 s; PostgreSQL excluded). Each import starts from the same
     state: the case and its national variants removed and the tables vacuumed (forget_case).
Prints one JSON object; docs/benchmarks.md records the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GTF = ROOT / "panels" / "reference_data" / "grch38_chr1_head.ensembl.gtf.gz"


def manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "HTTPS": "false", **(env or {})},
        capture_output=True,
        text=True,
    )


def ensure_trio(data: Path, records: int) -> Path:
    vcf = data / "SYNTRIO0001.vcf.gz"
    summary = data / "cohort.json"
    if summary.exists() and json.loads(summary.read_text())["records_per_family"] == records and vcf.exists():
        return vcf
    result = manage("generate_cohort", "--out", str(data), "--gtf", str(GTF), "--records", str(records), "--seed", "42",
                    "--gene-copies")
    if result.returncode:
        raise SystemExit(result.stderr)
    return vcf


def timed(label: str, function) -> dict:
    started = time.perf_counter()
    count = function()
    seconds = time.perf_counter() - started
    return {
        "stage": label,
        "seconds": round(seconds, 2),
        "records": count,
        "records_per_second": round(count / seconds),
    }


def bare_loop(vcf: Path) -> int:
    import cyvcf2

    return sum(1 for _ in cyvcf2.VCF(str(vcf), gts012=False))


def retention_only(vcf: Path) -> int:
    import cyvcf2

    count = 0
    for record in cyvcf2.VCF(str(vcf), gts012=False):
        popmax = record.INFO.get("gnomAD_AF_popmax")
        csq = record.INFO.get("CSQ")
        if popmax is None or popmax <= 0.05:
            csq.split(",")
        count += 1
    return count


def reader_rows(vcf: Path) -> int:
    from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS
    from genomes.vcf.header import open_vcf
    from genomes.vcf.records import ReadPolicy, VcfReader

    handle, header = open_vcf(vcf)
    reader = VcfReader(handle, header, ReadPolicy(sample_columns=[0, 1, 2], info_fields=DEFAULT_INFO_FIELDS,
                                                  trio=(0, 1, 2)))
    for _ in reader.rows():
        pass
    return reader.statistics.records


def screen_stages(vcf: Path) -> list[dict]:
    """The two halves of a worker, apart: the record screen over the whole file (compiled, then its Python
    twin; the output saved), then the reader and COPY-text formatting over what the screen left (mostly
    kept records), as the worker runs it (no fast path: the screen has tried it)."""
    from dataclasses import asdict

    from genomes.importing.copy_text import staging_line
    from genomes.vcf.bgzf import block_offsets, part_boundaries
    from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS
    from genomes.vcf.header import open_vcf
    from genomes.vcf.records import ReadPolicy, VcfReader

    policy = ReadPolicy(sample_columns=[0, 1, 2], info_fields=DEFAULT_INFO_FIELDS, trio=(0, 1, 2))
    spec_policy = asdict(policy)
    spec_policy["info_fields"] = {k: list(v) for k, v in policy.info_fields.items()}
    start, end, previous = part_boundaries(block_offsets(vcf), 1)[0]
    undecided = vcf.parent / "screen-output.vcf"
    stages = []
    for label, python in (("compiled (genomes/vcf/_screen.c)", False), ("Python twin (genomes/vcf/screen.py)", True)):
        spec = {"vcf": str(vcf), "build": None, "start": start, "end": end, "previous": previous,
                "policy": spec_policy, "python": python}
        started = time.perf_counter()
        with open(undecided, "wb") as out:
            subprocess.run([sys.executable, "-m", "genomes.vcf.screen", json.dumps(spec)], stdout=out,
                           stderr=subprocess.DEVNULL, cwd=ROOT, check=True)
        stages.append({"stage": f"5 record screen alone, {label}, whole file (decompression included)",
                       "seconds": round(time.perf_counter() - started, 2),
                       "records": None, "us_per_record_of_file": None})  # filled in by main(), which knows the count
    handle, header = open_vcf(undecided)
    reader = VcfReader(handle, header, policy, screened=True)
    started = time.perf_counter()
    rows = [staging_line("GRCh38", row, "1\t") for row in reader.rows()]
    reader_seconds = time.perf_counter() - started
    undecided.unlink()
    return [*stages,
            {"stage": "6 reader + COPY text over what the screen left", "seconds": round(reader_seconds, 2),
             "records_left": reader.statistics.records, "rows_kept": len(rows),
             "us_per_kept_row": round(reader_seconds / max(1, len(rows)) * 1e6)}]


def tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def forget_case(case_id: str) -> None:
    """Each import starts from the same state: the case and the national variants only it carried removed,
    and the tables vacuumed, so every run adds its 300k national variants anew (the worst case)."""
    import django

    django.setup()
    from django.db import connection

    from genomes.models import Case

    Case.objects.filter(identifier=case_id).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM genomes_variant v WHERE NOT EXISTS "
                       "(SELECT 1 FROM genomes_casevariant c WHERE c.variant_id = v.id)")
        cursor.execute("VACUUM ANALYZE genomes_variant, genomes_casevariant, genomes_importstaging")


def full_import(vcf: Path, workers: int, case_id: str) -> dict:
    forget_case(case_id)
    ped = vcf.with_suffix("").with_suffix(".ped")
    # 0 workers: the reader in the command's own process, without the record screen (the path small files take)
    env = {**os.environ, "HTTPS": "false", "IMPORT_WORKERS": str(max(workers, 1)),
           "IMPORT_PARALLEL_MIN_BYTES": "0" if workers else str(10**15)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "manage.py", "import_case", "--patient-group", "RARE",
                                "--department", "demo", "--ped", str(ped), "--vcf", str(vcf), "--case-id", case_id,
                                "--wait"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode:
        raise SystemExit(stderr[-2000:])
    outcome = json.loads(stdout.strip().splitlines()[-1])
    from core.models import Job

    result = Job.objects.get(pk=outcome["job_id"]).result  # the job's own timing split
    label = f"{workers} worker process(es) with the record screen" if workers else "in-process reader, no screen"
    return {"stage": f"import_case --wait, {label}", "seconds_reading": result["seconds_reading"],
            "seconds_storing": result["seconds_storing"], "worker_seconds": result.get("worker_seconds"),
            "seconds": round(seconds, 2),
            "records": outcome["records_read"], "records_per_second": round(outcome["records_read"] / seconds),
            "variants_stored": outcome["variants_stored"], "peak_rss_mb": round(peak[0] / 2**20)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--data", default="/tmp/bench5m")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2],
                        help="0: the in-process reader without the record screen, for comparison")
    parser.add_argument("--skip-stages", action="store_true", help="only the imports")
    parser.add_argument("--screen-stages", action="store_true",
                        help="only the record screen and the reader over its output, apart (no imports)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    vcf = ensure_trio(data, args.records)
    if args.screen_stages:
        stages = screen_stages(vcf)
        for stage in stages[:2]:
            stage["records"] = args.records
            stage["us_per_record_of_file"] = round(stage["seconds"] / args.records * 1e6, 1)
        print(json.dumps({"machine": f"{platform.node()} {os.cpu_count()} cores", "vcf": str(vcf), "stages": stages},
                         indent=2))
        return
    stages = (
        []
        if args.skip_stages
        else [
            timed("1 bare cyvcf2 loop (parse ceiling)", lambda: bare_loop(vcf)),
            timed("2 + INFO/CSQ access and retention decision", lambda: retention_only(vcf)),
            timed("3 + genotypes, QC statistics, full annotation of kept rows (no database)", lambda: reader_rows(vcf)),
        ]
    )
    imports = [full_import(vcf, workers, f"BENCH-WGS-{args.records}") for workers in args.workers]
    if stages:
        ceiling = stages[0]["records_per_second"]
        for row in stages + imports:
            row["ratio_to_ceiling"] = round(row["records_per_second"] / ceiling, 3)
    print(json.dumps({"machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
                      "vcf": str(vcf), "vcf_bytes": vcf.stat().st_size, "stages": stages, "imports": imports},
                     indent=2))


if __name__ == "__main__":
    main()
