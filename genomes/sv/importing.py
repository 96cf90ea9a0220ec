"""Importing a case's structural-variant and copy-number VCFs, with the small-variant import's contract: checked
before anything is stored (the file's header read in bounded memory, its build the case's, its samples the case's
samples), then read through the same bounds (decompression, line length) by a job a worker runs, all or nothing:
the calls of a file become the case's in one transaction, replacing the current calls of the same caller for the
same samples; a bad record fails the whole file, naming file, record and field.

``import_variants CASE --kind sv --vcf FILE`` and ``import_case ... --sv-vcf FILE`` both come here."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from core.jobs import job_create, job_handler
from core.models import Job
from genomes.models import Case, Sample, StructuralVariant, StructuralVariantImport
from genomes.sv.callers import caller_named
from genomes.sv.genes import GeneIndex, call_genes, csq_entries
from genomes.sv.national import cluster_observations_recount, clusters_assign
from genomes.sv.reading import StructuralCall, SvReading, read_structural_calls
from genomes.variant_identity import GenomeBuild, xpos

ZYGOSITY_CODES = {"ref": 0, "het": 1, "hom": 2, "hemi": 3, "called": 4, "no_call": -1}
STORE_BATCH = 5_000
# What the population frequency fields of structural calls are called on pages (the fields themselves are the
# site's field map, genomes.vcf.evidence_fields "sv_population_af"; a field the map adds is named as it is).
POPULATION_LABELS = {"gnomAD_V2_AF": "gnomAD-SV v2", "gnomad_svAF": "gnomAD-SV", "GNOMAD_SV_AF": "gnomAD-SV",
                     "gnomAD_SV_AF": "gnomAD-SV", "1000GAF": "1000 Genomes SV", "swegen_sv_AF": "SweGen SV",
                     "clinical_genomics_mipAF": "local SV database"}


def population_fields() -> tuple[str, ...]:
    """The INFO fields read for a structural call's population frequency, first found wins."""
    from genomes.vcf.evidence_fields import load_field_map

    return tuple(load_field_map(settings.VARIANT_FIELD_MAP_FILE)["sv_population_af"])


class SvImportError(Exception):
    """A request to import an SV file that cannot be honoured (the message says why)."""


def _case_samples(case: Case) -> dict[str, Sample]:
    """The case's samples by every name a file may give them: the VCF sample name, then the individual id."""
    named: dict[str, Sample] = {}
    for sample in Sample.objects.filter(case=case).select_related("individual").order_by("position"):
        named.setdefault(sample.individual.individual_id, sample)
        named[sample.vcf_sample_name] = sample
    return named


def sv_import_prepare(*, case: Case, vcf_path: Path | str, vcf_name: str | None = None, caller: str | None = None,
                      created_by=None, send_to_worker: bool = True,
                      audit: AuditContext | None = None) -> StructuralVariantImport:
    """Check an SV file against its case and queue its import; raises before storing anything."""
    from genomes.read_limits import read_limits
    from genomes.vcf.header import open_vcf

    name = vcf_name or Path(vcf_path).name
    if not case.individuals.exists() or not case.genome_build:
        raise SvImportError(f"case {case.identifier} has no pedigree and small variants yet: import them first "
                            "(import_case), or give the SV file to import_case with --sv-vcf")
    try:
        chosen = caller_named(caller) if caller else None
    except ValueError as error:
        raise SvImportError(f"--caller: {error}") from None
    vcf, header = open_vcf(vcf_path, build=GenomeBuild(case.genome_build), limits=read_limits())
    vcf.close()
    named = _case_samples(case)
    unknown = [s for s in header.samples if s not in named]
    if unknown:
        raise InputFileError(name, None, "#CHROM", f"sample(s) {', '.join(unknown)} are not samples of case "
                             f"{case.identifier} ({', '.join(sorted({s.vcf_sample_name for s in named.values()}))})")
    if not header.samples:
        raise InputFileError(name, None, "#CHROM", "the file has no sample columns: no genotype to store")
    if case.sv_imports.filter(job__state__in=[Job.State.QUEUED, Job.State.RUNNING]).exists():
        raise SvImportError(f"an SV import into case {case.identifier} is already queued or running")
    with transaction.atomic():
        job = job_create(kind="sv_import", created_by=created_by, department=case.department,
                         parameters={"case": case.identifier, "vcf": name}, send_to_worker=send_to_worker)
        sv_import = StructuralVariantImport.objects.create(
            case=case, job=job, vcf_path=str(Path(vcf_path).resolve()), vcf_name=name,
            caller=chosen.name if chosen else "", genome_build=case.genome_build,
            samples=sorted(named[s].position for s in header.samples), warnings=header.warnings)
        audit_record(action=Action.CREATE, user=created_by, audit=audit, object_type="sv_import",
                     object_id=sv_import.pk, department_code=case.department.code,
                     details={"case": case.identifier, "vcf": name, "caller": sv_import.caller or "from header"})
    return sv_import


