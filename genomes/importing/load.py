"""The import job (``vcf_import``): read the VCF and store the case's variants, all or nothing.

A small file (or plain gzip) is read in this process and COPYed into a private temporary staging table; a large
BGZF file is read by worker processes (genomes.importing.parallel). Either way the import's own transaction adds
the new national variants and the case's variants (genomes.importing.storage). A failure rolls all of it back; a
case created for a failed import is removed again, so the database is as it was (the failed job row remains, as
the record of what was tried).
"""
from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.errors import InputFileError
from core.jobs import job_handler
from core.models import Job
from genomes.case_variants import evidence_value_counts
from genomes.importing.copy_text import STAGING_COLUMNS, staging_line
from genomes.importing.parallel import parallel_parts, read_in_parallel
from genomes.importing.storage import lock_national_variants, store_batch, store_begin, store_end
from genomes.importing.uploads import is_upload, upload_discard, uploads_clean
from genomes.models import Case, CaseImport, Sample
from genomes.read_limits import read_limits
from genomes.sample_identity import SampleIdentity, sample_identity_qc
from genomes.signals import case_variants_stored
from genomes.somatic import SOMATIC_TYPES, somatic_summary
from genomes.variant_identity import GenomeBuild
from genomes.vcf.contig_guard import contig_guard
from genomes.vcf.evidence_fields import (
    declared_but_empty,
    evidence_sources,
    load_field_map,
    missing_evidence,
    resolve_info_sources,
)
from genomes.vcf.header import VcfInputError, estimate_record_count, open_vcf
from genomes.vcf.htslib_messages import htslib_messages
from genomes.vcf.limits import GuardedVcf
from genomes.vcf.records import ReadPolicy, VcfReader
from genomes.vcf.statistics import ReadStatistics


def _abandoned_import(job: Job) -> None:
    """The process running the import died (its transaction rolled back with it): remove the staging rows its
    workers committed, the case or pedigree the attempt created, and its uploaded files."""
    case_import = CaseImport.objects.filter(job=job).select_related("case").first()
    if case_import is not None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM genomes_importstaging WHERE import_id = %s", [case_import.pk])
        _forget_failed_import(case_import)
    upload_discard(job.parameters.get("vcf"), job.parameters.get("ped"))


@job_handler("vcf_import", cleanup=_abandoned_import)
def vcf_import(job: Job, report) -> dict:
    case_import = CaseImport.objects.select_related("case__patient_group").get(job=job)
    try:
        outcome = case_import_load(case_import, report)
        # The national observations changed: layers above may act (a reanalysis of frequency thresholds).
        transaction.on_commit(lambda: case_variants_stored.send(sender=CaseImport, case_id=case_import.case_id))
        return outcome
    except InputFileError as error:
        _forget_failed_import(case_import)
        upload_discard(job.parameters.get("vcf"), job.parameters.get("ped"))
        if is_upload(error.source):  # name an uploaded file as the user knows it, not by our storage path
            raise error.naming_file(Path(error.source).name) from None
        raise
    except Exception:
        _forget_failed_import(case_import)
        upload_discard(job.parameters.get("vcf"), job.parameters.get("ped"))
        raise
    finally:
        uploads_clean()


def _forget_failed_import(case_import: CaseImport) -> None:
    """Leave the database as it was: drop the attempt, and the case if the attempt created it."""
    case = case_import.case
    with transaction.atomic():
        if case.imports.filter(is_current=True).exists():  # a failed replace: the old variants stay
            case_import.delete()
            Case.objects.filter(pk=case.pk).update(import_state=Case.ImportState.IMPORTED)
        elif case_import.job.parameters.get("created_case"):
            case.delete()
        else:  # registered before its data arrived: back to awaiting data
            case_import.delete()
            case.samples.all().delete()
            case.individuals.all().delete()
            Case.objects.filter(pk=case.pk).update(import_state=Case.ImportState.AWAITING_DATA)


