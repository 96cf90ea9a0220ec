"""Command-line contract for batch jobs (stable; see README):

import_variants CASE_ID --kind sv --vcf FILE [--caller NAME] [--department CODE] [--wait]
import_variants CASE_ID --kind str --vcf FILE [--sample INDIVIDUAL=VCF_SAMPLE ...] [--department CODE]
import_variants CASE_ID --kind mt --vcf FILE [--sample INDIVIDUAL=VCF_SAMPLE ...] [--department CODE]

Imports a file that arrives after the case's small variants: ``--kind sv``, a structural-variant or copy-number
VCF (Manta, DELLY, GATK-SV, GATK gCNV, CNVkit, DRAGEN SV/CNV, MELT, XHMM; ``--caller`` overrides the header).
CASE_ID is the case identifier (with ``--department`` when two departments use it) or its numeric id. The same
contract as import_case: one JSON object on stdout; bad input exit code 1 with the error (file, record, field) on
stderr; nothing is stored unless the whole file is. ``--kind str``: an ExpansionHunter (raw or stranger-annotated)
or TRGT repeat-expansion VCF, read at once (a few hundred records), replacing the case's previous one; a file whose
sample names are not the pedigree's takes ``--sample``.
"""
import json
import sys

from django.core.management.base import BaseCommand

from core.errors import InputFileError
from core.jobs import job_run
from genomes.models import Case
from genomes.sv.importing import SvImportError, sv_import_prepare

KINDS = ("sv", "str", "mt")


def case_for_command(identifier: str, department: str | None) -> Case | None:
    cases = Case.objects.filter(identifier=identifier)
    if department:
        cases = cases.filter(department__code=department)
    found = list(cases[:2])
    if len(found) == 1:
        return found[0]
    if not found and identifier.isascii() and identifier.isdecimal():
        return Case.objects.filter(pk=int(identifier)).first()
    return None


class Command(BaseCommand):
    help = "Import a later-arriving file of a case: a structural-variant or copy-number VCF (--kind sv)."

    def add_arguments(self, parser):
        parser.add_argument("case_id")
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--vcf", required=True)
        parser.add_argument("--caller", help="the caller whose conventions to read the file by (default: the header)")
        parser.add_argument("--department", help="the case's department code, when its identifier is not unique")
        parser.add_argument("--sample", action="append", default=[], metavar="INDIVIDUAL=VCF_SAMPLE",
                            help="--kind str: the file's column of an individual (repeatable)")
        parser.add_argument("--wait", action="store_true",
                            help="run the import in this process (the same job code a worker runs)")

    def handle(self, *args, **options):
        case = case_for_command(options["case_id"], options["department"])
        if case is None:
            return self._fail(f"no case {options['case_id']!r}" + (
                f" in department {options['department']!r}" if options["department"] else
                " (or more than one: give --department)"))
        if options["kind"] == "str":
            return self._repeats(case, options)
        if options["kind"] == "mt":
            outcome = mt_files_import(case, [options["vcf"]], options["sample"], fail=self._fail)
            return self.stdout.write(json.dumps(outcome[0]))
        outcome = sv_files_import(case, [options["vcf"]], caller=options["caller"], wait=options["wait"],
                                  fail=self._fail, say=self.stderr.write)
        self.stdout.write(json.dumps(outcome[0] if len(outcome) == 1 else outcome))
        if any(item.get("status") == "failed" for item in outcome):
            sys.exit(1)

    def _repeats(self, case, options):
        outcome = str_files_import(case, [options["vcf"]], options["sample"], fail=self._fail)
        self.stdout.write(json.dumps(outcome[0]))

    def _fail(self, message: str):
        self.stderr.write(f"import_variants: {message}")
        sys.exit(1)


def sv_files_import(case: Case, paths: list[str], *, caller: str | None, wait: bool, fail, say) -> list[dict]:
    """Prepare (and with ``wait``, run) one SV import per file; shared by import_case --sv-vcf."""
    outcomes = []
    for path in paths:
        try:
            sv_import = sv_import_prepare(case=case, vcf_path=path, caller=caller, send_to_worker=not wait)
        except (InputFileError, SvImportError) as error:
            return fail(str(error))
        outcome = {"case": case.identifier, "case_id": case.pk, "kind": "sv", "vcf": sv_import.vcf_name,
                   "job_id": sv_import.job_id, "status": sv_import.job.state}
        if wait:
            job = job_run(sv_import.job_id)
            outcome.update(status=job.state, **{key: job.result.get(key) for key in (
                "caller", "callers", "records_read", "calls_stored", "reference_records", "by_type", "evidence")})
            if job.state == job.State.FAILED:
                outcome["error"] = job.error
                say(f"import_variants: {job.error}")
        outcomes.append(outcome)
    return outcomes


def _sample_map(sample_pairs: list[str], fail) -> dict[str, str]:
    sample_map = {}
    for pair in sample_pairs:
        individual, sep, column = pair.partition("=")
        if not sep or not individual or not column:
            return fail(f"--sample: {pair!r} is not INDIVIDUAL=VCF_SAMPLE")
        sample_map[individual] = column
    return sample_map


def mt_files_import(case, paths: list[str], sample_pairs: list[str], *, fail) -> list[dict]:
    """Import mitochondrial files (import_case --mt-vcf and import_variants --kind mt): one summary each."""
    from core.audit import AuditContext
    from genomes.mt.importing import mt_file_import

    sample_map = _sample_map(sample_pairs, fail)
    outcome = []
    for path in paths:
        try:
            imported = mt_file_import(case=case, path=path, sample_map=sample_map,
                                      audit=AuditContext(method="COMMAND", path="manage.py import_variants"))
        except (InputFileError, OSError) as error:
            return fail(str(error))
        outcome.append({"case": case.identifier, "kind": "mt", "file": imported.vcf_name,
                        "records_read": imported.records_read, "alleles": imported.alleles_stored,
                        "heteroplasmy_from": imported.heteroplasmy_from, "status": "done"})
    return outcome


def str_files_import(case, paths: list[str], sample_pairs: list[str], *, fail) -> list[dict]:
    """Import repeat-expansion files (import_case --str-vcf and import_variants --kind str): one summary each."""
    from core.audit import AuditContext
    from genomes.str.importing import str_file_import

    sample_map = _sample_map(sample_pairs, fail)
    outcome = []
    for path in paths:
        try:
            imported = str_file_import(case=case, path=path, sample_map=sample_map,
                                       audit=AuditContext(method="COMMAND", path="manage.py import_variants"))
        except (InputFileError, OSError) as error:
            return fail(str(error))
        outcome.append({"case": case.identifier, "kind": "str", "file": imported.vcf_name, "caller": imported.caller,
                        "records_read": imported.records_read, "loci": imported.loci_stored,
                        "disagreements_with_the_file": imported.disagreements, "status": "done"})
    return outcome
