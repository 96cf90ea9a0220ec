"""A large BGZF VCF read by several worker processes (genomes.importing.worker), one per block range.

Each worker COPYs its rows into genomes_importstaging in committed, numbered batches and announces each; the
import's own transaction stores every batch as it arrives (``store_batch``), so storing runs on one core while
the workers read on the others.
"""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from django.conf import settings
from django.db import connection

from core.errors import InputFileError
from core.jobs import database_conninfo
from core.processes import die_with_parent
from genomes.models import CaseImport
from genomes.vcf.bgzf import NotBgzf, block_offsets, part_boundaries
from genomes.vcf.contig_guard import ContigGuard
from genomes.vcf.limits import ReadLimits
from genomes.vcf.records import ReadPolicy
from genomes.vcf.statistics import ReadStatistics


class ImportWorkerError(RuntimeError):
    """An import worker process died without saying why (killed, out of memory)."""

    shown_to_user = True


def parallel_parts(path: str):
    """Block ranges for the import worker processes, for a large BGZF file; None to read it in this process.

    Even one worker pays: its record screen (genomes.vcf.screen) runs in a process of its own beside cyvcf2.
    """
    if settings.IMPORT_WORKERS < 1 or Path(path).stat().st_size < settings.IMPORT_PARALLEL_MIN_BYTES:
        return None
    try:
        return part_boundaries(block_offsets(path), settings.IMPORT_WORKERS)
    except NotBgzf:
        return None  # plain gzip cannot be split without reading it all


def read_in_parallel(case_import: CaseImport, policy: ReadPolicy, parts, report, expected,
                     store_batch, limits: ReadLimits, contigs: ContigGuard) -> tuple[ReadStatistics, int, list[float]]:
    """Run one worker process per part; they COPY into genomes_importstaging in committed batches, which
    ``store_batch`` stores as they arrive. Returns the statistics, the rows stored and when each worker
    ended (seconds from the start); raises the first worker error."""
    from dataclasses import asdict

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM genomes_importstaging WHERE import_id = %s", [case_import.pk])
    policy_spec = asdict(policy)
    policy_spec["info_fields"] = {k: list(v) for k, v in policy.info_fields.items()}
    processes, progress, outcomes = [], [0] * len(parts), [None] * len(parts)
    batches: queue.Queue[int] = queue.Queue()

    def follow(index, process):
        for line in process.stdout:
            message = json.loads(line)
            if "records" in message:
                progress[index] = message["records"]
            elif "batch" in message:
                batches.put(message["batch"])
            else:
                outcomes[index] = message

    threads = []
    for index, (start, end, previous) in enumerate(parts):
        spec = {"vcf": case_import.vcf_path, "build": case_import.genome_build, "start": start, "end": end,
                "previous": previous, "import_id": case_import.pk, "part": index, "policy": policy_spec,
                "conninfo": database_conninfo(), "batch_rows": settings.IMPORT_BATCH_ROWS,
                "limits": limits.as_dict(), "contigs": contigs.as_dict()}
        process = subprocess.Popen([sys.executable, "-m", "genomes.importing.worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, cwd=settings.BASE_DIR,
                                   preexec_fn=die_with_parent)
        process.stdin.write(json.dumps(spec))
        process.stdin.close()
        thread = threading.Thread(target=follow, args=(index, process), daemon=True)
        thread.start()
        processes.append(process)
        threads.append(thread)
    stored, pending, started, ended = 0, deque(), time.monotonic(), [None] * len(parts)
    try:
        while any(p.poll() is None for p in processes):
            for index, process in enumerate(processes):
                if ended[index] is None and process.poll() is not None:
                    ended[index] = round(time.monotonic() - started, 1)
            if any(p.returncode not in (None, 0) for p in processes):
                break  # one failed: stop the others
            try:
                pending.append(batches.get(timeout=0.5))
            except queue.Empty:
                pass
            while not batches.empty():
                pending.append(batches.get())
            if pending:
                count = store_batch(pending[0], False)
                if count is None:
                    time.sleep(0.5)  # another import is storing: our batches wait in the staging table
                else:
                    stored += count
                    pending.popleft()
            done = sum(progress)
            report(done, max(expected or 0, int(done * 1.01)) or None,
                   f"{done:,} records read by {len(parts)} workers, {stored:,} variants stored")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        for thread in threads:
            thread.join(timeout=5)
    statistics = ReadStatistics()
    for outcome in outcomes:  # a worker's own error first: the others may have been stopped because of it
        if outcome and "error" in outcome:
            error = outcome["error"]
            raise InputFileError(error["file"], error["line"], error["field"], error["problem"])
    for outcome, process in zip(outcomes, processes):
        if process.returncode != 0 or not outcome:
            raise ImportWorkerError(f"an import worker ended with exit code {process.returncode}")
        statistics.merge(outcome["statistics"])
    report(statistics.records, statistics.records, "storing variants", force=True)
    while not batches.empty():
        pending.append(batches.get())
    for batch in pending:
        stored += store_batch(batch, True)
    return statistics, stored, [e if e is not None else round(time.monotonic() - started, 1) for e in ended]

