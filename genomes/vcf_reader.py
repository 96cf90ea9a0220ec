"""Reading VEP-annotated VCFs into case-variant rows, with the statistics QC needs.

cyvcf2 (htslib) reads plain, gzip and bgzip files. Each record is split into one
row per ALT allele; alleles get their identity from genomes.variant_identity;
consequences come from genomes.annotation; frequencies, ClinVar and scores from
the configured INFO fields (genomes.variant_fields), falling back to the
consequence annotation. Rows that the retention policy does not keep are only
counted.

Errors name the file, the line and the field. htslib reports parse errors on
stderr without a position, so when it fails we read the offending line again
in Python and say what is wrong with it.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cyvcf2
import numpy as np

from genomes.annotation import (
    AnnotationHeaderError, ConsequenceFormat, consequences_for_alt, parse_consequences,
)
from genomes.consequences import CONSEQUENCE_IMPACT, highest_impact, worst_consequence
from genomes.errors import InputFileError
from genomes.variant_fields import PATHOGENIC_TERMS, normalize_clinvar, spliceai_max
from genomes.variant_identity import (
    CONTIG_LENGTHS, GenomeBuild, VariantIdentityError, build_from_header, contig_index, is_primary_contig,
    is_sequence_allele, normalize_contig, trim_alleles,
)

_SINGLE_BASES = frozenset("ACGTN")
INTERGENIC_TERMS = frozenset({"intergenic_variant", "intergenic_region"})
GENOTYPE_MISSING, GENOTYPE_HOM_REF, GENOTYPE_HET, GENOTYPE_HOM_ALT, GENOTYPE_HET_OTHER_ALT = -1, 0, 1, 2, 3
TRANSITIONS = {("A", "G"), ("G", "A"), ("C", "T"), ("T", "C")}
_INT32_MISSING = -2147483648


class VcfInputError(InputFileError):
    pass


@dataclass
class VcfHeader:
    path: str
    samples: list[str]
    build: GenomeBuild
    build_evidence: str
    annotation: ConsequenceFormat | None
    header_lines: int
    contigs: dict[str, int | None]
    info_ids: set[str]
    format_ids: set[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def annotation_source(self) -> str:
        return self.annotation.info_key if self.annotation else ""


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def estimate_record_count(path: Path | str, *, sample_bytes: int = 4 << 20) -> int | None:
    """Roughly how many records a VCF holds, from its first few MB, for a progress bar's ETA.

    Handles bgzip (many gzip members) and plain files; the estimate is the file's
    size times the records per (compressed) byte seen in the sample.
    """
    import os
    import zlib

    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        compressed = handle.read(sample_bytes)
    if compressed[:2] == b"\x1f\x8b":
        text, rest = bytearray(), compressed
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                text += inflater.decompress(rest)
            except zlib.error:
                break
            rest = inflater.unused_data
    else:
        text = compressed
    lines = bytes(text).split(b"\n")
    data_lines = [line for line in lines[:-1] if line and not line.startswith(b"#")]
    header_bytes = sum(len(line) + 1 for line in lines[:-1] if line.startswith(b"#"))
    if not data_lines:
        return None
    if len(compressed) >= size:  # the sample was the whole file
        return len(data_lines)
    data_bytes = sum(len(line) + 1 for line in data_lines)
    ratio = len(text) / len(compressed)  # uncompressed bytes per file byte
    return max(len(data_lines), int((size * ratio - header_bytes) / (data_bytes / len(data_lines))))


def open_vcf(path: Path | str, *, build: GenomeBuild | None = None) -> tuple[cyvcf2.VCF, VcfHeader]:
    """Open a VCF and read its header: samples, genome build, consequence annotation.

    An explicit ``build`` overrides the header, unless the header's contig
    lengths contradict it (a GRCh37 file declared as GRCh38 is a wrong build).
    """
    source = str(path)
    if not Path(path).is_file():
        raise VcfInputError(source, None, None, "no such file")
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if not magic:
        raise VcfInputError(source, None, None, "the file is empty")
    try:
        # Not lazy=True: with it, cyvcf2 0.35 crashes on record.FORMAT.
        vcf = cyvcf2.VCF(source, gts012=False)
    except (OSError, Exception) as exc:  # cyvcf2 raises bare Exception for some header errors
        raise VcfInputError(source, 1, None, f"not a VCF file ({_describe(exc)})") from None
    raw_header = vcf.raw_header
    if not raw_header.startswith("##fileformat=VCF"):
        raise VcfInputError(source, 1, "##fileformat", "not a VCF file: the first line must be ##fileformat=VCFv4.x")
    header_lines = raw_header.count("\n")
    info_ids, format_ids = set(), set()
    try:
        contigs: dict[str, int | None] = {name: (length or None) for name, length in zip(vcf.seqnames, vcf.seqlens)}
    except (AttributeError, ValueError):  # no ##contig lines: htslib has no sequence dictionary
        contigs = {}
    for record in vcf.header_iter():
        kind = record["HeaderType"]
        if kind == "INFO":
            info_ids.add(record["ID"])
        elif kind == "FORMAT":
            format_ids.add(record["ID"])
    header_text_lines = raw_header.splitlines()
    try:
        detected, evidence = build_from_header(contigs, header_text_lines)
    except VariantIdentityError as exc:
        raise VcfInputError(source, None, "header", str(exc)) from None
    if build is not None:
        if detected is not None and detected != build and evidence.startswith("contig lengths"):
            raise VcfInputError(source, None, "##contig",
                                f"wrong genome build: {build} was asked for, but the header's contig lengths are {detected}")
        chosen, evidence = build, "given explicitly" + (f" (header agrees: {evidence})" if detected == build else "")
    elif detected is None:
        raise VcfInputError(source, None, "header",
                            "the genome build cannot be read from the header (no contig lengths or reference "
                            "lines); give it explicitly (--build GRCh37|GRCh38)")
    else:
        chosen = detected
    annotation, warnings = None, []
    for key in ("CSQ", "ANN"):
        if key in info_ids:
            try:
                annotation = ConsequenceFormat.from_description(key, vcf.get_header_type(key)["Description"])
            except AnnotationHeaderError as exc:
                raise VcfInputError(source, None, f"##INFO/{key}", str(exc)) from None
            break
    if annotation is None:
        found = ", ".join(k for k in ("BCSQ",) if k in info_ids)
        warnings.append("no VEP CSQ or SnpEff ANN consequence annotation in the header"
                        + (f" (found {found})" if found else "") + ": variants are stored unannotated")
    return vcf, VcfHeader(source, list(vcf.samples), chosen, evidence, annotation, header_lines, contigs,
                          info_ids, format_ids, warnings)


def _describe(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__


@dataclass
class ReadPolicy:
    """What the reader keeps, and how it reads the pipeline's fields."""

    sample_columns: list[int]                  # VCF column of each case sample, in Sample.position order
    info_fields: dict[str, tuple[str, ...]]    # our name -> INFO ids to try (genomes.variant_fields)
    retention_max_popmax: float | None = 0.05  # None keeps everything
    somatic: bool = False
    trio: tuple[int, int, int] | None = None   # positions of proband, father, mother for Mendelian checks


