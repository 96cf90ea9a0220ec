"""Finding national variants by what a person types: a position (``chr1:1051352 G>A``, ``1-1051352-G-A``,
with or without ``chr``), a region (``1:1000000-1100000``), an rsID, a gene symbol, or HGVS c./n./p. notation
(genomes.hgvs_mapping). Returns the national variants that match and how each matched; observations and
classifications are added by the callers' layers.

Indels in HGVS are placed 3' on the transcript and VCF left-aligns them on the genome, so an HGVS deletion,
duplication or insertion in a repeat may be stored a few bases to the left: such a stored variant of the same
length and bases (a rotation of them) is a match "shifted within a repeat"; one of the same length whose bases
are not stated is a candidate the user checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from genomes.hgvs_mapping import GenomicTarget, HgvsError, looks_like_hgvs, to_genome
from genomes.models import Variant
from genomes.transcript_models import gene_models
from genomes.variant_identity import GenomeBuild, is_primary_contig, normalize_contig, xpos

MAX_RESULTS = 200
MAX_REGION = 5_000_000
REPEAT_WINDOW = 100  # how far left of the HGVS position a left-aligned indel is looked for

_POSITION = re.compile(r"^(?:chr)?([0-9]{1,2}|X|Y|MT?)[:\-_\s]([0-9][0-9,]*)"
                       r"(?:[\s:\-_]+([ACGTN]+)\s*(?:>|-|:|/|\s)\s*([ACGTN]+))?$", re.IGNORECASE)
_REGION = re.compile(r"^(?:chr)?([0-9]{1,2}|X|Y|MT?):([0-9][0-9,]*)-([0-9][0-9,]*)$", re.IGNORECASE)
_RSID = re.compile(r"^rs[0-9]+$", re.IGNORECASE)
_GENE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-\.]{0,30}$")


class SearchError(ValueError):
    """The query is not understood, or cannot be placed; the message says what to type instead."""


@dataclass
class Match:
    variant: Variant
    how: str  # "exact", "shifted within a repeat", "same length, bases not stated", "at the codon", "in region"...


@dataclass
class SearchResult:
    query: str
    build: str
    kind: str  # position, region, rsid, gene, hgvs
    matches: list[Match] = field(default_factory=list)
    truncated: bool = False
    target: GenomicTarget | None = None
    notes: list[str] = field(default_factory=list)
    span: tuple[str, int, int] | None = None  # the region, gene or position searched (national SVs overlap it)


def search_variants(query: str, *, build: str = "GRCh38", limit: int = MAX_RESULTS) -> SearchResult:
    text = " ".join((query or "").split())
    if not text:
        raise SearchError("type a position (chr1:1051352 G>A), a region, an rsID, a gene or HGVS notation")
    try:
        build = str(GenomeBuild(build))
    except ValueError:
        raise SearchError(f"unknown genome build {build!r}; GRCh37 or GRCh38") from None
    if looks_like_hgvs(text):
        return _by_hgvs(text, build, limit)
    if match := _REGION.match(text):
        chrom, start, end = _contig(match.group(1)), _number(match.group(2)), _number(match.group(3))
        if end < start:
            raise SearchError(f"region {text}: its end is before its start")
        if end - start + 1 > MAX_REGION:
            raise SearchError(f"region {text} spans {end - start + 1:,} bases; search at most {MAX_REGION:,}")
        return _in_range(SearchResult(text, build, "region", span=(chrom, start, end)), chrom, start, end, limit,
                         "in region")
    if match := _POSITION.match(text):
        chrom, pos = _contig(match.group(1)), _number(match.group(2))
        result = SearchResult(text, build, "position", span=(chrom, pos, pos))
        found = Variant.objects.filter(build=build, xpos=xpos(chrom, pos))
        if match.group(3):
            found = found.filter(ref=match.group(3).upper(), alt=match.group(4).upper())
        result.matches = [Match(v, "exact") for v in found.order_by("ref", "alt")[:limit]]
        return result
    if _RSID.match(text):
        result = SearchResult(text, build, "rsid")
        found = Variant.objects.filter(build=build, rsid=text.lower()).order_by("xpos", "ref", "alt")
        result.matches = [Match(v, "exact") for v in found[:limit]]
        return result
    if _GENE.match(text):
        models = gene_models(build)
        span = models.gene_span(text)
        if span is None:
            gtf = Path(models.gtf).name if models.gtf else "none configured"  # the file's name, not its server path
            raise SearchError(f"{text} is not a gene of the configured gene models for {build} ({gtf}), nor a "
                              "position, region, rsID or HGVS")
        chrom, start, end = span
        result = SearchResult(text, build, "gene", span=(chrom, start, end))
        result.notes.append(f"{models.canonical(text).gene_name}: {chrom}:{start:,}-{end:,} (all its transcripts "
                            "in the configured gene models)")
        return _in_range(result, chrom, start, end, limit, "in gene")
    raise SearchError(f"not understood: {text!r}; type a position (chr1:1051352 G>A), a region (1:1000000-1100000), "
                      "an rsID, a gene or HGVS (ENST00000379370:c.5353G>A, AGRN:p.Asp1785Asn)")


def _contig(name: str) -> str:
    contig = normalize_contig(name)
    if not is_primary_contig(contig):
        raise SearchError(f"unknown chromosome {name!r}")
    return contig


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _in_range(result: SearchResult, chrom: str, start: int, end: int, limit: int, how: str) -> SearchResult:
    found = list(Variant.objects.filter(build=result.build, xpos__gte=xpos(chrom, start), xpos__lte=xpos(chrom, end))
                 .order_by("xpos", "ref", "alt")[:limit + 1])
    result.truncated = len(found) > limit
    result.matches = [Match(v, how) for v in found[:limit]]
    return result


def _by_hgvs(text: str, build: str, limit: int) -> SearchResult:
    models = gene_models(build)
    try:
        target = to_genome(text, models)
    except HgvsError as error:
        raise SearchError(str(error)) from None
    span = abs(target.end - target.start) + 1
    if span > MAX_REGION or (target.length or 0) > MAX_REGION:
        # the same bound as a region search: a range notation must not read a chromosome's worth of variants
        raise SearchError(f"{text} spans more than {MAX_REGION:,} bases; search at most {MAX_REGION:,}")
    result = SearchResult(text, build, "hgvs", target=target)
    strand = "plus" if target.strand == "+" else "minus"
    result.notes.append(f"{target.gene} {target.transcript} ({strand} strand): {target.chrom}:{target.start:,}"
                        + (f"-{target.end:,}" if target.end != target.start else ""))
    low = target.start - (REPEAT_WINDOW + 1 if target.kind in ("del", "dup", "ins", "delins") else 0)
    nearby = list(Variant.objects.filter(build=build, xpos__gte=xpos(target.chrom, max(1, low)),
                                         xpos__lte=xpos(target.chrom, target.end)).order_by("xpos", "ref", "alt"))
    matches = [m for m in (_matches_target(v, target) for v in nearby) if m is not None]
    matches.sort(key=lambda m: (m.how != "exact", m.variant.xpos))
    result.truncated = len(matches) > limit
    result.matches = matches[:limit]
    return result


def _rotation_of(a: str, b: str) -> bool:
    return len(a) == len(b) and a in b + b


def _matches_target(variant: Variant, target: GenomicTarget) -> Match | None:
    ref, alt, pos = variant.ref, variant.alt, variant.pos
    kind = target.kind
    if kind == "sub":
        if pos == target.start and len(ref) == len(alt) == 1 and ref == target.ref and alt == target.alt:
            return Match(variant, "exact")
        return None
    if kind == "codon":
        # A change touching one of the codon's bases; whether it makes this protein change is for the annotation
        # to say (the callers confirm it where the stored annotation carries HGVS p.).
        end = pos + len(ref) - 1
        same_length = len(ref) == len(alt)  # a missense or nonsense change; a frameshift is an indel
        if any(pos <= p <= end + 1 for p in target.codon_positions) and (same_length or "fs" in target.protein_change):
            return Match(variant, "at the codon")
        return None
    anchored = len(alt) >= 1 and len(ref) >= 1 and ref[0] == alt[0]
    if kind == "del":
        if not (anchored and len(alt) == 1 and len(ref) - 1 == target.length):
            return None
        deleted = ref[1:]
        if pos == target.start - 1 and (not target.ref or deleted == target.ref):
            return Match(variant, "exact" if target.ref else "exact position and length (bases not stated)")
        if target.ref and _rotation_of(deleted, target.ref):
            return Match(variant, "shifted within a repeat")
        return None if target.ref else Match(variant, "same length nearby, bases not stated")
    if kind in ("dup", "ins"):
        if not (anchored and len(ref) == 1 and len(alt) - 1 == target.length):
            return None
        inserted = alt[1:]
        # a duplication is an insertion of the same bases just before or just after the duplicated ones
        exact = {target.start - 1, target.end} if kind == "dup" else {target.start}
        bases = target.alt
        if pos in exact and (not bases or inserted == bases):
            return Match(variant, "exact" if bases else "exact position and length (bases not stated)")
        if bases and _rotation_of(inserted, bases):
            return Match(variant, "shifted within a repeat")
        return None if bases else Match(variant, "same length nearby, bases not stated")
    if kind == "delins":
        span = target.end - target.start + 1
        if pos == target.start and len(ref) == span and alt == target.alt:
            return Match(variant, "exact")
        if pos == target.start - 1 and anchored and len(ref) == span + 1 and alt[1:] == target.alt:
            return Match(variant, "exact")
        return None
    return None
