"""Importing a case: pedigree + VEP-annotated VCF -> individuals, samples, national and case variants.

One service behind the command line (import_case), the browser upload and the
REST API:
- ``case_import_prepare`` checks everything that can be checked before reading
  variants (pedigree, VCF header, build, samples, checksum, replace rules) and
  stores the case, its pedigree and a queued import job in one transaction;
  bad input raises InputFileError/CaseImportError and writes nothing.
- the job (``vcf_import``) streams the VCF into a temporary table with COPY and
  then, in the same transaction, adds the new national variants and the case's
  variants. A failure rolls all of it back; a case created for a failed import
  is removed again, so the database is as it was (the failed job row remains,
  as the record of what was tried).
"""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from genomes.errors import InputFileError
from genomes.models import Case, CaseImport, Individual, Sample
from genomes.pedigree import Pedigree, read_ped
from genomes.variant_fields import load_field_map
from genomes.variant_identity import GenomeBuild, VariantIdentityError, parse_build
from genomes.bgzf import NotBgzf, block_offsets, part_boundaries
from genomes.vcf_reader import (
    STAGING_COLUMNS, ReadPolicy, ReadStatistics, VcfHeader, VcfReader, estimate_record_count, file_sha256,
    open_vcf, staging_line,
)
from interpret.audit import Action, audit_record
from interpret.jobs import database_conninfo, job_create, job_handler
from interpret.models import Department, Job, PatientGroup

SOMATIC_TYPES = (Case.AnalysisType.TUMOUR_NORMAL, Case.AnalysisType.TUMOUR_ONLY)
SAMPLE_NAME_SEPARATORS = ("_", "-", ".")


class CaseImportError(ValueError):
    """A request that cannot be carried out as asked (not a problem inside a file)."""


@dataclass
class PreparedSamples:
    individual_to_column: dict[str, str]
    warnings: list[str]


def _map_samples(pedigree: Pedigree, header: VcfHeader, sample_map: dict[str, str]) -> PreparedSamples:
    """Find every pedigree individual among the VCF's samples (exact, mapped, or an unambiguous prefix)."""
    vcf_samples = header.samples
    mapping, missing, warnings = {}, [], []
    for individual in pedigree.ids:
        wanted = sample_map.get(individual, individual)
        if wanted in vcf_samples:
            mapping[individual] = wanted
            continue
        prefixed = [s for s in vcf_samples if any(s.startswith(individual + sep) for sep in SAMPLE_NAME_SEPARATORS)]
        if individual not in sample_map and len(prefixed) == 1:
            mapping[individual] = prefixed[0]
            warnings.append(f"individual {individual!r} matched to VCF sample {prefixed[0]!r} by name prefix")
        else:
            missing.append(wanted)
    if missing:
        raise InputFileError(header.path, header.header_lines, "#CHROM samples",
                             f"pedigree sample(s) {', '.join(missing)} not in the VCF; "
                             f"the pedigree has {', '.join(pedigree.ids)}; the VCF has {', '.join(vcf_samples)}")
    extra = [s for s in vcf_samples if s not in mapping.values()]
    if extra:
        warnings.append(f"VCF sample(s) not in the pedigree are ignored: {', '.join(extra)}")
    return PreparedSamples(mapping, warnings)


def _analysis_type(pedigree: Pedigree, requested: str | None, group: PatientGroup) -> str:
    analysis_type = requested or pedigree.implied_analysis_type()
    if analysis_type not in Case.AnalysisType.values:
        raise CaseImportError(f"unknown analysis type {analysis_type!r}; use one of {', '.join(Case.AnalysisType.values)}")
    if analysis_type in SOMATIC_TYPES:
        if group.kind == PatientGroup.Kind.GERMLINE:
            raise CaseImportError(f"patient group {group.code} is germline only; {analysis_type} is a somatic analysis")
        tumour, normal = pedigree.tumour_and_normal()
        if analysis_type == Case.AnalysisType.TUMOUR_NORMAL and normal is None:
            raise CaseImportError(f"{pedigree.source}: tumour/normal needs an unaffected (normal) sample in the pedigree")
        if analysis_type == Case.AnalysisType.TUMOUR_ONLY and normal is not None:
            raise CaseImportError(f"{pedigree.source}: tumour-only, but the pedigree has a normal sample "
                                  f"{normal.individual_id!r}; use tumour_normal")
    elif analysis_type in (Case.AnalysisType.TRIO, Case.AnalysisType.FOETAL, Case.AnalysisType.DUO):
        proband = pedigree.proband()
        parents = len(pedigree.parents_of(proband)) if proband else 0
        needed = 1 if analysis_type == Case.AnalysisType.DUO else 2
        if parents < needed:
            raise CaseImportError(f"{pedigree.source}: a {analysis_type} needs an affected proband with "
                                  f"{needed} parent(s) in the pedigree; found {parents}")
    return analysis_type


