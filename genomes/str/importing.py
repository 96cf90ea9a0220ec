"""Reading a repeat-expansion VCF into a case: ExpansionHunter (raw or stranger-annotated, per sample or merged
and split per allele) and TRGT (stranger-annotated). All or nothing, through the bounded reader
(genomes.vcf.limits), bad input named by file, record and field; a newer file replaces the case's previous one.

Allele sizes in repeat units: ExpansionHunter's from the ALT alleles ``<STRn>`` (an allele index 0, or ALT ``.``,
is the reference size INFO/REF) by the sample's GT, never from REPCN (whose sub-locus values mislabel the
sub-motifs of RAPGEF2, SAMD12 and TNRC6A); TRGT's from its motif counts (FORMAT/MC) over the motifs the locus's
PathologicStruc names. Calls are keyed by the locus id (INFO/REPID, TRGT's TRID), and take their thresholds from
the loaded catalog (genomes.str.catalog), else from the file's own stranger annotation (STR_NORMAL_MAX,
STR_PATHOLOGIC_MIN), else none (unclassified). The file's STR_STATUS is kept beside the platform's, and a record
whose statuses differ is flagged."""
from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

from django.db import connection, transaction

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from genomes.file_samples import file_columns
from genomes.models import Case, StrCall, StrCatalogLocus, StrImport
from genomes.read_limits import read_limits
from genomes.str.national import str_loci_of_case, str_observations_recount
from genomes.str.status import UNCLASSIFIED, allele_status, person_status, worst
from genomes.variant_identity import GenomeBuild, in_pseudoautosomal_region, normalize_contig

STR_ALT = re.compile(r"^<STR(\d+)>$")
EH_FIELDS = ("SO", "REPCI", "ADSP", "ADFL", "ADIR", "LC")
TRGT_FIELDS = ("AL", "ALLR", "SD", "MC", "AP")


class StrImportError(Exception):
    """A request that cannot be honoured (the message says why)."""


def _info(record, key):
    try:
        value = record.INFO.get(key)
    except KeyError:
        return None
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    return str(value)


def _whole(value, name: str, line: int, field: str) -> int | None:
    if value in (None, "", "."):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputFileError(name, line, field, f"{_text(value)[:30]!r} is not a whole number") from None


def _format_values(record, fields: tuple[str, ...], column: int) -> dict:
    values = {}
    for key in fields:
        try:
            found = record.format(key)
        except KeyError:
            found = None
        if found is None:
            continue
        value = found[column]
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else value
        if isinstance(value, float) and value != value:
            continue
        text = _text(value)
        if text not in ("", ".", "-2147483648"):
            values[key.lower()] = value if isinstance(value, (int, float)) else text
    return values


def _mc_sizes(record, column: int, pathologic: list[int] | None) -> list[int | None]:
    """TRGT: the repeat units of each allele from its motif counts ("12_0"), over the pathologic motifs."""
    try:
        counts = record.format("MC")
    except KeyError:
        return []
    text = _text(counts[column] if counts is not None else "")
    sizes = []
    for allele in text.split(","):
        if allele in ("", "."):
            sizes.append(None)
            continue
        parts = [int(part) for part in allele.split("_") if part.isdigit()]
        chosen = [parts[i] for i in pathologic if i < len(parts)] if pathologic else parts
        sizes.append(sum(chosen))
    return sizes


def _genotype(record, column: int) -> list[int] | None:
    called = record.genotypes[column][:-1]  # cyvcf2: allele indexes, then the phased flag
    called = [a for a in called if a != -2]
    if not called or all(a < 0 for a in called):
        return None
    return called


