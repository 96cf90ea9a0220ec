"""Preparing a case import: everything that can be checked before reading variants (pedigree, VCF header, build,
samples, checksum, replace rules), then the case, its pedigree and a queued import job in one transaction.

One service behind the command line (import_case), the browser upload and the REST API. Bad input raises
InputFileError or CaseImportError and writes nothing. The job itself is genomes.importing.load.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.audit import Action, audit_record
from core.errors import InputFileError
from core.health import broker_status
from core.jobs import job_create, jobs_reap
from core.models import Department, Job, PatientGroup
from genomes.models import Case, CaseImport, Individual, Sample
from genomes.pedigree import Pedigree, read_ped
from genomes.read_limits import read_limits
from genomes.somatic import SOMATIC_TYPES
from genomes.variant_identity import VariantIdentityError, parse_build
from genomes.vcf.evidence_fields import load_field_map
from genomes.vcf.header import VcfHeader, file_sha256, open_vcf

SAMPLE_NAME_SEPARATORS = ("_", "-", ".")


class CaseImportError(ValueError):
    """A request that cannot be carried out as asked (not a problem inside a file)."""


class QueueUnavailable(CaseImportError):
    """The job queue cannot be reached: nothing was stored; the request may be made again later."""


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
    if not requested and analysis_type == Case.AnalysisType.TRIO and group.code == "FOETAL":
        analysis_type = Case.AnalysisType.FOETAL  # foetal medicine: the proband with both parents is a foetus
    if analysis_type not in Case.AnalysisType.values:
        raise CaseImportError(
            f"unknown analysis type {analysis_type!r}; use one of {', '.join(Case.AnalysisType.values)}"
        )
    if analysis_type in SOMATIC_TYPES:
        if group.kind == PatientGroup.Kind.GERMLINE:
            raise CaseImportError(f"patient group {group.code} is germline only; {analysis_type} is a somatic analysis")
        tumour, normal = pedigree.tumour_and_normal()
        if analysis_type == Case.AnalysisType.TUMOUR_NORMAL and normal is None:
            raise CaseImportError(
                f"{pedigree.source}: tumour/normal needs an unaffected (normal) sample in the pedigree"
            )
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
    tumour_type: str = "",
    callable_mb: float | None = None,
    tumour_purity: float | None = None,
    sample_map: dict[str, str] | None = None,
    created_by=None,
    send_to_worker: bool = True,
) -> CaseImport:
    """Check the request and store the case and a queued import; raises before writing anything.

    ``send_to_worker=False``: the caller runs the job itself with core.jobs.job_run.
    """
    if callable_mb is not None and not (0 < callable_mb <= 3500):
        raise CaseImportError(f"callable territory {callable_mb!r} Mb is not between 0 and 3,500 Mb (the genome)")
    if tumour_purity is not None and not (0 < tumour_purity <= 1):
        raise CaseImportError(f"tumour purity {tumour_purity!r} is not a fraction between 0 and 1")
    jobs_reap()  # an import whose process died must not block this one as "already running"
    if send_to_worker and broker_status() != "ok":
        raise QueueUnavailable("the job queue (the broker) cannot be reached, so the import cannot be queued: try "
                              "again later, or import on the server with import_case --wait")
    pedigree = read_ped(ped_path)
    if len(pedigree.individuals) > settings.CASE_MAX_INDIVIDUALS:
        raise InputFileError(pedigree.source, None, "individuals",
                             f"{len(pedigree.individuals):,} individuals; a case holds at most "
                             f"{settings.CASE_MAX_INDIVIDUALS} (CASE_MAX_INDIVIDUALS)")
    families = sorted({i.family_id for i in pedigree.individuals})
    if len(families) > 1:
        raise InputFileError(pedigree.source, None, "family_id",
                             f"one case is one family; the pedigree has families {', '.join(families)}")
    try:
        requested_build = parse_build(build) if build else None
    except VariantIdentityError as exc:
        raise CaseImportError(str(exc)) from None
    vcf, header = open_vcf(vcf_path, build=requested_build, limits=read_limits(),
                           consequence_keys=tuple(load_field_map(settings.VARIANT_FIELD_MAP_FILE)["consequence"]))
    vcf.close()
    samples = _map_samples(pedigree, header, sample_map or {})
    chosen_type = _analysis_type(pedigree, analysis_type, patient_group)
    sha256, size = file_sha256(Path(vcf_path))
    identifier = case_identifier or families[0]

    with transaction.atomic():
        case = Case.objects.select_for_update().filter(identifier=identifier, department=department).first()
        created_case = case is None
        if case is not None:
            _check_existing_case(case, department, patient_group, header, sha256, replace, samples)
        else:
            case = Case.objects.create(identifier=identifier, patient_group=patient_group, department=department,
                                       analysis_type=chosen_type, created_by=created_by,
                                       genome_build=str(header.build), tumour_type=tumour_type.strip()[:60],
                                       callable_mb=callable_mb, tumour_purity=tumour_purity)
            audit_record(action=Action.CREATE, user=created_by, object_type="case", object_id=case.pk,
                         department_code=department.code, details={"identifier": identifier, "via": "import"})
        if not case.genome_build:  # registered before its data: the build is known from here on (its national
            # observations count male X calls by it)
            case.genome_build = str(header.build)
            Case.objects.filter(pk=case.pk).update(genome_build=case.genome_build)
        stated = {k: v for k, v in (("callable_mb", callable_mb), ("tumour_purity", tumour_purity)) if v is not None}
        if not created_case and stated:  # a replaced file may come with a corrected territory or purity
            Case.objects.filter(pk=case.pk).update(**stated)
        if not case.individuals.exists():  # a new case, or one registered before its data arrived
            _store_pedigree(case, pedigree, samples, chosen_type)
            case.analysis_type = chosen_type
            case.save(update_fields=["analysis_type"])
        # the workflow's state is the workflow's: a case in analysis keeps it while its file is replaced
        case.import_state = Case.ImportState.IMPORTING
        case.save(update_fields=["import_state"])
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
            case=case,
            family_id=person.family_id,
            individual_id=person.individual_id,
            sex=person.sex,
            affection=person.affection,
            is_proband=proband is not None and person.individual_id == proband.individual_id,
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