def case_import_prepare(
    *,
    patient_group: PatientGroup,
    department: Department,
    ped_path: Path | str,
    vcf_path: Path | str,
    build: str | None = None,
    analysis_type: str | None = None,
    case_identifier: str | None = None,
    replace: bool = False,
    sample_map: dict[str, str] | None = None,
    created_by=None,
    send_to_worker: bool = True,
) -> CaseImport:
    """Check the request and store the case and a queued import; raises before writing anything.

    ``send_to_worker=False``: the caller runs the job itself with interpret.jobs.job_run.
    """
    pedigree = read_ped(ped_path)
    families = sorted({i.family_id for i in pedigree.individuals})
    if len(families) > 1:
        raise InputFileError(pedigree.source, None, "family_id",
                             f"one case is one family; the pedigree has families {', '.join(families)}")
    try:
        requested_build = parse_build(build) if build else None
    except VariantIdentityError as exc:
        raise CaseImportError(str(exc)) from None
    vcf, header = open_vcf(vcf_path, build=requested_build)
    vcf.close()
    samples = _map_samples(pedigree, header, sample_map or {})
    chosen_type = _analysis_type(pedigree, analysis_type, patient_group)
    sha256, size = file_sha256(Path(vcf_path))
    identifier = case_identifier or families[0]

    with transaction.atomic():
        case = Case.objects.select_for_update().filter(identifier=identifier).first()
        created_case = case is None
        if case is not None:
            _check_existing_case(case, department, patient_group, header, sha256, replace, samples)
        else:
            case = Case.objects.create(identifier=identifier, patient_group=patient_group, department=department,
                                       analysis_type=chosen_type, created_by=created_by,
                                       genome_build=str(header.build))
            audit_record(action=Action.CREATE, user=created_by, object_type="case", object_id=case.pk,
                         department_code=department.code, details={"identifier": identifier, "via": "import"})
        if not case.individuals.exists():  # a new case, or one registered before its data arrived
            _store_pedigree(case, pedigree, samples, chosen_type)
            case.analysis_type = chosen_type
            case.save(update_fields=["analysis_type"])
        case.status = Case.Status.IMPORTING
        case.save(update_fields=["status"])
        job = job_create(kind="vcf_import", created_by=created_by, department=department,
                         parameters={"case": identifier, "vcf": str(vcf_path), "ped": str(ped_path),
                                     "created_case": created_case},
                         send_to_worker=send_to_worker)
        return CaseImport.objects.create(
            case=case, job=job, vcf_path=str(Path(vcf_path).resolve()), vcf_sha256=sha256, vcf_size=size,
            genome_build=str(header.build), build_evidence=header.build_evidence,
            annotation_source=header.annotation_source, replace=replace,
            warnings=pedigree.warnings + header.warnings + samples.warnings,
        )