def read_str_records(vcf, *, name: str, columns: list[int]) -> tuple[list[dict], str, int]:
    """Each record as a dict (locus, place, sizes per file column); the caller; the records read."""
    records, caller, count = [], "", 0
    for line, record in enumerate(vcf, start=1):
        count = line
        locus_id = _text(_info(record, "REPID") or _info(record, "TRID"))
        if not locus_id:
            raise InputFileError(name, line, "INFO/REPID", "missing: a repeat call is keyed by its locus id "
                                                           "(ExpansionHunter's REPID or TRGT's TRID)")
        trgt = _info(record, "TRID") is not None
        caller = caller or ("trgt" if trgt else "expansionhunter")
        reference_size = _whole(_info(record, "REF"), name, line, "INFO/REF") if not trgt else None
        alt_sizes = []
        for alt in record.ALT or []:
            found = STR_ALT.match(alt)
            if trgt:
                alt_sizes.append(None)
            elif found:
                alt_sizes.append(int(found.group(1)))
            else:
                raise InputFileError(name, line, "ALT", f"{alt[:30]!r} is not an <STRn> allele")
        pathologic = None
        struc = _text(_info(record, "PathologicStruc"))
        if struc:
            pathologic = [int(i) for i in re.findall(r"\d+", struc)]
        samples = {}
        for column in columns:
            genotype = _genotype(record, column)
            if genotype is None:
                continue
            # A size per GT slot (None where the slot is not called here: a file split per allele gives a
            # sample's two alleles in two records, "1/." and "./1")
            if trgt:
                measured = iter(_mc_sizes(record, column, pathologic))
                slots = [next(measured, None) if index >= 0 else None for index in genotype]
                details = _format_values(record, TRGT_FIELDS, column)
            else:
                slots = [None if index < 0 else reference_size if index == 0 else
                         alt_sizes[index - 1] if index - 1 < len(alt_sizes) else None for index in genotype]
                details = _format_values(record, EH_FIELDS, column)
            samples[column] = {"gt": "/".join("." if a < 0 else str(a) for a in genotype), "slots": slots,
                               **details}
        statuses = [_text(s) for s in _text(_info(record, "STR_STATUS")).split(",") if _text(s)]
        records.append({
            "line": line, "locus_id": locus_id[:60], "chrom": normalize_contig(record.CHROM), "pos": record.POS,
            "end": _whole(_info(record, "END"), name, line, "INFO/END") or record.POS,
            "motif": _text(_info(record, "RU") or _info(record, "MOTIFS"))[:200], "reference_size": reference_size,
            "alt_sizes": alt_sizes, "samples": samples, "file_status": worst(statuses) if statuses else "",
            "file_normal_max": _whole(_info(record, "STR_NORMAL_MAX"), name, line, "INFO/STR_NORMAL_MAX"),
            "file_pathologic_min": _whole(_info(record, "STR_PATHOLOGIC_MIN"), name, line,
                                          "INFO/STR_PATHOLOGIC_MIN"),
            "disease": _text(_info(record, "Disease"))[:200],
            "inheritance": _text(_info(record, "InheritanceMode"))[:10],
            "hgnc_id": f"HGNC:{_text(_info(record, 'HGNCId'))}" if _info(record, "HGNCId") is not None else ""})
    return records, caller, count


def _gene(locus_id: str, caller: str) -> str:
    """The gene a locus id names: ExpansionHunter's and stranger's ids start with it (RFC1, DAB1_ATTTT1), TRGT's
    end with it (SCA37_DAB1)."""
    parts = locus_id.split("_")
    return parts[-1] if caller == "trgt" and len(parts) > 1 else parts[0]


def str_header_check(path: Path | str, names: set[str]) -> None:
    """Before a case is made: the file reads as a VCF and carries at least one of its people's samples."""
    import cyvcf2

    from genomes.vcf.limits import scan_header

    path = Path(path)
    if not path.is_file():
        raise InputFileError(path.name, None, None, "no such file")
    scan_header(path, read_limits())  # bounded, before htslib reads it
    try:
        reader = cyvcf2.VCF(str(path))
    except Exception as error:  # noqa: BLE001 - cyvcf2 raises bare Exception for header errors
        raise InputFileError(path.name, 1, None, f"not a VCF file ({error})") from None
    samples = list(reader.samples)
    reader.close()
    if not set(samples) & names:
        raise InputFileError(path.name, None, "#CHROM", f"none of the file's samples ({', '.join(samples[:5])}) is in "
                                                        "the pedigree: name them with --sample INDIVIDUAL=COLUMN")


