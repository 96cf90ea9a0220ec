"""Variant identity: genome build, contig naming, positions, allele trimming, the variant key and its forms.

The one module that says what a variant's identity is: the importer, the record screen, the filters, the
national variant table, the classification API and the exports call it for contig names, the sortable
position (``xpos``), the key's digest and the written forms of a variant id.

Conventions
- Positions are 1-based, as in VCF.
- Contigs are stored in Ensembl style without "chr": 1..22, X, Y, MT. "chr1",
  "chrM", "M" and "chrMT" all map there, so GRCh37 b37 files, UCSC-style GRCh38
  files and Ensembl GTFs agree.
- Alleles are trimmed to a minimal representation: the shared trailing bases,
  then the shared leading bases (moving the position), keeping one base on each
  side. Left-alignment of indels in repeats needs the reference sequence, which
  the platform does not hold; pipelines deliver normalised VCFs (bcftools norm),
  and trimming makes the remaining differences of representation (padding of
  split multi-allelic records) agree.
"""
from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable
from typing import NamedTuple


class GenomeBuild(enum.StrEnum):
    GRCH37 = "GRCh37"
    GRCH38 = "GRCh38"


PRIMARY_CONTIGS: tuple[str, ...] = tuple(str(i) for i in range(1, 23)) + ("X", "Y", "MT")

# Lengths of the primary assembly contigs (Genome Reference Consortium), used to
# recognise the build from a VCF header and to reject positions beyond a contig.
CONTIG_LENGTHS: dict[GenomeBuild, dict[str, int]] = {
    GenomeBuild.GRCH37: {
        "1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276, "5": 180915260, "6": 171115067,
        "7": 159138663, "8": 146364022, "9": 141213431, "10": 135534747, "11": 135006516, "12": 133851895,
        "13": 115169878, "14": 107349540, "15": 102531392, "16": 90354753, "17": 81195210, "18": 78077248,
        "19": 59128983, "20": 63025520, "21": 48129895, "22": 51304566, "X": 155270560, "Y": 59373566,
        "MT": 16569,
    },
    GenomeBuild.GRCH38: {
        "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259, "6": 170805979,
        "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422, "11": 135086622, "12": 133275309,
        "13": 114364328, "14": 107043718, "15": 101991189, "16": 90338345, "17": 83257441, "18": 80373285,
        "19": 58617616, "20": 64444167, "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415,
        "MT": 16569,
    },
}

# The pseudoautosomal regions (GRC): X and Y pair there like autosomes, so a male has two copies. 1-based,
# inclusive.
PSEUDOAUTOSOMAL_REGIONS: dict[GenomeBuild, dict[str, tuple[tuple[int, int], ...]]] = {
    GenomeBuild.GRCH37: {"X": ((60001, 2699520), (154931044, 155260560)),
                         "Y": ((10001, 2649520), (59034050, 59363566))},
    GenomeBuild.GRCH38: {"X": ((10001, 2781479), (155701383, 156030895)),
                         "Y": ((10001, 2781479), (56887903, 57217415))},
}


def in_pseudoautosomal_region(build: GenomeBuild | str, contig: str, pos: int) -> bool:
    regions = PSEUDOAUTOSOMAL_REGIONS[GenomeBuild(build)].get(contig)
    return bool(regions) and any(start <= pos <= end for start, end in regions)


def pseudoautosomal_bounds(build: GenomeBuild | str, contig: str) -> tuple[int, int]:
    """(end of PAR1, start of PAR2) of X or Y; positions up to the first or from the second pair like autosomes
    (the few bases beyond the PARs, at the telomeres, are never called). (0, 0) for other contigs."""
    regions = PSEUDOAUTOSOMAL_REGIONS[GenomeBuild(build)].get(contig)
    return (regions[0][1], regions[1][0]) if regions else (0, 0)


_BUILD_NAMES = {
    GenomeBuild.GRCH37: re.compile(r"grch37|hg19|\bb37\b|hs37d5|human_g1k_v37|37\.p13", re.IGNORECASE),
    GenomeBuild.GRCH38: re.compile(r"grch38|hg38|\bb38\b|hs38|GCA_000001405\.15", re.IGNORECASE),
}


class VariantIdentityError(ValueError):
    """A variant or header that cannot be given an identity; the message names the field."""


def parse_build(name: str) -> GenomeBuild:
    """Accept the spellings seen in headers and on command lines: GRCh38, hg38, b37, 37, 38..."""
    cleaned = name.strip()
    if cleaned in ("37", "38"):
        return GenomeBuild.GRCH37 if cleaned == "37" else GenomeBuild.GRCH38
    for build, pattern in _BUILD_NAMES.items():
        if pattern.search(cleaned):
            return build
    raise VariantIdentityError(f"unknown genome build {name!r}; use GRCh37 or GRCh38")


def normalize_contig(name: str) -> str:
    """Canonical contig name: '1'..'22', 'X', 'Y', 'MT'; other contigs keep their name without 'chr'."""
    bare = name[3:] if name[:3].lower() == "chr" else name
    upper = bare.upper()
    if upper in ("M", "MT"):
        return "MT"
    if upper in ("X", "Y"):
        return upper
    if bare.isdecimal():
        return str(int(bare))
    return bare


def is_primary_contig(contig: str) -> bool:
    return contig in CONTIG_LENGTHS[GenomeBuild.GRCH38]