def _check_existing_case(case, department, patient_group, header, sha256, replace, samples) -> None:
    if case.department_id != department.pk:
        raise CaseImportError(f"case {case.identifier} belongs to another department")
    if case.patient_group_id != patient_group.pk:
        raise CaseImportError(f"case {case.identifier} is in patient group {case.patient_group.code}, "
                              f"not {patient_group.code}")
    if case.genome_build and case.genome_build != str(header.build):
        raise CaseImportError(f"case {case.identifier} is on {case.genome_build}; this VCF is {header.build}")
    if case.imports.filter(job__state__in=[Job.State.QUEUED, Job.State.RUNNING]).exists():
        raise CaseImportError(f"an import into case {case.identifier} is already queued or running")
    current = case.imports.filter(is_current=True).first()
    if current is not None and not replace:
        if current.vcf_sha256 == sha256:
            raise CaseImportError(f"this file (sha256 {sha256[:12]}…) is already imported into case "
                                  f"{case.identifier}; use --replace to load it again")
        raise CaseImportError(f"case {case.identifier} already has variants from {Path(current.vcf_path).name}; "
                              "use --replace to replace them")
    existing = dict(case.samples.values_list("individual__individual_id", "vcf_sample_name"))
    if existing and existing != samples.individual_to_column:
        raise CaseImportError(f"the pedigree's samples {samples.individual_to_column} differ from the case's "
                              f"{existing}; a different family needs a new case")


def _store_pedigree(case: Case, pedigree: Pedigree, samples: PreparedSamples, analysis_type: str) -> None:
    proband = pedigree.proband()
    somatic = analysis_type in SOMATIC_TYPES
    tumour, normal = pedigree.tumour_and_normal() if somatic else (None, None)
    stored = {}
    for person in pedigree.individuals:
        stored[person.individual_id] = Individual.objects.create(
            case=case, family_id=person.family_id, individual_id=person.individual_id, sex=person.sex,
            affection=person.affection, is_proband=proband is not None and person.individual_id == proband.individual_id,
        )
    for person in pedigree.individuals:
        row = stored[person.individual_id]
        row.father = stored.get(person.father_id) if person.father_id else None
        row.mother = stored.get(person.mother_id) if person.mother_id else None
        if row.father or row.mother:
            row.save(update_fields=["father", "mother"])
    # Proband first, then father, mother, the others: a stable, readable genotype column order.
    order = sorted(pedigree.individuals, key=lambda p: (
        0 if proband and p.individual_id == proband.individual_id else
        1 if proband and p.individual_id == proband.father_id else
        2 if proband and p.individual_id == proband.mother_id else 3, p.line))
    for position, person in enumerate(order):
        role = Sample.Role.GERMLINE
        if somatic:
            role = Sample.Role.TUMOUR if person.individual_id == tumour.individual_id else Sample.Role.NORMAL
        Sample.objects.create(case=case, individual=stored[person.individual_id], position=position, role=role,
                              vcf_sample_name=samples.individual_to_column[person.individual_id])


CASE_VARIANT_COLUMNS = STAGING_COLUMNS[2:]  # without import_id and key_md5


@job_handler("vcf_import")
def vcf_import(job: Job, report) -> dict:
    case_import = CaseImport.objects.select_related("case__patient_group").get(job=job)
    try:
        return case_import_load(case_import, report)
    except Exception:
        _forget_failed_import(case_import)
        raise


def _forget_failed_import(case_import: CaseImport) -> None:
    """Leave the database as it was: drop the attempt, and the case if the attempt created it."""
    case = case_import.case
    with transaction.atomic():
        if case.imports.filter(is_current=True).exists():  # a failed replace: the old variants stay
            case_import.delete()
            Case.objects.filter(pk=case.pk).update(status=Case.Status.READY)
        elif case_import.job.parameters.get("created_case"):
            case.delete()
        else:  # registered before its data arrived: back to awaiting data
            case_import.delete()
            case.samples.all().delete()
            case.individuals.all().delete()
            Case.objects.filter(pk=case.pk).update(status=Case.Status.NEW)


