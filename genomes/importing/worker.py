"""One part of a parallel VCF import, in a process of its own: ``python -m genomes.importing.worker < spec.json``.

Reads the BGZF blocks of its part through a feeder process (python -m
genomes.vcf.screen) that drops the records retention certainly drops, counting
them, and passes the rest to cyvcf2; COPYs the rows to keep into genomes_importstaging
under the import's id, committing them in numbered batches on a connection of its
own. Writes JSON lines on stdout: {"records": n} now and then, {"batch": b, "rows": n}
after each commit, and finally {"statistics": ...} or {"error": {...}} (then exits 1).
Committed staging rows are not the case's variants: only the import's own transaction
moves them there, all or nothing, and deletes them either way. Uses no Django, so it
starts fast.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading

import cyvcf2
import psycopg

from core.errors import InputFileError
from core.processes import die_with_parent
from genomes.importing.copy_text import STAGING_COLUMNS, staging_line
from genomes.vcf.header import open_vcf
from genomes.vcf.htslib_messages import htslib_messages
from genomes.vcf.limits import ReadLimits
from genomes.vcf.records import ReadPolicy, VcfReader

PROGRESS_EVERY = 25_000
BATCHES_PER_PART = 1_000_000  # part i numbers its batches from i * 1e6


def run(spec: dict) -> dict:
    limits = ReadLimits(**spec["limits"])
    _, header = open_vcf(spec["vcf"], build=spec["build"], limits=limits,
                         consequence_keys=tuple(spec["policy"]["info_fields"].get("consequence", ("CSQ", "ANN"))))
    screen_spec = {key: spec[key] for key in ("vcf", "build", "start", "end", "previous", "policy", "limits",
                                              "contigs")}
    feeder = subprocess.Popen([sys.executable, "-m", "genomes.vcf.screen", json.dumps(screen_spec)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=die_with_parent)
    screened = {"records": 0, "statistics": None, "error": None, "input_error": None, "other": []}

    def follow_screen():
        for raw in feeder.stderr:
            text = raw.decode(errors="replace")
            try:
                message = json.loads(text)
            except ValueError:
                screened["other"].append(text)  # a traceback: kept for the error message
                continue
            for key in ("records", "statistics", "error", "input_error"):
                if key in message:
                    screened[key] = message[key]

    follower = threading.Thread(target=follow_screen, daemon=True)
    follower.start()
    try:
        with htslib_messages():  # reported once, by the header's first reading (genomes.vcf.header)
            vcf = cyvcf2.VCF(f"/dev/fd/{feeder.stdout.fileno()}", gts012=False)
        reader = VcfReader(vcf, header, ReadPolicy(**spec["policy"]), screened=True)
        build = str(header.build)
        import_id = spec["import_id"]
        copy_sql = f"COPY genomes_importstaging (import_id, batch, {', '.join(STAGING_COLUMNS[1:])}) FROM STDIN"
        with psycopg.connect(spec["conninfo"]) as connection, connection.cursor() as cursor:
            batch, lines = spec["part"] * BATCHES_PER_PART, []

            def commit_batch():
                # Committed, the batch is visible to the import's transaction, which stores it while we read on.
                nonlocal batch
                with cursor.copy(copy_sql) as copy:
                    copy.write("".join(lines))
                connection.commit()
                print(json.dumps({"batch": batch, "rows": len(lines)}), flush=True)
                batch += 1
                lines.clear()

            next_report = PROGRESS_EVERY
            prefix = f"{import_id}\t{batch}\t"
            try:
                for row in reader.rows(line_numbers=False):
                    lines.append(staging_line(build, row, prefix))
                    if len(lines) >= spec["batch_rows"]:  # settings.IMPORT_BATCH_ROWS
                        commit_batch()
                        prefix = f"{import_id}\t{batch}\t"
                    if screened["records"] >= next_report:
                        print(json.dumps({"records": screened["records"]}), flush=True)
                        next_report += PROGRESS_EVERY
            except InputFileError:
                # The screen stopping (a bound passed) ends cyvcf2's input mid-record: its error is the cause. A
                # screen still running (blocked on the pipe) did not stop: the record's error is the cause.
                try:
                    stopped = feeder.wait(timeout=2) != 0
                except subprocess.TimeoutExpired:
                    stopped = False
                if stopped:
                    follower.join(timeout=30)
                    raise _screen_failure(spec, screened, feeder.returncode) from None
                raise
            code = feeder.wait()
            follower.join(timeout=30)
            if code != 0 or screened["statistics"] is None:
                raise _screen_failure(spec, screened, code)
            if lines:
                commit_batch()
    finally:
        if feeder.poll() is None:
            feeder.kill()
            feeder.wait()
    statistics = reader.statistics
    statistics.merge(screened["statistics"])
    return statistics.as_dict()


def _screen_failure(spec: dict, screened: dict, code: int) -> InputFileError:
    if screened["input_error"]:
        error = screened["input_error"]
        return InputFileError(error["file"], error["line"], error["field"], error["problem"])
    problem = screened["error"] or "".join(screened["other"]).strip() or f"exit code {code}"
    return InputFileError(spec["vcf"], None, None, f"unreadable compressed data: {problem}"
                          if screened["error"] else f"the record screen failed: {problem}")


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