def build_from_header(
    contig_lengths: dict[str, int | None], header_lines: Iterable[str] = ()
) -> tuple[GenomeBuild | None, str]:
    """Infer the build from contig lengths (decisive) or from ##reference/assembly lines.

    Returns (build or None, the evidence in words). Contradicting evidence raises,
    because a file whose contigs say GRCh37 while its header says hg38 is broken.
    """
    by_length: set[GenomeBuild] = set()
    for raw_name, length in contig_lengths.items():
        contig = normalize_contig(raw_name)
        if not length or contig == "MT" or not is_primary_contig(contig):
            continue
        matches = {b for b, lengths in CONTIG_LENGTHS.items() if lengths[contig] == length}
        if matches:
            by_length |= matches
    if len(by_length) > 1:
        raise VariantIdentityError("header contig lengths match both GRCh37 and GRCh38")
    by_name: set[GenomeBuild] = set()
    for line in header_lines:
        if line.startswith(("##reference", "##assembly")) or (line.startswith("##contig") and "assembly=" in line):
            for build, pattern in _BUILD_NAMES.items():
                if pattern.search(line):
                    by_name.add(build)
    if by_length:
        build = next(iter(by_length))
        if by_name and by_name != {build}:
            raise VariantIdentityError(
                f"header contig lengths say {build} but its reference/assembly lines say "
                f"{', '.join(sorted(by_name))}"
            )
        return build, "contig lengths in the header"
    if len(by_name) == 1:
        build = next(iter(by_name))
        return build, "reference/assembly lines in the header"
    if len(by_name) > 1:
        raise VariantIdentityError("header reference/assembly lines name both GRCh37 and GRCh38")
    return None, "no contig lengths or reference lines in the header"


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Minimal representation: drop shared trailing, then shared leading bases; one base stays each side."""
    ref, alt = ref.upper(), alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


_BASES = re.compile(r"^[ACGTN]+$")


def is_sequence_allele(allele: str) -> bool:
    """False for symbolic (<DEL>), spanning-deletion (*), breakend and missing (.) alleles."""
    return bool(_BASES.match(allele.upper()))


class VariantKey(NamedTuple):
    """The identity of one national variant row."""

    build: GenomeBuild
    chrom: str
    pos: int
    ref: str
    alt: str

    def __str__(self) -> str:
        """The written id, BUILD-CHROM-POS-REF-ALT (e.g. GRCh38-1-1022300-C-T), as the API and pages use it."""
        return f"{self.build}-{self.chrom}-{self.pos}-{self.ref}-{self.alt}"

    @classmethod
    def parse(cls, text: str) -> VariantKey:
        """A written id BUILD-CHROM-POS-REF-ALT, checked and trimmed as ``variant_key`` does."""
        parts = str(text).split("-")
        if len(parts) != 5:
            raise VariantIdentityError("write it as BUILD-CHROM-POS-REF-ALT, e.g. GRCh38-1-1022300-C-T")
        build, chrom, pos, ref, alt = parts
        try:
            position = int(pos)
        except ValueError:
            raise VariantIdentityError(f"POS {pos!r} is not a whole number") from None
        return variant_key(build=parse_build(build), chrom=chrom, pos=position, ref=ref, alt=alt)


def variant_label(chrom: str, pos: int, ref: str, alt: str) -> str:
    """A variant within one case or build, written CHROM-POS-REF-ALT (compound-het partners, exports)."""
    return f"{chrom}-{pos}-{ref}-{alt}"


def key_text(build: str, chrom: str, pos: int, ref: str, alt: str) -> str:
    """The text the national key digests: BUILD-CHROM-POS-REF-ALT of the stored (trimmed) allele."""
    return f"{build}-{chrom}-{pos}-{ref}-{alt}"


def key_digest(build: str, chrom: str, pos: int, ref: str, alt: str) -> str:
    """The national variant's unique key (genomes_variant.key_md5) as 32 hex digits: MD5 of ``key_text``, so
    that long indel alleles need no b-tree entry of their own."""
    return hashlib.md5(key_text(build, chrom, pos, ref, alt).encode()).hexdigest()


# Contig index * XPOS_CONTIG_FACTOR + position: sortable across the genome (no contig is a billion bases long).
XPOS_CONTIG_FACTOR = 1_000_000_000


def xpos_base(contig: str) -> int:
    """The xpos of position 0 of a canonical contig."""
    return contig_index(contig) * XPOS_CONTIG_FACTOR


def xpos(contig: str, pos: int) -> int:
    """Sortable genome-wide position of a canonical contig's position: 1..22, X=23, Y=24, MT=25, others 99."""
    return contig_index(contig) * XPOS_CONTIG_FACTOR + pos


def contig_index(contig: str) -> int:
    try:
        return PRIMARY_CONTIGS.index(contig) + 1
    except ValueError:
        return 99  # non-primary contigs sort after the primary assembly


def variant_key(*, build: GenomeBuild, chrom: str, pos: int, ref: str, alt: str) -> VariantKey:
    """Build the key of one alternate allele, as delivered in a VCF record (before trimming).

    Raises VariantIdentityError naming the field for a contig that is not in the
    build, a position beyond the contig's end, or an allele that is not sequence.
    """
    contig = normalize_contig(chrom)
    if not is_sequence_allele(ref):
        raise VariantIdentityError(f"REF {ref!r} is not a sequence of A, C, G, T, N")
    if not is_sequence_allele(alt):
        raise VariantIdentityError(f"ALT {alt!r} is not a sequence allele")
    if ref.upper() == alt.upper():
        raise VariantIdentityError(f"ALT {alt!r} equals REF")
    length = CONTIG_LENGTHS[build].get(contig)
    if length is None:
        raise VariantIdentityError(f"CHROM {chrom!r} is not a primary contig of {build}")
    if pos < 1 or pos + len(ref) - 1 > length:
        raise VariantIdentityError(f"POS {pos} is outside {chrom} ({length:,} bp in {build})")
    pos, ref, alt = trim_alleles(pos, ref, alt)
    return VariantKey(build, contig, pos, ref, alt)