def case_import_load(case_import: CaseImport, report) -> dict:
    """Read the VCF and store the case's variants, all or nothing."""
    case = case_import.case
    started = time.monotonic()
    samples = list(case.samples.select_related("individual").order_by("position"))
    vcf, header = open_vcf(case_import.vcf_path, build=GenomeBuild(case_import.genome_build))
    somatic = case.analysis_type in SOMATIC_TYPES
    policy = ReadPolicy(
        sample_columns=[header.samples.index(s.vcf_sample_name) for s in samples],
        info_fields=load_field_map(settings.VARIANT_FIELD_MAP_FILE),
        retention_max_popmax=None if somatic else case.patient_group.retention_popmax,
        somatic=somatic,
        trio=_trio_positions(samples),
    )
    build = str(header.build)
    expected = estimate_record_count(case_import.vcf_path)
    parts = _parallel_parts(case_import.vcf_path)
    worker_seconds = None
    if parts:
        vcf.close()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # The workers commit staging rows in batches; this transaction stores each batch as it comes,
                # on the other core, so that little is left to store when the last worker is done.
                _store_begin(cursor, case, case_import)
                locked = False

                def store_batch(batch: int, wait: bool) -> int | None:
                    """Stores one committed batch; None when another import holds the national variants."""
                    nonlocal locked
                    locked = locked or _lock_national_variants(cursor, wait=wait)
                    if not locked:
                        return None
                    return _store_batch(cursor, case, case_import, build, "genomes_importstaging",
                                        "import_id = %s AND batch = %s", [case_import.pk, batch])

                statistics, stored, worker_seconds = _read_in_parallel(case_import, policy, parts, report, expected,
                                                                       store_batch)
                read_done = time.monotonic()
                _store_end(cursor, case_import)
                _finish(case, case_import, statistics, stored, samples, started, build)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM genomes_importstaging WHERE import_id = %s", [case_import.pk])
    else:
        reader = VcfReader(vcf, header, policy)
        with transaction.atomic(), connection.cursor() as cursor:
            # A private, unindexed copy of the staging table, dropped at commit (and here, for a second
            # import inside one outer transaction).
            cursor.execute("DROP TABLE IF EXISTS import_staging; DROP TABLE IF EXISTS replaced_variants")
            cursor.execute("CREATE TEMPORARY TABLE import_staging (LIKE genomes_importstaging INCLUDING DEFAULTS) "
                           "ON COMMIT DROP")
            prefix = f"{case_import.pk}\t"
            with cursor.copy(f"COPY import_staging ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
                for row in reader.rows():
                    copy.write(staging_line(build, row, prefix))
                    stats = reader.statistics
                    if stats.records % 5000 == 0:
                        # The estimate may fall short; the bar stays below 100% until the job is done.
                        report(stats.records, max(expected or 0, int(stats.records * 1.01)) or None,
                               f"{stats.records:,} records read, {stats.kept:,} kept")
            report(reader.statistics.records, reader.statistics.records, "storing variants", force=True)
            read_done = time.monotonic()
            statistics = reader.statistics
            _store_begin(cursor, case, case_import)
            _lock_national_variants(cursor, wait=True)
            stored = _store_batch(cursor, case, case_import, build, "import_staging", "import_id = %s",
                                  [case_import.pk])
            _store_end(cursor, case_import)
            _finish(case, case_import, statistics, stored, samples, started, build)
    finished = time.monotonic()
    return {"case": case.identifier, "case_id": case.pk, "records_read": statistics.records,
            "variants_stored": stored, "genome_build": build, "seconds": round(finished - started, 2),
            # reading, filtering and COPY to staging (workers: with batches stored meanwhile), then what is
            # stored after the reading
            "seconds_reading": round(read_done - started, 2), "seconds_storing": round(finished - read_done, 2),
            "workers": len(parts) if parts else 1,
            # when each worker ended, from the start of reading: a part that ends early leaves a core idle
            "worker_seconds": worker_seconds}


def _parallel_parts(path: str):
    """Block ranges for the import worker processes, for a large BGZF file; None to read it in this process.

    Even one worker pays: its record screen (genomes.screen) runs in a process of its own beside cyvcf2.
    """
    if settings.IMPORT_WORKERS < 1 or Path(path).stat().st_size < settings.IMPORT_PARALLEL_MIN_BYTES:
        return None
    try:
        return part_boundaries(block_offsets(path), settings.IMPORT_WORKERS)
    except NotBgzf:
        return None  # plain gzip cannot be split without reading it all


def _read_in_parallel(case_import: CaseImport, policy: ReadPolicy, parts, report, expected,
                      store_batch) -> tuple[ReadStatistics, int, list[float]]:
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
                "conninfo": database_conninfo(), "batch_rows": settings.IMPORT_BATCH_ROWS}
        process = subprocess.Popen([sys.executable, "-m", "genomes.import_worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, cwd=settings.BASE_DIR)
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
            raise RuntimeError(f"an import worker ended with exit code {process.returncode}")
        statistics.merge(outcome["statistics"])
    report(statistics.records, statistics.records, "storing variants", force=True)
    while not batches.empty():
        pending.append(batches.get())
    for batch in pending:
        stored += store_batch(batch, True)
    return statistics, stored, [e if e is not None else round(time.monotonic() - started, 1) for e in ended]


# Imports add national variants one transaction at a time. Two imports that shared new variants and added
# them batch by batch in different orders would deadlock, and each batch would wait for the other import's
# whole transaction anyway; the lock makes the second import's workers stage their rows meanwhile.
NATIONAL_VARIANTS_LOCK = 0x6E76_6172  # "nvar"


def _lock_national_variants(cursor, *, wait: bool) -> bool:
    """The transaction-scoped lock under which an import adds (and, replacing, removes) national variants."""
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NATIONAL_VARIANTS_LOCK])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [NATIONAL_VARIANTS_LOCK])
    return cursor.fetchone()[0]


