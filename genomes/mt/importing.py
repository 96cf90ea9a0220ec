"""Reading a mitochondrial VCF into a case, all or nothing through the bounded reader, bad input named by file,
record and field; a newer file replaces the case's previous one.

Heteroplasmy per sample and ALT allele: FORMAT/AF (Mutect2's mitochondria mode, one value per ALT), else
FORMAT/HF (HmtNote, mtDNA-Server), else the allele's reads over all reads (FORMAT/AD); a sample without any of
them is "not measured", never 0. Genotypes are kept as written (haploid ``1``, odd ``0/1/0``): heteroplasmy,
not GT, says how much of the allele a person carries. Multi-allelic sites are split, each ALT with its own
levels. The file's HmtVar, MITOMAP and MitoTIP fields are kept as given; nothing is fetched."""
from __future__ import annotations

from pathlib import Path

from django.db import transaction

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from genomes.file_samples import file_columns
from genomes.models import Case, MtImport, MtVariant
from genomes.read_limits import read_limits
from genomes.variant_identity import GenomeBuild, normalize_contig

ANNOTATION_KEYS = ("Locus", "AaChange", "Pathogenicity", "DiseaseScore", "HmtVar", "MitomapAssociatedDiseases",
                   "MitomapHeteroplasmy", "MitomapHomoplasmy", "MitoTIP", "MitoTip", "MITOMAP", "Clinvar",
                   "dbSNP", "AlleleFreqH", "AlleleFreqP")
MT_CONTIGS = {"MT", "M"}


def _values(record, key: str, column: int):
    try:
        found = record.format(key)
    except KeyError:
        return None
    if found is None:
        return None
    value = found[column]
    return value.tolist() if hasattr(value, "tolist") else value


def _number(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number or number < -1e30 else number


def _level(record, column: int, alt_index: int, source: list[str]) -> tuple[float | None, str]:
    """(heteroplasmy of ALT ``alt_index`` (1-based), where it came from)."""
    for key in ("AF", "HF"):
        values = _values(record, key, column)
        if values is None:
            continue
        values = values if isinstance(values, list) else [values]
        level = _number(values[alt_index - 1]) if alt_index - 1 < len(values) else None
        if level is not None:
            source.append(key)
            return round(level, 4), f"FORMAT/{key}"
    depths = _values(record, "AD", column)
    if isinstance(depths, list) and len(depths) > alt_index:
        reads = [_number(d) for d in depths]
        if all(r is not None and r >= 0 for r in reads) and sum(reads) > 0:
            source.append("AD")
            return round(reads[alt_index] / sum(reads), 4), "FORMAT/AD"
    return None, "not measured"


def _gt(record, column: int) -> str:
    called = [a for a in record.genotypes[column][:-1] if a != -2]
    return "/".join("." if a < 0 else str(a) for a in called) or "."


def mt_file_import(*, case: Case, path: Path | str, name: str | None = None, sample_map: dict | None = None,
                   by=None, audit: AuditContext | None = None) -> MtImport:
    from genomes.vcf.header import open_vcf
    from genomes.vcf.limits import GuardedVcf

    path = Path(path)
    name = name or path.name
    vcf, header = open_vcf(path, build=GenomeBuild(case.genome_build), limits=read_limits())
    vcf.close()
    columns = file_columns(case, header.samples, name, sample_map or {})
    width = case.samples.count()
    variants, sources, count = [], [], 0
    with GuardedVcf(path, read_limits()).reading() as reader:
        for line, record in enumerate(reader, start=1):
            count = line
            if normalize_contig(record.CHROM) not in MT_CONTIGS:
                raise InputFileError(name, line, "CHROM", f"{record.CHROM} is not the mitochondrial genome")
            annotations = {}
            for key in ANNOTATION_KEYS:
                try:
                    value = record.INFO.get(key)
                except KeyError:
                    value = None
                if value not in (None, "", "."):
                    annotations[key] = value if isinstance(value, (int, float, str)) else str(value)
            filters = (record.FILTER or "PASS").split(";")
            for alt_index, alt in enumerate(record.ALT or [], start=1):
                if alt in ("*", "."):
                    continue
                calls: list[dict | None] = [None] * width
                for column, sample in columns.items():
                    gt = _gt(record, column)
                    level, source = _level(record, column, alt_index, sources)
                    if level is None and gt in (".", "./.", "."):
                        continue
                    depth = _number(_values(record, "DP", column))
                    calls[sample.position] = {"gt": gt, "heteroplasmy": level, "source": source,
                                              **({"depth": int(depth)} if depth is not None else {})}
                variants.append(MtVariant(
                    case=case, pos=record.POS, ref=record.REF[:500], alt=alt[:500], filters=filters,
                    gene=str(annotations.get("Locus", ""))[:60], sample_calls=calls, annotations=annotations,
                    line=line))
    with transaction.atomic():
        case.mt_imports.filter(is_current=True).update(is_current=False)
        MtVariant.objects.filter(case=case).delete()
        mt_import = MtImport.objects.create(
            case=case, vcf_name=name[:300], samples=sorted(s.position for s in columns.values()),
            records_read=count, alleles_stored=len(variants), created_by=by,
            heteroplasmy_from=", ".join(sorted({f"FORMAT/{s}" for s in sources})) or "not measured")
        for variant in variants:
            variant.mt_import = mt_import
        MtVariant.objects.bulk_create(variants)
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="mt_import", object_id=mt_import.pk,
                     department_code=case.department.code,
                     details={"case": case.pk, "file": name, "records": count, "alleles": len(variants)})
    return mt_import
