"""Reading a mitochondrial VCF into a case, all or nothing through the bounded reader, bad input named by file,
record and field; a newer file replaces the case's previous one.

Heteroplasmy per sample and ALT allele: FORMAT/AF (Mutect2's mitochondria mode, one value per ALT), else
FORMAT/HF (HmtNote, mtDNA-Server), else the allele's reads over all reads (FORMAT/AD); a sample without any of
them is "not measured", never 0. Genotypes are kept as written (haploid ``1``, odd ``0/1/0``): heteroplasmy,
not GT, says how much of the allele a person carries. Multi-allelic sites are split, each ALT with its own
levels. The file's HmtVar, MITOMAP and MitoTIP fields are kept as given; nothing is fetched."""
from __future__ import annotations

from pathlib import Path

from django.db import connection, transaction

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from genomes.file_samples import file_columns
from genomes.models import Case, MtImport, MtVariant
from genomes.mt.genes import mt_genes_at
from genomes.mt.national import mt_alleles_of_case, mt_observations_recount
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


def _record_alleles(record, line: int, columns: dict, width: int, sources: list[str]) -> list[MtVariant]:
    annotations = {}
    for key in ANNOTATION_KEYS:
        try:
            value = record.INFO.get(key)
        except KeyError:
            value = None
        if value not in (None, "", "."):
            annotations[key] = value if isinstance(value, (int, float, str)) else str(value)
    filters = (record.FILTER or "PASS").split(";")
    alleles = []
    for alt_index, alt in enumerate(record.ALT or [], start=1):
        if alt in ("*", ".") or alt.startswith("<"):
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
        alleles.append(MtVariant(
            pos=record.POS, ref=record.REF[:500], alt=alt[:500], filters=filters,
            gene=(str(annotations.get("Locus") or "") or ",".join(mt_genes_at(record.POS, len(record.REF))))[:60],
            sample_calls=calls, annotations=annotations, line=line))
    return alleles


def _store(*, case: Case, name: str, source: str, columns: dict, count: int, variants: list[MtVariant],
           sources: list[str], by, audit: AuditContext | None) -> MtImport:
    with transaction.atomic(), connection.cursor() as cursor:
        replaced = mt_alleles_of_case(cursor, case.pk)
        case.mt_imports.filter(is_current=True).update(is_current=False)
        MtVariant.objects.filter(case=case).delete()
        mt_import = MtImport.objects.create(
            case=case, vcf_name=name[:300], source=source, samples=sorted(s.position for s in columns.values()),
            records_read=count, alleles_stored=len(variants), created_by=by,
            heteroplasmy_from=", ".join(sorted({f"FORMAT/{s}" for s in sources})) or "not measured")
        for variant in variants:
            variant.case = case
            variant.mt_import = mt_import
        MtVariant.objects.bulk_create(variants)
        mt_observations_recount(cursor, replaced | {(v.pos, v.ref, v.alt) for v in variants})
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="mt_import", object_id=mt_import.pk,
                     department_code=case.department.code,
                     details={"case": case.pk, "file": name, "source": source, "records": count,
                              "alleles": len(variants)})
    return mt_import


def mt_file_import(*, case: Case, path: Path | str, name: str | None = None, sample_map: dict | None = None,
                   by=None, audit: AuditContext | None = None) -> MtImport:
    """A mitochondrial VCF (every record on chrM/MT, or the file is refused, naming the first other record)."""
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
            variants += _record_alleles(record, line, columns, width, sources)
    return _store(case=case, name=name, source=MtImport.Source.MT_VCF, columns=columns, count=count,
                  variants=variants, sources=sources, by=by, audit=audit)


def main_vcf_mt_import(case_import, *, by=None, audit: AuditContext | None = None) -> MtImport | None:
    """The chrM/MT records of a case's main (small-variant) VCF, read into the mitochondrial tab after the main
    import has read and checked the file: heteroplasmy from FORMAT/AF, HF or AD as for a mitochondrial file. A
    dedicated mitochondrial file (import_case --mt-vcf, import_variants --kind mt) is the better source and is not
    replaced; the main file's earlier chrM records are (a replaced main VCF takes its chrM records with it).
    Returns the import, or None when the file has no chrM records or a dedicated file is in place."""
    import cyvcf2

    case = case_import.case
    if case.mt_imports.filter(is_current=True, source=MtImport.Source.MT_VCF).exists():
        return None
    path = Path(case_import.vcf_path)
    name = case_import.vcf_name or path.name
    from genomes.vcf.htslib_messages import htslib_messages

    # the main import has reported the header's htslib warnings already: not again on the terminal
    with htslib_messages([]):
        vcf = cyvcf2.VCF(str(path), lazy=True, threads=1)
    try:
        samples = {s.vcf_sample_name: s for s in case.samples.all()}
        columns = {i: samples[column] for i, column in enumerate(vcf.samples) if column in samples}
        width = case.samples.count()
        mt_names = [contig for contig in vcf.seqnames if normalize_contig(contig) in MT_CONTIGS] \
            if _indexed(path) else []
        variants, sources, count = [], [], 0
        if _indexed(path):
            # the index answers which records are on chrM without reading the rest of the genome again
            records = (record for contig in mt_names for record in vcf(contig))
        elif _stored_on_mt(case):
            records = (record for record in vcf if normalize_contig(record.CHROM) in MT_CONTIGS)
        else:
            records = iter(())
        for count, record in enumerate(records, start=1):
            variants += _record_alleles(record, record.POS, columns, width, sources)
    finally:
        vcf.close()
    if not count:
        with transaction.atomic(), connection.cursor() as cursor:
            earlier = case.mt_imports.filter(is_current=True, source=MtImport.Source.MAIN_VCF)
            if earlier.exists():
                replaced = mt_alleles_of_case(cursor, case.pk)
                MtVariant.objects.filter(case=case).delete()
                earlier.update(is_current=False)
                mt_observations_recount(cursor, replaced)
        return None
    return _store(case=case, name=name, source=MtImport.Source.MAIN_VCF, columns=columns, count=count,
                  variants=variants, sources=sources, by=by, audit=audit)


def _indexed(path: Path) -> bool:
    return any(path.with_name(path.name + suffix).exists() for suffix in (".tbi", ".csi"))


def _stored_on_mt(case: Case) -> bool:
    from genomes.models import CaseVariant

    return CaseVariant.objects.filter(case=case, variant__chrom="MT").exists()