def _store_begin(cursor, case, case_import) -> None:
    """A replace starts by removing the case's variants (inside the import's transaction)."""
    if case_import.replace:
        cursor.execute("DROP TABLE IF EXISTS replaced_variants")
        cursor.execute("CREATE TEMPORARY TABLE replaced_variants ON COMMIT DROP AS "
                       "SELECT DISTINCT variant_id FROM genomes_casevariant WHERE case_id = %s", [case.pk])
        cursor.execute("DELETE FROM genomes_casevariant WHERE case_id = %s", [case.pk])


def _store_batch(cursor, case, case_import, build: str, source: str, where: str, params: list) -> int:
    """New national variants, then the case's variants, from (a batch of) a staging table."""
    cursor.execute(
        "INSERT INTO genomes_variant (build, chrom, pos, ref, alt, xpos, key_md5) "
        f"SELECT DISTINCT ON (key_md5) %s, chrom, pos, ref, alt, xpos, key_md5 FROM {source} WHERE {where} "
        "ON CONFLICT (key_md5) DO NOTHING", [build, *params])
    columns = ", ".join(CASE_VARIANT_COLUMNS)
    cursor.execute(
        f"INSERT INTO genomes_casevariant (case_id, case_import_id, variant_id, {columns}) "
        f"SELECT %s, %s, v.id, {', '.join('s.' + c for c in CASE_VARIANT_COLUMNS)} "
        f"FROM {source} s JOIN genomes_variant v ON v.key_md5 = s.key_md5 WHERE {where}",
        [case.pk, case_import.pk, *params])
    return cursor.rowcount


def _store_end(cursor, case_import) -> None:
    if case_import.replace:
        _lock_national_variants(cursor, wait=True)
        # National variants that only the replaced import carried would otherwise be orphans.
        cursor.execute(
            "DELETE FROM genomes_variant v USING replaced_variants r WHERE v.id = r.variant_id "
            "AND NOT EXISTS (SELECT 1 FROM genomes_casevariant c WHERE c.variant_id = v.id)")


def _finish(case, case_import, statistics: ReadStatistics, stored: int, samples, started: float, build: str) -> None:
    elapsed = max(time.monotonic() - started, 1e-6)
    summary = statistics.as_dict()
    summary["samples"] = [s.vcf_sample_name for s in samples]
    case.imports.filter(is_current=True).exclude(pk=case_import.pk).update(is_current=False)
    CaseImport.objects.filter(pk=case_import.pk).update(
        is_current=True, records_read=statistics.records, variants_stored=stored,
        records_per_second=round(statistics.records / elapsed, 1), statistics=summary,
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.READY, genome_build=build)


def _trio_positions(samples: list[Sample]) -> tuple[int, int, int] | None:
    proband = next((s for s in samples if s.individual.is_proband), None)
    if proband is None:
        return None
    by_individual = {s.individual_id: s.position for s in samples}
    father, mother = proband.individual.father_id, proband.individual.mother_id
    if father in by_individual and mother in by_individual:
        return proband.position, by_individual[father], by_individual[mother]
    return None