def str_file_import(*, case: Case, path: Path | str, name: str | None = None, sample_map: dict | None = None,
                    by=None, audit: AuditContext | None = None) -> StrImport:
    """Read and store the file, replacing the case's previous repeat calls; all or nothing."""
    from genomes.vcf.header import open_vcf
    from genomes.vcf.limits import GuardedVcf

    path = Path(path)
    name = name or path.name
    _, header = open_vcf(path, build=GenomeBuild(case.genome_build), limits=read_limits())
    columns = file_columns(case, header.samples, name, sample_map or {})
    guarded = GuardedVcf(path, read_limits())
    with guarded.reading() as vcf:
        records, caller, count = read_str_records(vcf, name=name, columns=list(columns))
    catalog = {locus.locus_id: locus for locus in StrCatalogLocus.objects.filter(build=case.genome_build)}
    sexes = {sample.position: sample.individual.sex for sample in columns.values()}
    width = case.samples.count()
    by_locus: OrderedDict[str, list[dict]] = OrderedDict()
    for record in records:
        by_locus.setdefault(record["locus_id"], []).append(record)
    calls, disagreements = [], 0
    for locus_id, locus_records in by_locus.items():
        first = locus_records[0]
        locus = catalog.get(locus_id)
        if locus is not None and locus.normal_max is not None and locus.pathologic_min is not None:
            normal_max, pathologic_min, source = locus.normal_max, locus.pathologic_min, "catalog"
        elif first["file_normal_max"] is not None and first["file_pathologic_min"] is not None:
            normal_max, pathologic_min, source = first["file_normal_max"], first["file_pathologic_min"], "the file"
        else:
            normal_max = pathologic_min = None
            source = "none (a sub-locus or a locus without thresholds)"
        inheritance = (locus.inheritance if locus else "") or first["inheritance"]
        sample_calls: list[dict | None] = [None] * width
        for record in locus_records:
            for column, called in record["samples"].items():
                position = columns[column].position
                found = sample_calls[position]
                if found is None:
                    found = sample_calls[position] = {k: v for k, v in called.items() if k != "slots"}
                    found["slots"] = list(called["slots"])
                else:  # the sample's other allele, from the next record of a split file
                    found["slots"] += [None] * (len(called["slots"]) - len(found["slots"]))
                    for slot, size in enumerate(called["slots"]):
                        if size is not None and found["slots"][slot] is None:
                            found["slots"][slot] = size
                    found["gt"] = "/".join(str(size) if size is not None else "." for size in found["slots"])
        for position, found in enumerate(sample_calls):
            if found is None:
                continue
            found["alleles"] = [size for size in found.pop("slots") if size is not None]
            haploid = (first["chrom"] == "X" and sexes.get(position) == "male"
                       and not in_pseudoautosomal_region(case.genome_build, "X", first["pos"]))
            found["status"] = person_status(found["alleles"], normal_max, pathologic_min, inheritance,
                                            haploid=haploid or len(found["alleles"]) == 1)
        record_rows = []
        for record in locus_records:
            sizes = record["alt_sizes"] or [record["reference_size"]]
            if not record["alt_sizes"] and record["reference_size"] is None:  # TRGT: the samples' alleles
                sizes = [size for called in record["samples"].values() for size in called["slots"] if size is not None]
            platform = worst([allele_status(size, normal_max, pathologic_min) for size in sizes])
            differs = bool(record["file_status"]) and platform != UNCLASSIFIED and platform != record["file_status"]
            disagreements += differs
            record_rows.append({"line": record["line"], "sizes": sizes, "file_status": record["file_status"],
                                "status": platform, "disagreement": differs})
        statuses = [call["status"] for call in sample_calls if call]
        calls.append(StrCall(
            case=case, locus_id=locus_id, chrom=first["chrom"], pos=first["pos"], end=first["end"],
            motif=(locus.motif if locus else "") or first["motif"], reference_size=first["reference_size"],
            normal_max=normal_max, pathologic_min=pathologic_min, thresholds_from=source[:40],
            disease=(locus.disease if locus else "") or first["disease"], inheritance=inheritance,
            gene=_gene(locus_id, caller), hgnc_id=(locus.hgnc_id if locus else "") or first["hgnc_id"],
            status=worst(statuses) if statuses else UNCLASSIFIED,
            file_status=worst([r["file_status"] for r in locus_records if r["file_status"]]) if any(
                r["file_status"] for r in locus_records) else "",
            disagreement=any(row["disagreement"] for row in record_rows), sample_calls=sample_calls,
            records=record_rows, line=first["line"]))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        with connection.cursor() as cursor:
            replaced_loci = str_loci_of_case(cursor, case.pk)
        case.str_imports.filter(is_current=True).update(is_current=False)
        StrCall.objects.filter(case=case).delete()
        str_import = StrImport.objects.create(
            case=case, vcf_name=name[:300], caller=caller or "expansionhunter", genome_build=case.genome_build,
            samples=sorted(sample.position for sample in columns.values()), records_read=count,
            loci_stored=len(calls), disagreements=disagreements, created_by=by)
        for call in calls:
            call.str_import = str_import
        StrCall.objects.bulk_create(calls)
        with connection.cursor() as cursor:
            str_observations_recount(cursor, replaced_loci | {(case.genome_build, call.locus_id) for call in calls})
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="str_import", object_id=str_import.pk,
                     department_code=case.department.code,
                     details={"case": case.pk, "file": name, "records": count, "loci": len(calls)})
    return str_import
