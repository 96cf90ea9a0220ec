"""One part of a parallel VCF import, in a process of its own: ``python -m genomes.import_worker < spec.json``.

Reads the BGZF blocks of its part through a feeder process (python -m
genomes.bgzf) whose output cyvcf2 parses, and COPYs the rows to keep into genomes_importstaging
under the import's id, in one transaction of its own connection. Writes JSON
lines on stdout: {"records": n} now and then, and finally {"statistics": ...}
or {"error": {...}} (then exits 1). Uses no Django, so it starts fast.
"""
from __future__ import annotations

import json
import subprocess
import sys

import cyvcf2
import psycopg

from genomes.errors import InputFileError
from genomes.vcf_reader import STAGING_COLUMNS, ReadPolicy, VcfReader, open_vcf, staging_line

PROGRESS_EVERY = 25_000


def run(spec: dict) -> dict:
    _, header = open_vcf(spec["vcf"], build=spec["build"])
    feeder = subprocess.Popen(
        [sys.executable, "-m", "genomes.bgzf", spec["vcf"], str(spec["start"]),
         "-" if spec["end"] is None else str(spec["end"]), "-" if spec["previous"] is None else str(spec["previous"])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        vcf = cyvcf2.VCF(f"/dev/fd/{feeder.stdout.fileno()}", gts012=False)
        reader = VcfReader(vcf, header, ReadPolicy(**spec["policy"]))
        build = str(header.build)
        import_id = spec["import_id"]
        with psycopg.connect(spec["conninfo"]) as connection, connection.cursor() as cursor:
            with cursor.copy(f"COPY genomes_importstaging ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
                next_report = PROGRESS_EVERY
                prefix = f"{import_id}\t"
                for row in reader.rows(line_numbers=False):
                    copy.write(staging_line(build, row, prefix))
                    if reader.statistics.records >= next_report:
                        print(json.dumps({"records": reader.statistics.records}), flush=True)
                        next_report += PROGRESS_EVERY
            if feeder.wait() != 0:
                problem = feeder.stderr.read().decode(errors="replace").strip()
                raise InputFileError(spec["vcf"], None, None, f"unreadable compressed data: {problem}")
            connection.commit()
    finally:
        if feeder.poll() is None:
            feeder.kill()
            feeder.wait()
    return reader.statistics.as_dict()


def main() -> int:
    spec = json.load(sys.stdin)
    try:
        statistics = run(spec)
    except InputFileError as error:
        print(json.dumps({"error": error.as_dict()}), flush=True)
        return 1
    except Exception as exc:  # reported to the parent, which fails the import with it
        print(json.dumps({"error": {"file": spec["vcf"], "line": None, "field": None,
                                    "problem": f"{type(exc).__name__}: {exc}"}}), flush=True)
        return 1
    print(json.dumps({"statistics": statistics}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
