"""Command-line contract for batch jobs (stable; see README):

import_case --patient-group CODE --department CODE --ped FILE --vcf FILE [--build GRCh37|GRCh38]
            [--analysis-type singleton|duo|trio|foetal|tumour_normal|tumour_only] [--case-id ID]
            [--sv-vcf FILE ...] [--str-vcf FILE ...] [--mt-vcf FILE ...]
            [--hpo HP:NNNNNNN ... | --phenopacket FILE] [--replace] [--wait]

Prints one JSON object on stdout. Bad input: exit code 1 and the error (file, line, field) on stderr.
"""
import json
import sys

from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.errors import InputFileError
from core.jobs import job_run
from core.models import Department, PatientGroup
from genomes.hpo import HpoTermError, ontology_version
from genomes.importing.prepare import CaseImportError, case_import_prepare
from genomes.phenotypes import phenotype_entries, phenotypes_replace, read_phenopacket


class Command(BaseCommand):
    help = "Import a case from a PED file and a VEP-annotated VCF (through the same service as the browser)."

    def add_arguments(self, parser):
        parser.add_argument("--patient-group", required=True, help="patient group code, e.g. RARE")
        parser.add_argument("--department", required=True, help="department code")
        parser.add_argument("--ped", required=True)
        parser.add_argument("--vcf", required=True)
        parser.add_argument("--build", choices=["GRCh37", "GRCh38"])
        parser.add_argument(
            "--analysis-type", choices=["singleton", "duo", "trio", "foetal", "tumour_normal", "tumour_only"]
        )
        parser.add_argument("--case-id", help="case identifier (default: the pedigree's family id)")
        parser.add_argument("--sample", action="append", default=[], metavar="INDIVIDUAL=VCF_SAMPLE",
                            help="map a pedigree individual to a differently named VCF column; repeatable")
        parser.add_argument("--tumour-type", default="",
                            help="a tumour case's tumour type (e.g. AML): somatic observations are counted by it")
        parser.add_argument("--callable-mb", type=float,
                            help="a tumour case's callable coding territory in megabases (the TMB denominator); "
                                 "default TMB_DEFAULT_CALLABLE_MB")
        parser.add_argument("--tumour-purity", type=float, help="tumour cell fraction of the sample, 0-1")
        parser.add_argument("--sv-vcf", action="append", default=[], metavar="FILE",
                            help="a structural-variant or copy-number VCF of the same samples (one per caller); "
                                 "repeatable. Its calls replace the case's current calls of that caller")
        parser.add_argument("--mt-vcf", action="append", default=[], metavar="FILE",
                            help="a mitochondrial VCF (Mutect2, HmtNote, mtDNA-Server); its samples by --sample too")
        parser.add_argument("--str-vcf", action="append", default=[], metavar="FILE",
                            help="a repeat-expansion VCF (ExpansionHunter or TRGT); its samples by --sample too")
        parser.add_argument("--alignment", action="append", default=[], metavar="INDIVIDUAL=PATH",
                            help="a person's BAM or CRAM (its index beside it), read in place by the read view")
        parser.add_argument("--hpo", action="append", default=[], metavar="HP:NNNNNNN",
                            help="an HPO term the proband has (repeatable); checked against the pinned ontology")
        parser.add_argument("--phenopacket", metavar="FILE",
                            help="a GA4GH Phenopacket v2 JSON: its subject's observed and excluded terms (and onset)")
        parser.add_argument("--replace", action="store_true", help="replace the case's variants atomically")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="run the import in this process (the same job code a worker runs) and report its outcome",
        )

    def handle(self, *args, **options):
        try:
            group = PatientGroup.objects.get(code=options["patient_group"])
        except PatientGroup.DoesNotExist:
            codes = ", ".join(PatientGroup.objects.values_list("code", flat=True))
            return self._fail(f"--patient-group: unknown code {options['patient_group']!r}; known: {codes}")
        try:
            department = Department.objects.get(code=options["department"])
        except Department.DoesNotExist:
            return self._fail(f"--department: unknown code {options['department']!r}")
        sample_map = {}
        for pair in options["sample"]:
            individual, sep, column = pair.partition("=")
            if not sep or not individual or not column:
                return self._fail(f"--sample: {pair!r} is not INDIVIDUAL=VCF_SAMPLE")
            sample_map[individual] = column
        if options["str_vcf"] or options["mt_vcf"]:  # a file of other samples stops the import before it starts
            from genomes.pedigree import read_ped
            from genomes.str.importing import str_header_check

            try:
                names = {i.individual_id for i in read_ped(options["ped"]).individuals} | set(sample_map.values())
                for path in options["str_vcf"] + options["mt_vcf"]:
                    str_header_check(path, names)
            except InputFileError as exc:
                return self._fail(str(exc))
        if options["sv_vcf"]:  # a bad SV file stops the whole import before anything is stored
            from genomes.pedigree import read_ped
            from genomes.sv.importing import sv_header_check

            try:
                names = {i.individual_id for i in read_ped(options["ped"]).individuals} | set(sample_map.values())
                for path in options["sv_vcf"]:
                    sv_header_check(path, names)
            except InputFileError as exc:
                return self._fail(str(exc))
        try:  # alignment files are checked before anything is stored
            from genomes.pedigree import read_ped
            from genomes.reads import alignment_inspect, alignment_pairs

            alignments = alignment_pairs(options["alignment"])
            people = {i.individual_id for i in read_ped(options["ped"]).individuals}
            for individual, path in alignments:
                if individual not in people:
                    raise InputFileError(path, None, "--alignment", f"{individual!r} is not in the pedigree")
                alignment_inspect(path, options["build"] or "GRCh38")
        except InputFileError as exc:
            return self._fail(str(exc))
        try:  # the phenotype is checked before anything is stored
            phenotype = self._phenotype(options)
        except (HpoTermError, OSError) as exc:
            return self._fail(str(exc))
        try:
            case_import = case_import_prepare(
                patient_group=group, department=department, ped_path=options["ped"], vcf_path=options["vcf"],
                build=options["build"], analysis_type=options["analysis_type"], case_identifier=options["case_id"],
                replace=options["replace"], sample_map=sample_map, send_to_worker=not options["wait"],
                tumour_type=options["tumour_type"], callable_mb=options["callable_mb"],
                tumour_purity=options["tumour_purity"],
            )
        except (InputFileError, CaseImportError) as exc:
            return self._fail(str(exc))
        job = case_import.job
        outcome = {"case": case_import.case.identifier, "case_id": case_import.case_id, "job_id": job.pk,
                   "status": job.state, "genome_build": case_import.genome_build, "warnings": case_import.warnings}
        if phenotype is not None:
            outcome["phenotype"] = self._store_phenotype(case_import.case, *phenotype)
        if options["wait"]:
            job = job_run(job.pk)
            outcome.update(status=job.state, records_read=job.result.get("records_read"),
                           variants_stored=job.result.get("variants_stored"), sample_qc=job.result.get("sample_qc"))
            if "tmb" in job.result:  # tumour cases: the contract batch jobs read (genomes.somatic)
                outcome.update(tmb=job.result["tmb"], somatic_evidence=job.result.get("somatic_evidence"))
            if job.state == job.State.FAILED:
                outcome["error"] = job.error
                self.stdout.write(json.dumps(outcome))
                return self._fail(job.error)
        if options["sv_vcf"]:
            from genomes.management.commands.import_variants import sv_files_import

            outcome["structural_variants"] = sv_files_import(case_import.case, options["sv_vcf"], caller=None,
                                                             wait=options["wait"], fail=self._fail,
                                                             say=self.stderr.write)
            if any(item.get("status") == "failed" for item in outcome["structural_variants"]):
                self.stdout.write(json.dumps(outcome))
                return self._fail("a structural-variant file failed to import (above)")
        if options["str_vcf"]:
            from genomes.management.commands.import_variants import str_files_import

            outcome["repeat_expansions"] = str_files_import(case_import.case, options["str_vcf"], options["sample"],
                                                            fail=self._fail)
        if options["mt_vcf"]:
            from genomes.management.commands.import_variants import mt_files_import

            outcome["mitochondrial"] = mt_files_import(case_import.case, options["mt_vcf"], options["sample"],
                                                       fail=self._fail)
        if alignments:
            from genomes.reads import alignment_register

            try:
                outcome["alignments"] = [
                    {"individual": individual, "file": alignment_register(
                        case=case_import.case, individual=individual, path=path,
                        audit=AuditContext(method="COMMAND", path="manage.py import_case")).path}
                    for individual, path in alignments]
            except InputFileError as exc:
                self.stdout.write(json.dumps(outcome))
                return self._fail(str(exc))
        self.stdout.write(json.dumps(outcome))

    def _phenotype(self, options):
        """(entries, subject id or None, source), or None when no phenotype was given."""
        if options["phenopacket"]:
            if options["hpo"]:
                raise HpoTermError("--hpo and --phenopacket: give the terms one way")
            packet = read_phenopacket(options["phenopacket"])
            return packet.entries, packet.subject_id, "phenopacket"
        if options["hpo"]:
            return phenotype_entries(options["hpo"], observed_field="--hpo"), None, "import_case"
        return None

    def _store_phenotype(self, case, entries, subject, source) -> dict:
        individual = subject if subject and case.individuals.filter(individual_id=subject).exists() else None
        stored = phenotypes_replace(case=case, entries=entries, by=None, source=source, individual_id=individual,
                                    audit=AuditContext(method="COMMAND", path="manage.py import_case"))
        return {"individual": stored[0].individual.individual_id if stored else individual,
                "observed": [t.term_id for t in stored if not t.excluded],
                "excluded": [t.term_id for t in stored if t.excluded],
                "replaced_obsolete": [t.note for t in stored if t.note], "hpo_version": ontology_version()}

    def _fail(self, message: str):
        self.stderr.write(f"import_case: {message}")
        sys.exit(1)