def case_import_load(case_import: CaseImport, report) -> dict:
    """Read the VCF and store the case's variants, all or nothing."""
    case = case_import.case
    started = time.monotonic()
    samples = list(case.samples.select_related("individual").order_by("position"))
    limits = read_limits()
    field_map = load_field_map(settings.VARIANT_FIELD_MAP_FILE)
    vcf, header = open_vcf(case_import.vcf_path, build=GenomeBuild(case_import.genome_build), limits=limits,
                           consequence_keys=tuple(field_map["consequence"]))
    vcf.close()  # the header is known; records are read through the bounds (genomes.vcf.limits)
    somatic = case.analysis_type in SOMATIC_TYPES
    policy = ReadPolicy(
        sample_columns=[header.samples.index(s.vcf_sample_name) for s in samples],
        info_fields=field_map,
        retention_max_popmax=None if somatic else case.patient_group.retention_popmax,
        somatic=somatic,
        trio=_trio_positions(samples),
    )
    build = str(header.build)
    evidence = evidence_sources(resolve_info_sources(field_map, header.info_ids, header.info_descriptions),
                                header.annotation)
    expected = estimate_record_count(case_import.vcf_path)
    parts = parallel_parts(case_import.vcf_path)
    contigs = contig_guard(case_import.vcf_path, header, limits)
    worker_seconds = None
    if parts:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # The workers commit staging rows in batches; this transaction stores each batch as it comes,
                # on the other core, so that little is left to store when the last worker is done.
                store_begin(cursor, case, case_import)
                locked = False

                def store_one_batch(batch: int, wait: bool) -> int | None:
                    """Stores one committed batch; None when another import holds the national variants."""
                    nonlocal locked
                    locked = locked or lock_national_variants(cursor, wait=wait)
                    if not locked:
                        return None
                    return store_batch(cursor, case, case_import, build, "genomes_importstaging",
                                        "import_id = %s AND batch = %s", [case_import.pk, batch])

                statistics, stored, worker_seconds = read_in_parallel(case_import, policy, parts, report, expected,
                                                                      store_one_batch, limits, contigs)
                read_done = time.monotonic()
                store_end(cursor, case_import)
                finished_summary = _finish(case, case_import, statistics, stored, samples, started, build, evidence)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM genomes_importstaging WHERE import_id = %s", [case_import.pk])
    else:
        guarded = GuardedVcf(case_import.vcf_path, limits, contigs)
        reader = VcfReader(guarded.vcf, header, policy)
        with transaction.atomic(), connection.cursor() as cursor:
            # A private, unindexed copy of the staging table, dropped at commit (and here, for a second
            # import inside one outer transaction).
            cursor.execute("DROP TABLE IF EXISTS import_staging; DROP TABLE IF EXISTS replaced_variants")
            cursor.execute("CREATE TEMPORARY TABLE import_staging (LIKE genomes_importstaging INCLUDING DEFAULTS) "
                           "ON COMMIT DROP")
            prefix = f"{case_import.pk}\t"
            # Inside the transaction: a feeder that stopped at a bound fails the import before anything is stored.
            # htslib's per-record warnings (a FORMAT key the header does not declare...) become import warnings,
            # once each, rather than terminal noise; this path reads small files, so holding the process's other
            # standard-error lines back until the end of the reading costs seconds.
            with guarded.reading(), htslib_messages(record_warnings := []), cursor.copy(
                    f"COPY import_staging ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
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
            # Statistics of the staged rows: without them the planner may take the temporary table for empty and
            # join it to the national variants by scanning it once per variant (minutes instead of seconds).
            cursor.execute("ANALYZE import_staging")
            store_begin(cursor, case, case_import)
            lock_national_variants(cursor, wait=True)
            stored = store_batch(cursor, case, case_import, build, "import_staging", "import_id = %s",
                                 [case_import.pk])
            store_end(cursor, case_import)
            if record_warnings:
                case_import.warnings = [*case_import.warnings, *(f"{w} (while reading the records)"
                                                                 for w in record_warnings[:20])]
                CaseImport.objects.filter(pk=case_import.pk).update(warnings=case_import.warnings)
            finished_summary = _finish(case, case_import, statistics, stored, samples, started, build, evidence)
    sample_qc = finished_summary["sample_qc"]
    analysed = time.monotonic()
    case_statistics_refresh(case.pk)
    mitochondrial = _main_vcf_mitochondrial(case_import)
    phased = _phases(case_import)
    finished = time.monotonic()
    somatic = {}
    if "somatic" in finished_summary:
        somatic = {
            "tmb": {
                k: finished_summary["somatic"]["tmb"][k]
                for k in (
                    "per_mb",
                    "coding_mutations",
                    "territory_mb",
                    "territory_source",
                    "method",
                    "not_assessable",
                    "not_available",
                )
                if k in finished_summary["somatic"]["tmb"]
            },
            "somatic_evidence": finished_summary["somatic"]["evidence"],
        }
    return {**somatic, "case": case.identifier, "case_id": case.pk, "records_read": statistics.records,
            "variants_stored": stored, "genome_build": build, "seconds": round(finished - started, 2),
            # reading, filtering and COPY to staging (workers: with batches stored meanwhile), then what is
            # stored after the reading
            "seconds_reading": round(read_done - started, 2), "seconds_storing": round(analysed - read_done, 2),
            "seconds_analysing": round(finished - analysed, 2),
            "workers": len(parts) if parts else 1,
            # when each worker ended, from the start of reading: a part that ends early leaves a core idle
            "worker_seconds": worker_seconds, "sample_qc": sample_qc,
            "evidence": evidence_summary(finished_summary), **mitochondrial, **phased,
            "summary": _summary_text(case, statistics.records, stored, build, finished - started, sample_qc,
                                     finished_summary)}


def evidence_summary(statistics: dict) -> dict:
    """Which of the file's fields fed which evidence (and on how many stored variants), what is not annotated,
    and which declared fields carried no value: the import's account of its evidence."""
    sources = statistics.get("evidence_sources") or {}
    values = statistics.get("evidence_values") or {}
    return {"fed_by": {ours: {"source": source, "stored_variants_with_value": values.get(ours)}
                       for ours, source in sources.items() if source},
            "not_annotated": missing_evidence(sources),
            "declared_but_empty": statistics.get("evidence_declared_empty") or {}}


def case_statistics_refresh(case_id: int) -> None:
    """Fresh planner statistics for the case's partition (and the national variants): the first analysis after
    the import is planned on them, not on an empty partition's (bench/fresh_case.py measures the difference)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT genomes_analyze_case_variants(%s)", [case_id])


def _summary_text(case, records: int, stored: int, build: str, seconds: float, sample_qc: dict,
                  statistics: dict) -> str:
    """The job page's one readable line."""
    text = (f"Case {case.identifier}: {records:,} records read, {stored:,} variants stored ({build}) "
            f"in {seconds:.1f} s.")
    not_annotated = missing_evidence(statistics.get("evidence_sources") or {})
    if not_annotated:
        text += " Not annotated: " + ", ".join(not_annotated) + "."
    empty = statistics.get("evidence_declared_empty") or {}
    if empty:
        text += " Declared in the header but without a value in any record: " + ", ".join(
            sorted(set(empty.values()))) + "."
    if sample_qc.get("not_evaluated"):
        return text + " Sample identity not evaluated: " + sample_qc["not_evaluated"] + "."
    if sample_qc.get("blocking"):
        return text + " Sample identity QC: " + ", ".join(sample_qc["flags"]) + " (blocking: see the case page)."
    confirmed = [p for p in sample_qc.get("parentage", ()) if p.get("father") == p.get("mother") == "confirmed"]
    return text + (" Sample identity QC: parentage confirmed." if confirmed else " Sample identity QC: no flags.")


def _phases(case_import: CaseImport) -> dict:
    """The file's read-backed phase (FORMAT PS, PGT/PID) of its heterozygous calls, for compound het
    (genomes.phase); a file that declares none is not read again."""
    from genomes.phase import phases_read

    try:
        phased = phases_read(case_import)
    except (OSError, ValueError) as error:
        case_import.warnings = [*case_import.warnings, f"phase not read: {error}"]
        CaseImport.objects.filter(pk=case_import.pk).update(warnings=case_import.warnings)
        return {}
    return {"phased_calls": phased} if phased else {}


def _main_vcf_mitochondrial(case_import: CaseImport) -> dict:
    """The main VCF's chrM records on the mitochondrial tab (genomes.mt), read after the file was read and checked
    through the bounds; a failure there is a warning on the import, whose small variants are stored."""
    from genomes.mt.importing import main_vcf_mt_import

    try:
        imported = main_vcf_mt_import(case_import, by=case_import.job.created_by)
    except (InputFileError, OSError, ValueError) as error:
        case_import.warnings = [*case_import.warnings, f"chrM records not read as mitochondrial variants: {error}"]
        CaseImport.objects.filter(pk=case_import.pk).update(warnings=case_import.warnings)
        return {}
    if imported is None:
        return {}
    return {"mitochondrial": {"records_read": imported.records_read, "alleles": imported.alleles_stored,
                              "heteroplasmy_from": imported.heteroplasmy_from}}


def _finish(case, case_import, statistics: ReadStatistics, stored: int, samples, started: float, build: str,
            evidence: dict) -> dict:
    elapsed = max(time.monotonic() - started, 1e-6)
    structural = statistics.skipped.get("structural", 0)
    if structural and max(structural, statistics.sv_declared) * 2 > statistics.records:
        # Manta, DELLY, GATK-SV: symbolic alleles and sequence-resolved ones that declare an SVTYPE
        raise VcfInputError(case_import.vcf_path, None, "ALT",
                            f"a structural-variant VCF: {structural:,} of its {statistics.records:,} records have "
                            f"symbolic or breakend alleles and {statistics.sv_declared:,} declare an SVTYPE; give it "
                            "to the structural-variant import, not as the small-variant file")
    if structural:
        examples = ", ".join(f"{s['chrom']}:{s['pos']} {s['type']}" + (f" {s['length']:,} bp" if s["length"] else "")
                             for s in statistics.structural[:3])
        case_import.warnings = [*case_import.warnings,
                                f"{structural:,} structural-variant record(s) not imported as small variants "
                                f"(e.g. {examples}): they belong to the structural-variant import"]
        CaseImport.objects.filter(pk=case_import.pk).update(warnings=case_import.warnings)
    summary = statistics.as_dict()
    summary["samples"] = [s.vcf_sample_name for s in samples]
    # A field the header declares but no stored record carries (a VEP run without its gnomAD cache) is not
    # annotated for this file: "absent" is said only where a source was applied.
    values = evidence_value_counts(case.pk, case_import.pk)
    empty = declared_but_empty(
        evidence, values, dropped_as_common=statistics.skipped.get("common_by_retention_policy", 0)
    )
    summary["evidence_sources"] = {ours: None if ours in empty else source for ours, source in evidence.items()}
    summary["evidence_declared_empty"] = empty
    summary["evidence_values"] = {ours: values[ours] for ours in values if summary["evidence_sources"].get(ours)}
    summary["sample_qc"] = _sample_qc(case, samples, summary["identity_patterns"])
    if case.analysis_type in SOMATIC_TYPES:  # TMB, profile and what the file lacks, for the somatic view
        summary["somatic"] = somatic_summary(case, case_import, summary["evidence_sources"])
    case.imports.filter(is_current=True).exclude(pk=case_import.pk).update(is_current=False)
    CaseImport.objects.filter(pk=case_import.pk).update(
        is_current=True, records_read=statistics.records, variants_stored=stored,
        records_per_second=round(statistics.records / elapsed, 1), statistics=summary,
    )
    # Its data are in: the workflow's work lists take it up (interpret.workflow), turnaround counts from the first.
    Case.objects.filter(pk=case.pk).update(genome_build=build, import_state=Case.ImportState.IMPORTED)
    Case.objects.filter(pk=case.pk, data_ready_at__isnull=True).update(data_ready_at=timezone.now())
    return summary


def _sample_qc(case, samples: list[Sample], patterns: list) -> dict:
    """Sample identity QC of a germline case (genomes.sample_qc); a somatic VCF holds the tumour's calls, not
    the germline sites identity needs."""
    if case.analysis_type in SOMATIC_TYPES:
        return {"not_evaluated": "a somatic VCF carries the tumour's calls, not germline sites to compare samples "
                                 "by", "flags": [], "blocking": False}
    individuals = list(case.individuals.all())
    ids = {i.pk: i.individual_id for i in individuals}
    pedigree = {i.individual_id: (ids.get(i.father_id), ids.get(i.mother_id)) for i in individuals}
    identities = [SampleIdentity(sample=s.vcf_sample_name, individual=s.individual.individual_id,
                                 sex=s.individual.sex, father=ids.get(s.individual.father_id),
                                 mother=ids.get(s.individual.mother_id)) for s in samples]
    return sample_identity_qc(patterns, identities, pedigree)


def _trio_positions(samples: list[Sample]) -> tuple[int, int, int] | None:
    proband = next((s for s in samples if s.individual.is_proband), None)
    if proband is None:
        return None
    by_individual = {s.individual_id: s.position for s in samples}
    father, mother = proband.individual.father_id, proband.individual.mother_id
    if father in by_individual and mother in by_individual:
        return proband.position, by_individual[father], by_individual[mother]
    return None