def sv_header_check(vcf_path: Path | str, sample_names: set[str]) -> None:
    """Before a case is imported with its SV files (import_case --sv-vcf): each SV file's header reads, and its
    samples are among the case's, so that a bad SV file stops the whole import before anything is stored."""
    import cyvcf2

    from genomes.read_limits import read_limits
    from genomes.vcf.limits import scan_header

    name = Path(vcf_path).name
    if not Path(vcf_path).is_file():
        raise InputFileError(name, None, None, "no such file")
    scan_header(vcf_path, read_limits())
    try:
        samples = list(cyvcf2.VCF(str(vcf_path)).samples)
    except Exception as error:  # noqa: BLE001 - cyvcf2 raises bare Exception for header errors
        raise InputFileError(name, 1, None, f"not a VCF file ({error})") from None
    unknown = [s for s in samples if s not in sample_names]
    if unknown or not samples:
        raise InputFileError(name, None, "#CHROM", f"sample(s) {', '.join(unknown)} are not in the pedigree"
                             if unknown else "the file has no sample columns: no genotype to store")


def _population(info: dict, fields: tuple[str, ...]) -> tuple[float | None, str]:
    for field in fields:
        source = POPULATION_LABELS.get(field, field)
        value = info.get(field)
        if value not in (None, "", "."):
            try:
                # cyvcf2 gives Float fields in single precision: 0.02 comes back 0.0199999995
                return float(f"{float(value[0] if isinstance(value, (tuple, list)) else value):.6g}"), source
            except (TypeError, ValueError):
                continue
    return None, ""


def _row(case: Case, sv_import: StructuralVariantImport, call: StructuralCall, positions: list[int], width: int,
         genes, build: str, population: tuple[str, ...]) -> StructuralVariant:
    genotypes = [-1] * width
    details: list[dict | None] = [None] * width
    for position, sample in zip(positions, call.samples):
        genotypes[position] = ZYGOSITY_CODES[sample.zygosity]
        details[position] = {key: value for key, value in (
            ("gt", sample.gt), ("cn", sample.cn), ("gq", sample.gq), ("pr", list(sample.pr) if sample.pr else None),
            ("sr", list(sample.sr) if sample.sr else None), ("ft", sample.ft),
            ("pl", list(sample.pl) if sample.pl else None)) if value not in (None, "")}
    af, source = _population(call.info, population)
    return StructuralVariant(
        case=case, sv_import=sv_import, chrom=call.chrom, start=call.start, end=call.end,
        xstart=xpos(call.chrom, call.start), xend=xpos(call.chrom, max(call.end, call.start)), svtype=call.svtype,
        subtype=call.subtype[:60], length=call.length, mate_chrom=call.mate_chrom, mate_pos=call.mate_pos,
        cipos=list(call.cipos) if call.cipos else None, ciend=list(call.ciend) if call.ciend else None,
        caller=call.caller, identifier=call.identifier[:300], filters=[f[:100] for f in call.filters],
        quality=call.quality, genotypes=genotypes, sample_calls=details, genes=[g[:60] for g in genes.genes],
        gene_overlaps=[o.as_dict() for o in genes.overlaps], nearest_gene=genes.nearest[:60],
        genes_annotated=genes.annotated, population_af=af, population_source=source, line=call.line)


