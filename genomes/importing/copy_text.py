"""Case-variant rows as PostgreSQL COPY text for the import's staging table.

The reader yields rows as tuples; an import writes them with COPY into genomes_importstaging (or its private
temporary copy), from where the import's transaction moves them into national and case variants.
"""
from __future__ import annotations

import json
import re

from genomes.variant_identity import key_digest, xpos_base

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
    "ref_reads", "alt_reads", "allele_fraction", "clinvar_stars", "site_genotypes",
)


def staging_line(build: str, row: tuple, prefix: str = "") -> str:
    """A reader row as one line of COPY text for the staging columns (identity digest and xpos first).

    Hand-formatted, column by column for the types the reader yields: psycopg's per-value adaptation of
    ~30 columns (arrays, JSON) cost ~110 us a row, and a generic formatter (_copy_text) ~60 us; this ~20 us.
    tests/genomes/importing/test_copy_text.py checks it against _copy_text.
    """
    (chrom, pos, ref, alt, kind, filter_value, quality, rsid, genes, gene_ids, consequences, worst, impact,
     annotated, frequency, popmax, clinvar, cadd, revel, spliceai, transcripts, genotypes, quals, depths,
     ref_reads, alt_reads, fractions, clinvar_stars, site_genotypes) = row
    base = _XPOS_BASE.get(chrom)
    if base is None:
        base = _XPOS_BASE[chrom] = xpos_base(chrom)
    digest = key_digest(build, chrom, pos, ref, alt)
    transcript_json = _JSON.encode(transcripts)
    if "\\" in transcript_json:  # JSON's own escapes: COPY text escapes the backslash again
        transcript_json = transcript_json.translate(_COPY_ESCAPES)
    return "\t".join((
        f"{prefix}{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}",
        str(base + pos), chrom, str(pos), ref, alt, kind,
        _plain_text(filter_value), _number_text(quality), _plain_text(rsid), _text_array(genes),
        _text_array(gene_ids), _text_array(consequences), _plain_text(worst), _plain_text(impact),
        "t" if annotated else "f", _number_text(frequency), _number_text(popmax), _text_array(clinvar),
        _number_text(cadd), _number_text(revel), _number_text(spliceai), transcript_json,
        _number_array(genotypes), _number_array(quals), _number_array(depths), _number_array(ref_reads),
        _number_array(alt_reads), _number_array(fractions), _number_text(clinvar_stars),
        "\\N" if site_genotypes is None else _text_array(site_genotypes),
    )) + "\n"


_JSON = json.JSONEncoder(separators=(",", ":"))
_XPOS_BASE: dict[str, int] = {}  # contig -> genomes.variant_identity.xpos_base(contig), looked up once


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
