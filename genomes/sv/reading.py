"""Reading structural-variant and copy-number VCFs into calls: one ``StructuralCall`` per record and ALT allele
(XHMM writes ``<DEL>,<DUP>`` in one record), with its type and subtype, coordinates, confidence intervals, mate
(breakends), FILTER and each sample's genotype.

Coordinates follow the VCF 4.x SV conventions: for a deletion, duplication, inversion or copy-number change the
first affected base is POS + 1 (POS is the padding base) and the last is INFO/END; an insertion sits between POS
and POS + 1 (start = end = POS); a breakend is at POS with its mate from the ALT notation (``G]1:9121445]``), or
from CHR2/POS2 (DELLY) or CHR2/END2 (GATK-SV).

Genotypes: copy-number callers (and any sample with CN but no GT) are read from CN against the copies expected at
the site, sex-aware: two on autosomes and in the pseudoautosomal regions, on X one for a male and two for a female,
on Y one for a male and none for a female; fewer copies are a loss (none left: homozygous, or hemizygous where one
was expected), more a gain. Other callers are read from GT; a sample with neither (a tumour-only Manta call with PR
and SR only) carries the call without a stated zygosity."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InputFileError
from genomes.sv.callers import Caller, callers_of
from genomes.variant_identity import in_pseudoautosomal_region, normalize_contig

# Types stored (subtypes keep the detail: INS:ME:ALU, a CPX's CPX_TYPE)
SV_TYPES = ("DEL", "DUP", "CNV", "INV", "INS", "BND", "CPX")
_SYMBOLIC = re.compile(r"^<([A-Z]+)((?::[A-Za-z0-9_]+)*)>$")
_BREAKEND = re.compile(r"[\[\]]([^\[\]:]+):(\d+)[\[\]]")
# MELT's SVTYPE names the element: the call is an insertion of it
_MOBILE_ELEMENTS = {"ALU", "LINE1", "SVA", "HERVK"}


class Zygosity:
    HET, HOM, HEMI, REF, NO_CALL, CALLED = "het", "hom", "hemi", "ref", "no_call", "called"


CARRYING = frozenset({Zygosity.HET, Zygosity.HOM, Zygosity.HEMI, Zygosity.CALLED})


@dataclass
class SampleCall:
    sample: str
    zygosity: str
    gt: str = ""
    cn: int | None = None
    gq: float | None = None          # GQ, or QS for gCNV
    pr: tuple[int, int] | None = None  # paired reads (ref, alt)
    sr: tuple[int, int] | None = None  # split reads (ref, alt)
    ft: str = ""
    pl: tuple[int, ...] | None = None  # genotype likelihoods, phred-scaled (0/0, 0/1, 1/1)

    @property
    def carries(self) -> bool:
        return self.zygosity in CARRYING


@dataclass
class StructuralCall:
    line: int
    chrom: str
    start: int
    end: int
    svtype: str
    subtype: str = ""
    length: int | None = None
    identifier: str = ""
    mate_chrom: str = ""
    mate_pos: int | None = None
    cipos: tuple[int, int] | None = None
    ciend: tuple[int, int] | None = None
    filters: tuple[str, ...] = ()
    quality: float | None = None
    caller: str = ""
    samples: list[SampleCall] = field(default_factory=list)
    info: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.filters or self.filters == ("PASS",)


@dataclass
class SvReading:
    path: str
    callers: list[Caller]
    samples: list[str]
    records: int = 0
    calls: int = 0
    reference_records: int = 0   # records with no ALT allele (gCNV's reference segments): read, not calls
    by_type: dict = field(default_factory=dict)


def expected_copies(chrom: str, pos: int, sex: str | None, build: str) -> int:
    """Copies a person of ``sex`` ('male', 'female', None unknown) has at a site: an unknown sex counts as two
    on X and one on Y, as the national counts do."""
    if chrom not in ("X", "Y") or in_pseudoautosomal_region(build, chrom, pos):
        return 2
    if chrom == "X":
        return 1 if sex == "male" else 2
    return 0 if sex == "female" else 1


def _pair(value) -> tuple[int, int] | None:
    try:
        values = [int(v) for v in value]
    except (TypeError, ValueError):
        return None
    return (values[0], values[1]) if len(values) >= 2 and min(values[:2]) >= 0 else None


def _interval(value) -> tuple[int, int] | None:
    if value is None:
        return None
    values = value if isinstance(value, (tuple, list)) else [value]
    try:
        numbers = [int(v) for v in values]
    except (TypeError, ValueError):
        return None
    return (numbers[0], numbers[1]) if len(numbers) == 2 else None


def _type_of(alt: str, info_type: str | None) -> tuple[str, str]:
    """(type, subtype) of one ALT allele."""
    symbolic = _SYMBOLIC.match(alt)
    if symbolic:
        head, rest = symbolic.group(1), symbolic.group(2)
        subtype = f"{head}{rest}" if rest else ""
        if head in SV_TYPES and (head != "CNV" or not info_type or info_type == "CNV"):
            return head, subtype
    if _BREAKEND.search(alt):
        return "BND", ""
    declared = (info_type or "").upper()
    if declared in _MOBILE_ELEMENTS:
        return "INS", f"INS:ME:{declared}"
    if declared in SV_TYPES:
        return declared, ""
    return "", ""


def _zygosity_from_copies(cn: int, expected: int) -> str:
    if cn == expected:
        return Zygosity.REF
    if cn < expected:
        if cn == 0:
            return Zygosity.HEMI if expected == 1 else Zygosity.HOM
        return Zygosity.HET
    return Zygosity.HEMI if expected == 1 else Zygosity.HET  # a gain: one more copy or several


def _zygosity_from_gt(alleles: list[int], allele_index: int, haploid_site: bool) -> str:
    called = [a for a in alleles if a >= 0]
    if not called:
        return Zygosity.NO_CALL
    carrying = sum(1 for a in called if a == allele_index)
    if carrying == 0:
        return Zygosity.REF
    if len(called) == 1:
        return Zygosity.HEMI if haploid_site else Zygosity.HOM
    if carrying == len(called):
        return Zygosity.HEMI if haploid_site else Zygosity.HOM
    return Zygosity.HET


def _format(record, name: str, index: int):
    try:
        values = record.format(name)
    except KeyError:
        return None
    if values is None:
        return None
    value = values[index]
    return value


def _likelihoods(value) -> tuple[int, ...] | None:
    try:
        values = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        return None
    return values if values and min(values) >= 0 else None


def _first_number(value) -> float | None:
    if value is None:
        return None
    try:
        first = value[0] if hasattr(value, "__len__") and not isinstance(value, (str, bytes)) else value
        number = float(first)
    except (TypeError, ValueError, IndexError):
        return None
    if number != number or number <= -2_000_000_000:  # NaN or htslib's missing-integer sentinel
        return None
    return number


def read_structural_calls(source, *, build: str, sexes: dict[str, str | None] | None = None,
                          caller: Caller | None = None, reading: SvReading | None = None, name: str | None = None
                          ) -> Iterator[StructuralCall]:
    """Every call of the SV VCF ``source`` (a path, or a cyvcf2 reader already open, e.g. through the import's
    bounds); ``reading`` (optional) collects the file's counts as it goes. A record that cannot be read is an
    InputFileError naming ``name`` (the file as the user knows it), the record and the field."""
    import cyvcf2

    vcf = cyvcf2.VCF(str(source)) if isinstance(source, (str, Path)) else source
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "the SV file")
    samples = list(vcf.samples)
    header = vcf.raw_header
    records = iter(vcf)
    head: list = []
    try:
        for record in records:
            head.append(record)
            if len(head) >= 5:
                break
    except Exception as error:  # noqa: BLE001 - htslib's parse errors reach us as bare Exceptions
        raise InputFileError(name, None, None, f"record {len(head) + 1} cannot be read ({error})") from None
    found = [caller] if caller is not None else callers_of(header, [dict(r.INFO) for r in head])
    if reading is not None:
        reading.callers, reading.samples = found, samples
    sexes = sexes or {}

    def all_records():
        yield from head
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except Exception as error:  # noqa: BLE001 - htslib's parse errors reach us as bare Exceptions
                number = (reading.records if reading is not None else 0) + 1
                raise InputFileError(name, None, None, f"record {number} cannot be read ({error})") from None
            yield record

    for line, record in enumerate(all_records(), start=1):
        if reading is not None:
            reading.records += 1
        alts = [a for a in (record.ALT or []) if a not in (".", "")]
        if not alts:
            if reading is not None:
                reading.reference_records += 1
            continue
        for allele_index, alt in enumerate(alts, start=1):
            try:
                call = _call(record, line, alt, allele_index, len(alts), found, samples, sexes, build)
            except (ValueError, TypeError, KeyError) as error:
                raise InputFileError(name, line, "INFO", f"record {record.CHROM}:{record.POS} cannot be read as a "
                                     f"structural call ({error})") from None
            if call is None:
                continue
            if reading is not None:
                reading.calls += 1
                reading.by_type[call.svtype] = reading.by_type.get(call.svtype, 0) + 1
            yield call


def _call(record, line: int, alt: str, allele_index: int, alleles: int, found: list[Caller], samples: list[str],
          sexes: dict, build: str) -> StructuralCall | None:
    info = dict(record.INFO)
    info_type = info.get("SVTYPE")
    svtype, subtype = _type_of(alt, str(info_type) if info_type else None)
    if not svtype:
        return None
    if svtype == "CPX" and info.get("CPX_TYPE"):
        subtype = str(info["CPX_TYPE"])
    chrom, pos = normalize_contig(record.CHROM), record.POS
    end = info.get("END")
    mate_chrom, mate_pos = "", None
    if svtype == "BND":
        start = end = pos
        breakend = _BREAKEND.search(alt)
        if breakend:
            mate_chrom, mate_pos = normalize_contig(breakend.group(1)), int(breakend.group(2))
        elif info.get("CHR2"):
            mate_chrom = normalize_contig(str(info["CHR2"]))
            mate_pos = int(info.get("POS2") or info.get("END2") or 0) or None
        length = None
    elif svtype == "INS":
        start = end = pos
        length = abs(int(info["SVLEN"])) if info.get("SVLEN") not in (None, "") else (
            len(alt) - 1 if not alt.startswith("<") else None)
    else:
        start = pos + 1
        if end is None and alt.startswith("<"):
            end = start  # a symbolic allele without END: its extent is not stated
            length = None
        end = int(end) if end is not None else pos + len(record.REF) - 1
        svlen = info.get("SVLEN")
        if svlen not in (None, ""):
            length = abs(int(svlen if not isinstance(svlen, (tuple, list)) else svlen[0])) or None
        elif not alt.startswith("<") or info.get("END") is not None:
            length = max(end - start + 1, 0) or None
        else:
            length = None
    call = StructuralCall(
        line=line, chrom=chrom, start=start, end=int(end) if end is not None else start, svtype=svtype,
        subtype=subtype, length=length, identifier=record.ID or "", mate_chrom=mate_chrom, mate_pos=mate_pos,
        cipos=_interval(info.get("CIPOS")), ciend=_interval(info.get("CIEND")),
        filters=tuple((record.FILTER or "PASS").split(";")), quality=record.QUAL, caller=found[0].name, info=info)
    format_fields = set(record.FORMAT or [])
    copy_number_caller = found[0].copy_number
    genotypes = record.genotypes if "GT" in format_fields else None
    for index, sample in enumerate(samples):
        sex = sexes.get(sample)
        haploid = expected_copies(chrom, start, sex, build) == 1
        cn_value = _first_number(_format(record, "CN", index)) if "CN" in format_fields else None
        cn = int(cn_value) if cn_value is not None else None
        gt_alleles = list(genotypes[index][:-1]) if genotypes is not None else []
        if cn is not None and (copy_number_caller or not gt_alleles):
            zygosity = _zygosity_from_copies(cn, expected_copies(chrom, start, sex, build))
            if alleles > 1 and zygosity != Zygosity.REF:
                # one record, two alleles (XHMM's <DEL>,<DUP>): a sample carries the one its copies point to
                loss = cn < expected_copies(chrom, start, sex, build)
                if (svtype == "DEL") != loss:
                    zygosity = Zygosity.REF
        elif gt_alleles:
            zygosity = _zygosity_from_gt(gt_alleles, allele_index, haploid)
            if copy_number_caller and zygosity == Zygosity.HOM and len([a for a in gt_alleles if a >= 0]) == 1:
                zygosity = Zygosity.HET  # a CNV caller's one-value GT names the allele, not the copies
        else:
            zygosity = Zygosity.CALLED
        gq = _first_number(_format(record, "GQ", index)) if "GQ" in format_fields else (
            _first_number(_format(record, "QS", index)) if "QS" in format_fields else None)
        ft = _format(record, "FT", index) if "FT" in format_fields else None
        call.samples.append(SampleCall(
            sample=sample, zygosity=zygosity,
            gt="/".join("." if a < 0 else str(a) for a in gt_alleles), cn=cn, gq=gq,
            pr=_pair(_format(record, "PR", index)) if "PR" in format_fields else None,
            sr=_pair(_format(record, "SR", index)) if "SR" in format_fields else None,
            ft=str(ft) if ft not in (None, ".") else "",
            pl=_likelihoods(_format(record, "PL", index)) if "PL" in format_fields else None))
    return call