def _gene_index(build: str) -> GeneIndex:
    from genomes.transcript_models import gene_models

    models = gene_models(build)
    return GeneIndex(list(models.by_transcript.values()))


@job_handler("sv_import")
def sv_import_run(job: Job, report) -> dict:
    """Read the file through the bounds and store its calls, all or nothing."""
    from genomes.read_limits import read_limits
    from genomes.vcf.header import open_vcf
    from genomes.vcf.limits import GuardedVcf

    sv_import = StructuralVariantImport.objects.select_related("case").get(job=job)
    case, build = sv_import.case, sv_import.genome_build
    named = _case_samples(case)
    width = Sample.objects.filter(case=case).count()
    sexes = {name: sample.individual.sex for name, sample in named.items()}
    _, header = open_vcf(sv_import.vcf_path, build=GenomeBuild(build), limits=read_limits())
    positions = [named[s].position for s in header.samples]
    caller = caller_named(sv_import.caller) if sv_import.caller else None
    index = _gene_index(build)
    reading = SvReading(sv_import.vcf_name, [], [])
    guarded = GuardedVcf(sv_import.vcf_path, read_limits())
    rows: list[StructuralVariant] = []
    gene_sources: dict[str, int] = {}
    population_sources: set[str] = set()
    population = population_fields()
    with transaction.atomic():
        with guarded.reading() as vcf:
            for call in read_structural_calls(vcf, build=build, sexes=sexes, caller=caller, reading=reading,
                                              name=sv_import.vcf_name):
                genes = call_genes(call, csq_entries=csq_entries(call.info, header.annotation), index=index)
                source = genes.overlaps[0].source if genes.overlaps else (
                    "nearest gene" if genes.nearest else "not annotated" if not genes.annotated else "no gene")
                gene_sources[source] = gene_sources.get(source, 0) + 1
                rows.append(_row(case, sv_import, call, positions, width, genes, build, population))
                if rows[-1].population_source:
                    population_sources.add(rows[-1].population_source)
                if len(rows) >= STORE_BATCH:
                    StructuralVariant.objects.bulk_create(rows)
                    rows = []
                    report(done=reading.records)
        StructuralVariant.objects.bulk_create(rows)
        # The same caller's current calls for any of these samples are replaced by this file's.
        replaced = [other.pk for other in case.sv_imports.filter(is_current=True).exclude(pk=sv_import.pk)
                    if other.caller == reading.callers[0].name and set(other.samples) & set(sv_import.samples)]
        touched = set(StructuralVariant.objects.filter(sv_import_id__in=replaced, cluster__isnull=False)
                      .values_list("cluster_id", flat=True))
        StructuralVariant.objects.filter(sv_import_id__in=replaced).delete()
        StructuralVariantImport.objects.filter(pk__in=replaced).update(is_current=False)
        StructuralVariantImport.objects.filter(pk=sv_import.pk).update(is_current=True)
        with transaction.get_connection().cursor() as cursor:
            touched |= clusters_assign(cursor, sv_import_id=sv_import.pk, build=build)
            cluster_observations_recount(cursor, touched)
        evidence = {"genes": gene_sources, "population_frequency": sorted(population_sources) or "not annotated"}
        StructuralVariantImport.objects.filter(pk=sv_import.pk).update(
            caller=reading.callers[0].name, callers=[c.name for c in reading.callers],
            records_read=reading.records, calls_stored=reading.calls, reference_records=reading.reference_records,
            by_type=reading.by_type, evidence=evidence)
    return {"case": case.identifier, "vcf": sv_import.vcf_name, "caller": reading.callers[0].name,
            "callers": [c.name for c in reading.callers], "records_read": reading.records,
            "calls_stored": reading.calls, "reference_records": reading.reference_records,
            "by_type": reading.by_type, "replaced_imports": replaced, "evidence": evidence,
            "national_clusters_touched": len(touched)}