@dataclass
class ReadStatistics:
    records: int = 0
    alleles: int = 0
    kept: int = 0
    skipped: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)
    by_consequence: Counter = field(default_factory=Counter)
    transitions: int = 0
    transversions: int = 0
    het: list[int] = field(default_factory=list)
    hom_alt: list[int] = field(default_factory=list)
    x_het: list[int] = field(default_factory=list)
    x_hom_alt: list[int] = field(default_factory=list)
    mendelian_sites: int = 0
    mendelian_errors: int = 0

    def as_dict(self) -> dict:
        tv = self.transversions
        return {
            "records": self.records, "alleles": self.alleles, "kept": self.kept,
            "skipped": dict(self.skipped), "by_type": dict(self.by_type),
            "by_consequence": dict(self.by_consequence.most_common()),
            "ti_tv": round(self.transitions / tv, 3) if tv else None,
            "het": self.het, "hom_alt": self.hom_alt, "x_het": self.x_het, "x_hom_alt": self.x_hom_alt,
            "mendelian_sites": self.mendelian_sites, "mendelian_errors": self.mendelian_errors,
            "transitions": self.transitions, "transversions": self.transversions,
        }

    def merge(self, other: dict) -> None:
        """Add the as_dict() of another part of the same file (parallel import)."""
        for name in ("records", "alleles", "kept", "transitions", "transversions", "mendelian_sites",
                     "mendelian_errors"):
            setattr(self, name, getattr(self, name) + other[name])
        for name in ("skipped", "by_type", "by_consequence"):
            getattr(self, name).update(other[name])
        for name in ("het", "hom_alt", "x_het", "x_hom_alt"):
            mine = getattr(self, name)
            setattr(self, name, [a + b for a, b in zip(mine, other[name])] if mine else list(other[name]))


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format (NULL is \\N; backslash, tab and newlines escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return _copy_text(_array_literal(value))
    return str(value).translate(_COPY_ESCAPES)


def _array_literal(values: list) -> str:
    parts = []
    for value in values:
        if value is None:
            parts.append("NULL")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            parts.append(repr(value))
        else:  # quoted, so commas, braces, spaces and the word NULL stay text
            parts.append('"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(parts) + "}"


# Columns of genomes_importstaging (migration genomes 0004) in the order staging_line writes them.
STAGING_COLUMNS = (
    "import_id", "key_md5", "xpos", "chrom", "pos", "ref", "alt", "variant_type", "filter", "quality", "rsid",
    "genes", "gene_ids", "consequences", "worst_consequence", "impact", "is_annotated", "gnomad_af", "gnomad_popmax",
    "clinvar", "cadd_phred", "revel", "spliceai", "transcripts", "genotypes", "genotype_quality", "depth",
    "ref_reads", "alt_reads", "allele_fraction",
)


def staging_line(build: str, row: tuple, prefix: str = "") -> str:
    """A reader row as one line of COPY text for the staging columns (identity digest and xpos first).

    Hand-formatted, column by column for the types the reader yields: psycopg's per-value adaptation of
    ~30 columns (arrays, JSON) cost ~110 us a row, and a generic formatter (_copy_text) ~60 us; this ~20 us.
    tests/genomes/test_variant_fields.py checks it against _copy_text.
    """
    (chrom, pos, ref, alt, kind, filter_value, quality, rsid, genes, gene_ids, consequences, worst, impact,
     annotated, frequency, popmax, clinvar, cadd, revel, spliceai, transcripts, genotypes, quals, depths,
     ref_reads, alt_reads, fractions) = row
    xpos_base = _XPOS_BASE.get(chrom)
    if xpos_base is None:
        xpos_base = _XPOS_BASE[chrom] = contig_index(chrom) * 1_000_000_000
    digest = hashlib.md5(f"{build}-{chrom}-{pos}-{ref}-{alt}".encode()).hexdigest()  # as key_md5(), as text
    transcript_json = _JSON.encode(transcripts)
    if "\\" in transcript_json:  # JSON's own escapes: COPY text escapes the backslash again
        transcript_json = transcript_json.translate(_COPY_ESCAPES)
    return "\t".join((
        f"{prefix}{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}",
        str(xpos_base + pos), chrom, str(pos), ref, alt, kind,
        _plain_text(filter_value), _number_text(quality), _plain_text(rsid), _text_array(genes),
        _text_array(gene_ids), _text_array(consequences), _plain_text(worst), _plain_text(impact),
        "t" if annotated else "f", _number_text(frequency), _number_text(popmax), _text_array(clinvar),
        _number_text(cadd), _number_text(revel), _number_text(spliceai), transcript_json,
        _number_array(genotypes), _number_array(quals), _number_array(depths), _number_array(ref_reads),
        _number_array(alt_reads), _number_array(fractions),
    )) + "\n"


_JSON = json.JSONEncoder(separators=(",", ":"))
_XPOS_BASE: dict[str, int] = {}  # contig -> its xpos offset (genomes.variant_identity.contig_index * 1e9)


def _plain_text(value) -> str:
    if value is None:
        return "\\N"
    if not isinstance(value, str):
        return _copy_text(value)
    return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value


def _number_text(value) -> str:
    return "\\N" if value is None else repr(value) if type(value) in _NUMBER_TYPES else _copy_text(value)


def _number_array(values: list) -> str:
    """An array of Python ints and floats (what the reader yields for genotypes, depths and fractions)."""
    return "{" + ",".join(["NULL" if v is None else repr(v) for v in values]) + "}"


_NUMBER_TYPES = (int, float)


def _text_array(values: list) -> str:
    if not values:
        return "{}"
    if all(type(v) is str for v in values) and not _NEEDS_ARRAY_ESCAPE.search("".join(values)):
        return '{"' + '","'.join(values) + '"}'
    return _copy_text(values)


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_NEEDS_ARRAY_ESCAPE = re.compile(r'[\\\t\n\r"]')


def variant_type(ref: str, alt: str) -> str:
    if len(ref) == len(alt):
        return "snv" if len(ref) == 1 else "mnv"
    if len(ref) == 1:
        return "ins"
    if len(alt) == 1:
        return "del"
    return "indel"


def key_md5(build: str, chrom: str, pos: int, ref: str, alt: str) -> uuid.UUID:
    return uuid.UUID(bytes=hashlib.md5(f"{build}-{chrom}-{pos}-{ref}-{alt}".encode()).digest())


def _first_present(candidates: tuple[str, ...], info_ids: set[str]) -> str | None:
    return next((name for name in candidates if name in info_ids), None)


def _per_allele(value, alt_index: int):
    """INFO values with Number=A come as tuples for multi-allelic records."""
    if isinstance(value, tuple):
        return value[alt_index - 1] if len(value) >= alt_index else None
    return value


def _as_float(value) -> float | None:
    """A number from INFO or a text field. htslib returns Float INFO values as float32: keep the 7
    significant digits float32 carries, so 0.001 stays 0.001 rather than 0.0010000000474974513."""
    if value is None or value == "." or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return float(f"{number:.7g}") if isinstance(value, float) else number


class VcfReader:
    """Iterates the rows to store for one VCF; statistics accumulate in ``statistics``."""

    def __init__(self, vcf: cyvcf2.VCF, header: VcfHeader, policy: ReadPolicy, *, screened: bool = False):
        """``screened``: the records come through the record screen (genomes.screen), which has already
        tried the fast path's decision on each; the full path decides and counts alike."""
        self.vcf, self.header, self.policy = vcf, header, policy
        self.fast_path = not screened
        self.statistics = ReadStatistics()
        n = len(policy.sample_columns)
        for counts in ("het", "hom_alt", "x_het", "x_hom_alt"):
            setattr(self.statistics, counts, [0] * n)
        self.column_list = list(policy.sample_columns)
        self.trio_columns = [policy.sample_columns[i] for i in policy.trio] if policy.trio else []
        self._worst_cache: dict[tuple, str] = {}
        self._patterns: dict[tuple, int] = {}
        self.info = {ours: _first_present(candidates, header.info_ids)
                     for ours, candidates in policy.info_fields.items()}
        self.lengths = CONTIG_LENGTHS[header.build]
        self._contig_cache: dict[str, str | None] = {}

    def _contig(self, raw: str, line: int) -> str | None:
        """Canonical primary contig, None for a declared non-primary one (skipped); error for unknown ones."""
        if raw in self._contig_cache:
            return self._contig_cache[raw]
        contig = normalize_contig(raw)
        if is_primary_contig(contig):
            result = contig
        elif raw in self.header.contigs or (not self.header.contigs and not contig.isdigit()):
            result = None  # unplaced, decoy, alt or HLA contig declared by the header: not analysed
        else:
            raise VcfInputError(self.header.path, line, "CHROM",
                                f"contig {raw!r} is not part of {self.header.build} (nor declared in the header)")
        self._contig_cache[raw] = result
        return result

    def rows(self, *, line_numbers: bool = True) -> Iterator[tuple]:
        """Rows to store. ``line_numbers=False`` when reading a part of the file (parallel import):
        errors then name the record's position instead of its line."""
        path, stats = self.header.path, self.statistics
        line = self.header.header_lines
        iterator = iter(self.vcf)
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                self._tally_patterns()
                break
            except Exception as exc:
                if not line_numbers:
                    raise VcfInputError(path, None, None, f"malformed record ({_describe(exc)})") from None
                raise diagnose_failure(path, line + 1, len(self.header.samples), exc) from None
            line += 1
            stats.records += 1
            if stats.records % 100_000 == 0:
                self._tally_patterns()  # keeps the per-sample figures current for long reads
            try:
                yield from self._record_rows(record, line if line_numbers else None)
            except VcfInputError as error:
                if line_numbers:
                    raise
                raise VcfInputError(path, None, error.field,
                                    f"{error.problem} (record at {record.CHROM}:{record.POS})") from None

    def _record_rows(self, record, line: int) -> Iterator[tuple]:
        stats, policy = self.statistics, self.policy
        contig = self._contig(record.CHROM, line)
        alts = record.ALT
        if contig is None:
            stats.skipped["non_primary_contig"] += max(1, len(alts))
            return
        ref = record.REF
        if not is_sequence_allele(ref):
            raise VcfInputError(self.header.path, line, "REF", f"{ref!r} is not a sequence of A, C, G, T, N")
        pos = record.POS
        if pos + len(ref) - 1 > self.lengths[contig]:
            raise VcfInputError(self.header.path, line, "POS",
                                f"{pos:,} is beyond the end of {record.CHROM} in {self.header.build} "
                                f"({self.lengths[contig]:,} bp): wrong genome build?")
        if not alts:
            stats.skipped["no_alt"] += 1
            return
        if "GT" not in record.FORMAT:
            raise VcfInputError(self.header.path, line, "FORMAT", "no GT: every record needs genotypes")
        if self.fast_path and len(alts) == 1 and self._discarded_quickly(record, contig, ref, alts[0]):
            return
        # numpy's arrays as Python lists once: indexing numpy scalars one by one costs more than the row.
        genotype_rows = record.genotype.array().tolist()
        columns = self.column_list
        alleles = [genotype_rows[c][:-1] for c in columns]  # the last item is the phasing flag
        formats = set(record.FORMAT)
        allele_depths = _allele_depth_matrix(record, len(alts) + 1) if "AD" in formats else None
        variant_depths = record.format("VD") if "VD" in formats else None
        somatic_af = record.format("AF") if policy.somatic and "AF" in formats else None
        # FORMAT/DP itself: cyvcf2's gt_depths answers -1 for some callers' records that do carry DP.
        depths = _sample_depths(record, columns) if "DP" in formats else [-1] * len(columns)
        quals = _sample_qualities(record, columns) if "GQ" in formats else None
        annotation = self.header.annotation
        consequences = (parse_consequences(record.INFO.get(annotation.info_key), annotation)
                        if annotation else [])
        filter_value = record.FILTER or "PASS"
        quality = record.QUAL
        for alt_index, alt in enumerate(alts, start=1):
            stats.alleles += 1
            if alt == "*" or not is_sequence_allele(alt):
                stats.skipped["symbolic_or_spanning_deletion"] += 1
                continue
            t_pos, t_ref, t_alt = trim_alleles(pos, ref, alt)
            if t_ref == t_alt:
                stats.skipped["alt_equals_ref"] += 1
                continue
            kind = self._count_allele(t_ref, t_alt)
            allele_consequences = consequences_for_alt(consequences, ref=ref, alts=alts, alt_index=alt_index)
            terms = {term for c in allele_consequences for term in c.consequences}
            worst = worst_consequence(terms)
            stats.by_consequence[worst or ("unannotated" if not annotation else "none")] += 1
            genotypes = self._genotypes(alleles, alt_index)
            self._count_genotypes(genotypes, contig, filter_value == "PASS" and _confident(quals), None)
            frequency, popmax = self._population(record, alt_index, allele_consequences)
            clinvar = normalize_clinvar(_per_allele(record.INFO.get(self.info["clinvar"]), alt_index)
                                        if self.info["clinvar"] else None)
            if not clinvar:
                clinvar = normalize_clinvar([t for c in allele_consequences for t in c.clin_sig])
            if not self._retained(frequency, popmax, clinvar):
                stats.skipped["common_by_retention_policy"] += 1
                continue
            stats.kept += 1
            # SnpEff names the flanking gene pair ("GENE1-GENE2") on intergenic entries: not a gene.
            genic = [c for c in allele_consequences if not INTERGENIC_TERMS.issuperset(c.consequences)]
            ref_reads, alt_reads, fractions = self._reads(allele_depths, variant_depths, somatic_af, depths, alt_index)
            yield (
                contig, t_pos, t_ref, t_alt, kind, filter_value, _as_float(quality),
                self._rsid(record, allele_consequences),
                sorted({c.symbol for c in genic if c.symbol}),
                sorted({c.gene_id for c in genic if c.gene_id}),
                sorted(terms), worst,
                highest_impact(c.impact or CONSEQUENCE_IMPACT.get(worst_consequence(c.consequences), "")
                               for c in allele_consequences),
                bool(annotation), frequency, popmax, list(clinvar),
                self._score(record, "cadd_phred", alt_index, [c.cadd_phred for c in allele_consequences]),
                self._score(record, "revel", alt_index, [c.revel for c in allele_consequences]),
                self._spliceai(record, allele_consequences),
                [_transcript(c) for c in allele_consequences],
                genotypes,
                [None] * len(genotypes) if quals is None
                else [None if q < 0 else int(min(q, 32767)) for q in quals],
                [None if d < 0 else int(d) for d in depths],  # htslib's missing is a large negative
                ref_reads, alt_reads, fractions,
            )

    def _discarded_quickly(self, record, contig: str, ref: str, alt: str) -> bool:
        """The fast path for the ~94% of WGS records a retention policy drops.

        Decides from a few INFO fields (or the first consequence entry) before
        any full consequence parsing, and counts the record's QC statistics from
        the full path's genotype codes. Returns False whenever it is not certain the
        record is dropped; the full path then decides (and counts) as usual.
        """
        threshold = self.policy.retention_max_popmax
        # Plain upper-case alleles only: lower case, ALT = REF and symbolic alleles are the full path's to
        # decide (it counts "a>G" as a transition and skips ALT = REF).
        if threshold is None or ref == alt or not (_SINGLE_BASES.issuperset(ref) and _SINGLE_BASES.issuperset(alt)):
            return False
        annotation = self.header.annotation
        csq = record.INFO.get(annotation.info_key) if annotation else None
        observed = None
        if self.info["gnomad_popmax"]:
            observed = _as_float(record.INFO.get(self.info["gnomad_popmax"]))
        if observed is None and self.info["gnomad_af"] and not (annotation and annotation.has("max_af")):
            observed = _as_float(record.INFO.get(self.info["gnomad_af"]))
        if observed is None and csq and annotation.has("max_af"):
            first = csq.split(",", 1)[0].split("|")
            index = annotation.index["max_af"]
            observed = _as_float(first[index]) if index < len(first) else None
            if observed is None and self.info["gnomad_af"]:
                return False  # the full path's order of fallbacks decides this one
        if observed is None or observed <= threshold:
            return False
        if self.info["clinvar"] and PATHOGENIC_TERMS.intersection(normalize_clinvar(record.INFO.get(self.info["clinvar"]))):
            return False
        if csq and "athogenic" in csq:  # a (likely) pathogenic CLIN_SIG inside the annotation
            return False
        if len(ref) == 1 and len(alt) == 1:  # SNVs need no trimming
            t_ref, t_alt = ref, alt
        else:
            t_pos, t_ref, t_alt = trim_alleles(record.POS, ref, alt)
            if t_ref == t_alt:
                return False
        stats = self.statistics
        stats.alleles += 1
        self._count_allele(t_ref, t_alt)
        if annotation:
            stats.by_consequence[self._worst_of_annotation(csq) or "none"] += 1
        else:
            stats.by_consequence["unannotated"] += 1
        # The full path's genotype codes (cyvcf2's gt_types reads half-missing calls and a second ALT otherwise).
        genotype_rows = record.genotype.array().tolist()
        genotypes = self._genotypes([genotype_rows[c][:-1] for c in self.column_list], 1)
        self._count_genotypes(genotypes, contig, None, record)
        stats.skipped["common_by_retention_policy"] += 1
        return True

    def _count_allele(self, ref: str, alt: str) -> str:
        """Count a trimmed allele by type, and SNVs as transitions or transversions; returns the type."""
        stats = self.statistics
        kind = variant_type(ref, alt)
        stats.by_type[kind] += 1
        if kind == "snv":
            if (ref, alt) in TRANSITIONS:
                stats.transitions += 1
            else:
                stats.transversions += 1
        return kind

    def _worst_of_annotation(self, csq: str | None) -> str:
        if not csq:
            return ""
        index = self.header.annotation.index["consequence"]
        fields = tuple(entry.split("|", index + 1)[index] for entry in csq.split(","))
        worst = self._worst_cache.get(fields)
        if worst is None:
            worst = worst_consequence({term for f in fields for term in f.split("&")})
            self._worst_cache[fields] = worst
        return worst

    @staticmethod
    def _genotypes(alleles: list[list[int]], alt_index: int) -> list[int]:
        """Genotype codes of the case samples' allele lists (cyvcf2's: -1 missing, -2 vector end) for one ALT."""
        codes = []
        for sample_alleles in alleles:
            code = _BIALLELIC_GENOTYPES.get(tuple(sample_alleles)) if alt_index == 1 else None
            if code is None:
                code = _genotype_code(sample_alleles, alt_index)
            codes.append(code)
        return codes

    def _count_genotypes(self, genotypes: list[int], contig: str, confident: bool | None, record) -> None:
        """Count the record's genotype pattern; per-sample figures are derived once, at the end.

        ``confident`` None: decide from ``record`` (PASS, GQ >= 20) only when the
        trio site is informative, because reading GQ costs more than the rest.
        """
        region = 1 if contig == "X" else (2 if contig in ("Y", "MT") else 0)
        key = tuple(genotypes)
        mendel = 0  # 0: not a Mendelian check site, 1: consistent, 2: error
        trio = self.policy.trio
        if trio and region == 0 and confident is not False:
            consistent = _MENDELIAN.get((key[trio[0]], key[trio[1]], key[trio[2]]))
            if consistent is not None:  # None: a missing call or all hom-ref, not informative
                if confident is None:
                    if record.FILTER is None:
                        quals = record.gt_quals.tolist()
                        confident = not any(0 <= quals[c] < MENDELIAN_MIN_GQ for c in self.trio_columns)
                    else:
                        confident = False
                if confident:
                    mendel = 1 if consistent else 2
        patterns = self._patterns
        pattern = (region, key, mendel)
        patterns[pattern] = patterns.get(pattern, 0) + 1

    def _tally_patterns(self) -> None:
        """Per-sample het/hom (autosomes), X het/hom and Mendelian counts from the pattern counts."""
        stats = self.statistics
        for (region, genotypes, mendel), count in self._patterns.items():
            if region != 2:
                het, hom = (stats.het, stats.hom_alt) if region == 0 else (stats.x_het, stats.x_hom_alt)
                for i, code in enumerate(genotypes):
                    if code in (GENOTYPE_HET, GENOTYPE_HET_OTHER_ALT):
                        het[i] += count
                    elif code == GENOTYPE_HOM_ALT:
                        hom[i] += count
            if mendel:
                stats.mendelian_sites += count
                if mendel == 2:
                    stats.mendelian_errors += count
        self._patterns.clear()

    def _population(self, record, alt_index, allele_consequences) -> tuple[float | None, float | None]:
        frequency = popmax = None
        if self.info["gnomad_af"]:
            frequency = _as_float(_per_allele(record.INFO.get(self.info["gnomad_af"]), alt_index))
        if self.info["gnomad_popmax"]:
            popmax = _as_float(_per_allele(record.INFO.get(self.info["gnomad_popmax"]), alt_index))
        if frequency is None:
            frequency = next((c.gnomad_af for c in allele_consequences if c.gnomad_af is not None), None)
        if popmax is None:
            # VEP's MAX_AF: the highest frequency of any population in its frequency sources.
            popmax = next((c.max_af for c in allele_consequences if c.max_af is not None), None)
        return frequency, popmax

    def _retained(self, frequency, popmax, clinvar) -> bool:
        threshold = self.policy.retention_max_popmax
        if threshold is None or PATHOGENIC_TERMS.intersection(clinvar):
            return True
        observed = popmax if popmax is not None else frequency
        return observed is None or observed <= threshold

    def _score(self, record, ours: str, alt_index: int, from_annotation: list) -> float | None:
        if self.info[ours]:
            value = _as_float(_per_allele(record.INFO.get(self.info[ours]), alt_index))
            if value is not None:
                return value
        values = [v for v in from_annotation if v is not None]
        return max(values) if values else None

    def _spliceai(self, record, allele_consequences) -> float | None:
        if self.info["spliceai"]:
            value = spliceai_max(record.INFO.get(self.info["spliceai"]))
            if value is not None:
                return value
        values = [c.spliceai_max for c in allele_consequences if c.spliceai_max is not None]
        return max(values) if values else None

    @staticmethod
    def _rsid(record, allele_consequences) -> str:
        if record.ID and record.ID.startswith("rs"):
            return record.ID.split(";")[0]
        for c in allele_consequences:
            for name in c.existing_variation:
                if name.startswith("rs"):
                    return name
        return ""

    def _reads(self, allele_depths, variant_depths, somatic_af, depths, alt_index):
        n = len(self.column_list)
        ref_reads: list[int | None] = [None] * n
        alt_reads: list[int | None] = [None] * n
        fractions: list[float | None] = [None] * n
        with_depths = allele_depths is not None and len(allele_depths[0]) > alt_index
        if somatic_af is not None and somatic_af.shape[1] >= alt_index:
            somatic_fractions = somatic_af[:, alt_index - 1].tolist()
        else:
            somatic_fractions = None
        for i, column in enumerate(self.column_list):
            if with_depths:
                row = allele_depths[column]
                r, a = row[0], row[alt_index]
                ref_reads[i] = r if r >= 0 else None
                alt_reads[i] = a if a >= 0 else None
            elif variant_depths is not None:
                a = int(variant_depths[column][0])
                if a >= 0 and a != _INT32_MISSING:
                    alt_reads[i] = a
                    if depths[i] >= 0:
                        ref_reads[i] = max(0, int(depths[i]) - a)
            if somatic_fractions is not None:
                value = float(somatic_fractions[column])
                fractions[i] = None if math.isnan(value) or value < 0 else round(value, 4)
            elif ref_reads[i] is not None and alt_reads[i] is not None and ref_reads[i] + alt_reads[i] > 0:
                fractions[i] = round(alt_reads[i] / (ref_reads[i] + alt_reads[i]), 4)
        return ref_reads, alt_reads, fractions


MENDELIAN_MIN_GQ = 20


def _genotype_code(called_alleles: list[int], alt_index: int) -> int:
    called = [a for a in called_alleles if a != -2]  # -2: vector end (haploid calls)
    if not called or any(a < 0 for a in called):
        return GENOTYPE_MISSING
    this = sum(1 for a in called if a == alt_index)
    other = sum(1 for a in called if a > 0 and a != alt_index)
    if this == 0:
        return GENOTYPE_HOM_REF
    if this == len(called):
        return GENOTYPE_HOM_ALT
    return GENOTYPE_HET_OTHER_ALT if other else GENOTYPE_HET


# The allele lists of nearly every call of a biallelic record, and their codes for ALT 1.
_BIALLELIC_GENOTYPES = {alleles: _genotype_code(list(alleles), 1) for alleles in (
    (0, 0), (0, 1), (1, 0), (1, 1), (-1, -1), (0, -2), (1, -2), (-1, -2), (0, -1), (-1, 0), (1, -1), (-1, 1))}


def _confident(quals: list | None) -> bool:
    """All reported GQs >= 20; a record without GQ (all missing) does not count against the site."""
    if quals is None:
        return True
    return all(q >= MENDELIAN_MIN_GQ for q in quals if q >= 0)


def _sample_qualities(record, columns: list[int]) -> list[int | float]:
    """FORMAT/GQ of the case samples, negative where missing (as cyvcf2's gt_quals, which costs 10x more)."""
    values = record.format("GQ")
    if values is not None and values.dtype.kind == "i" and values.ndim == 2:
        rows = values.tolist()
        return [rows[c][0] for c in columns]  # htslib's missing and vector end are large negatives
    quals = record.gt_quals.tolist()  # a caller that declares GQ as a Float
    return [quals[c] for c in columns]


def _sample_depths(record, columns: list[int]) -> list[int]:
    """FORMAT/DP of the case samples, -1 (or another negative) where missing."""
    values = np.asarray(record.format("DP"))
    if values.dtype.kind in "iu":
        rows = values.tolist()
        return [rows[c][0] for c in columns]
    return values[columns, 0].astype(np.int64).tolist()  # a caller that declares DP as a Float


def _allele_depth_matrix(record, n_alleles: int) -> list[list[int]] | None:
    """FORMAT/AD as integers (samples x alleles, rows of equal length), -1 where missing; some callers
    declare AD as a String."""
    values = record.format("AD")
    if values is None:
        return None
    values = np.asarray(values)
    if values.dtype.kind in "iu" and values.ndim == 2:
        return [[a if a >= 0 else -1 for a in row] for row in values.tolist()]
    matrix = np.full((values.shape[0], n_alleles), -1, dtype=np.int64)
    for i, text in enumerate(values.reshape(values.shape[0], -1)[:, 0]):
        text = text.decode() if isinstance(text, bytes) else str(text)
        for j, part in enumerate(text.split(",")[:n_alleles]):
            if part.strip().isdigit():
                matrix[i, j] = int(part)
    return matrix.tolist()


def _mendelian_consistent(child: int, father: int, mother: int) -> bool:
    """Biallelic inheritance check on genotype codes (0 hom-ref, 1/3 het, 2 hom-alt)."""
    def copies(code):  # the ALT copies a parent can pass on
        return {0: {0}, 1: {0, 1}, 3: {0, 1}, 2: {1}}[code]

    need = {0: 0, 1: 1, 3: 1, 2: 2}[child]
    return any(f + m == need for f in copies(father) for m in copies(mother))


# (child, father, mother) -> consistent? for every informative combination of codes 0-3.
_MENDELIAN = {(c, f, m): _mendelian_consistent(c, f, m)
              for c in (0, 1, 2, 3) for f in (0, 1, 2, 3) for m in (0, 1, 2, 3) if (c, f, m) != (0, 0, 0)}


def _transcript(c) -> dict:
    """One transcript's annotation as stored, without empty values (these fields are text or None)."""
    entry = {}
    if c.symbol:
        entry["gene"] = c.symbol
    if c.gene_id:
        entry["gene_id"] = c.gene_id
    if c.transcript_id:
        entry["transcript"] = c.transcript_id
    entry["consequences"] = list(c.consequences)
    for key, value in (("impact", c.impact), ("hgvsc", c.hgvsc), ("hgvsp", c.hgvsp), ("exon", c.exon),
                       ("intron", c.intron)):
        if value:
            entry[key] = value
    if c.canonical:
        entry["canonical"] = True
    for key, value in (("mane_select", c.mane_select), ("biotype", c.biotype), ("lof", c.lof),
                       ("lof_filter", c.lof_filter), ("hgnc_id", c.hgnc_id)):
        if value:
            entry[key] = value
    return entry


def diagnose_failure(path: str, line: int, sample_count: int, exc: Exception) -> VcfInputError:
    """Say what is wrong where htslib stopped: a truncated gzip, or a malformed record at ``line``."""
    opener = gzip.open if _is_gzip(path) else open
    try:
        with opener(path, "rt", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    problem = malformed_record_problem(text.rstrip("\n"), sample_count)
                    if problem:
                        return VcfInputError(path, line, problem[0], problem[1])
                    break
            else:
                pass
            for _ in handle:  # read to the end: a truncated gzip fails here
                pass
    except EOFError:
        return VcfInputError(path, line, None, f"the gzip file is truncated: it ends before line {line}")
    except (OSError, gzip.BadGzipFile) as error:
        return VcfInputError(path, line, None, f"unreadable compressed data ({_describe(error)})")
    return VcfInputError(path, line, None, f"malformed record ({_describe(exc)})")


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def malformed_record_problem(text: str, sample_count: int) -> tuple[str, str] | None:
    """The first field of a VCF data line that violates the specification, if any."""
    fields = text.split("\t")
    expected = 8 + (1 + sample_count if sample_count else 0)
    if len(fields) < 8:
        return "line", f"{len(fields)} tab-separated columns; a VCF record has at least 8"
    if not fields[1].isdigit():
        return "POS", f"{fields[1]!r} is not a position"
    if not is_sequence_allele(fields[3]):
        return "REF", f"{fields[3]!r} is not a sequence of A, C, G, T, N"
    if fields[5] != ".":
        try:
            float(fields[5])
        except ValueError:
            return "QUAL", f"{fields[5]!r} is not a number"
    if sample_count and len(fields) != expected:
        return "line", f"{len(fields)} columns where the header's {sample_count} sample(s) make {expected}"
    if sample_count:
        keys = fields[8].split(":")
        for name, value in zip(keys, fields[9].split(":")):
            if name in ("DP", "GQ") and value not in (".", "") and not value.lstrip("-").isdigit():
                return f"FORMAT/{name}", f"{value!r} is not a whole number"
    return None
