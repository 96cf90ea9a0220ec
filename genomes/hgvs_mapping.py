"""HGVS c., n. and p. notation to genome positions, over the configured GTF's transcript models.

The notation is read by the ``hgvs`` package's grammar (biocommons: 1- and 3-letter amino acids, intron offsets,
UTR positions, del/ins/dup/delins); the mapping is ours, over exon and CDS coordinates from pyensembl
(genomes.transcript_models), so no hgvs data provider, UTA database or network is needed. Without a reference
FASTA the bases themselves are not known here: what a mapping gives is where to look (a position with the
alleles the notation states, or a range and the length of an indel), and the national store's variants are
matched against it (genomes.variant_search). The accession may be an Ensembl transcript (ENST, with or without
version), an Ensembl protein (ENSP, for p.), a RefSeq id where the configured GTF carries RefSeq transcripts,
or a gene symbol (its canonical transcript in the GTF).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from genomes.transcript_models import COMPLEMENT, GeneModels, TranscriptModel


class HgvsError(ValueError):
    """The notation cannot be read, or not placed on the configured gene models."""


@dataclass(frozen=True)
class GenomicTarget:
    """Where a notation lands: ``kind`` sub (pos, ref, alt known), del/dup/ins/delins (a range and the inserted
    or deleted bases in genome orientation where the notation states them), or codon (p.: the codon's bases)."""

    kind: str
    chrom: str
    start: int
    end: int
    ref: str = ""
    alt: str = ""
    length: int = 0
    transcript: str = ""
    gene: str = ""
    strand: str = "+"
    protein_change: str = ""      # p.: the change as annotation stores it ("Arg713Gln"), for confirming matches
    codon_positions: tuple[int, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def _parser():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import hgvs.parser

        return hgvs.parser.Parser()


def parse(text: str):
    """The hgvs package's SequenceVariant of ``text``, or HgvsError naming what it could not read."""
    try:
        return _parser().parse_hgvs_variant(text.strip())
    except Exception as exc:  # noqa: BLE001 - the grammar raises its own HGVSParseError and parsley errors
        raise HgvsError(f"not HGVS notation the parser reads: {text!r} ({type(exc).__name__})") from None


def looks_like_hgvs(text: str) -> bool:
    return ":" in text and any(f":{kind}." in text for kind in "cnpg")


def _revcomp(bases: str) -> str:
    return bases.translate(COMPLEMENT)[::-1]


def _model_for(accession: str, models: GeneModels, *, protein: bool) -> TranscriptModel:
    bare = accession.split(".")[0]
    model = (models.by_protein.get(bare) if protein else None) or models.by_transcript.get(bare) \
        or models.canonical(accession)
    if model is None:
        # the file's name, not its server path
        where = Path(models.gtf).name if models.gtf else "no GTF configured for this build"
        raise HgvsError(f"{accession} is not a transcript, protein or gene of the configured gene models ({where})")
    return model


def _exons_in_transcript_order(model: TranscriptModel) -> list[tuple[int, int]]:
    return list(model.exons) if model.strand == "+" else list(reversed(model.exons))


def _tx_of_genomic(model: TranscriptModel, pos: int) -> int:
    """1-based position in the spliced transcript of an exonic genomic position."""
    offset = 0
    for start, end in _exons_in_transcript_order(model):
        if start <= pos <= end:
            return offset + (pos - start + 1 if model.strand == "+" else end - pos + 1)
        offset += end - start + 1
    raise HgvsError(f"{model.transcript_id}: position {pos} is not exonic")


def _genomic_of_tx(model: TranscriptModel, tx: int) -> int:
    """Genomic position of a transcript position; before the first or after the last exon, counted on from it
    (upstream c.-N or downstream c.*N beyond the annotated transcript)."""
    exons = _exons_in_transcript_order(model)
    forward = model.strand == "+"
    if tx < 1:
        first = exons[0]
        return (first[0] + tx - 1) if forward else (first[1] - tx + 1)
    offset = 0
    for start, end in exons:
        length = end - start + 1
        if tx <= offset + length:
            within = tx - offset
            return start + within - 1 if forward else end - within + 1
        offset += length
    last = exons[-1]
    beyond = tx - offset
    return last[1] + beyond if forward else last[0] - beyond


def _cds_bounds_tx(model: TranscriptModel) -> tuple[int, int]:
    """Transcript positions of c.1 and of the stop codon's last base (pyensembl's CDS ranges include the stop
    codon), so that c.*1 is the base after the second."""
    if not model.cds:
        raise HgvsError(f"{model.transcript_id} is not protein coding in the gene models: no c. positions")
    first = model.cds[0][0] if model.strand == "+" else model.cds[-1][1]
    last = model.cds[-1][1] if model.strand == "+" else model.cds[0][0]
    return _tx_of_genomic(model, first), _tx_of_genomic(model, last)


def _genomic_of_position(model: TranscriptModel, position, kind: str) -> int:
    from hgvs.enums import Datum

    base, offset, datum = position.base, position.offset or 0, position.datum
    if kind == "n" or datum == Datum.SEQ_START:
        tx = base
    else:
        cds_first, cds_last = _cds_bounds_tx(model)
        if datum == Datum.CDS_END:
            tx = cds_last + base
        elif base > 0:
            tx = cds_first + base - 1
        else:
            tx = cds_first + base
    genomic = _genomic_of_tx(model, tx)
    return genomic + offset if model.strand == "+" else genomic - offset


def to_genome(text: str, models: GeneModels) -> GenomicTarget:
    """Where on the genome a c., n. or p. notation lands, over ``models``."""
    variant = parse(text)
    kind = variant.type
    if kind not in ("c", "n", "p"):
        raise HgvsError(f"{kind}. notation is not searched by transcript; give c., n. or p. (or a position)")
    if variant.posedit is None or getattr(variant.posedit, "pos", None) is None:
        # p.(=), p.? and p.0 say "no change", "unknown" or "no protein", not where: nothing to search by
        raise HgvsError(f"{text} names no position to search: give a change such as p.Asp1785Asn or c.5353G>A")
    model = _model_for(variant.ac, models, protein=kind == "p")
    if kind == "p":
        return _protein_target(variant, model)
    edit = variant.posedit.edit
    start = _genomic_of_position(model, variant.posedit.pos.start, kind)
    end = _genomic_of_position(model, variant.posedit.pos.end, kind) if variant.posedit.pos.end else start
    low, high = min(start, end), max(start, end)
    forward = model.strand == "+"

    def oriented(bases) -> str:
        bases = (bases or "").upper()
        return bases if forward else _revcomp(bases)

    common = dict(chrom=model.chrom, transcript=model.transcript_id, gene=model.gene_name, strand=model.strand)
    edit_type = edit.type
    if edit_type == "sub":
        return GenomicTarget("sub", start=low, end=high, ref=oriented(edit.ref), alt=oriented(edit.alt), **common)
    if edit_type == "del":
        deleted = oriented(edit.ref) if edit.ref and not str(edit.ref).isdecimal() else ""
        return GenomicTarget("del", start=low, end=high, ref=deleted, length=high - low + 1, **common)
    if edit_type == "dup":
        duplicated = oriented(edit.ref) if edit.ref and not str(edit.ref).isdecimal() else ""
        return GenomicTarget("dup", start=low, end=high, alt=duplicated, length=high - low + 1, **common)
    if edit_type == "ins":
        inserted = oriented(edit.alt)
        if not inserted:
            raise HgvsError(f"{text}: an insertion needs its inserted bases")
        # between two adjacent bases: VCF anchors on the lower one
        return GenomicTarget("ins", start=low, end=low, alt=inserted, length=len(inserted), **common)
    if edit_type == "delins":
        return GenomicTarget("delins", start=low, end=high, ref=oriented(edit.ref), alt=oriented(edit.alt),
                             length=high - low + 1, **common)
    raise HgvsError(f"{text}: {edit_type} changes are not searched (substitutions, deletions, duplications, "
                    "insertions and deletion-insertions are)")


def _protein_target(variant, model: TranscriptModel) -> GenomicTarget:
    from genomes.transcripts import protein_search_text

    codon = variant.posedit.pos.start.base
    cds_first, _ = _cds_bounds_tx(model)
    positions = tuple(sorted(_genomic_of_tx(model, cds_first + 3 * (codon - 1) + i) for i in range(3)))
    change = protein_search_text(str(variant.posedit).strip("()")) or ""
    return GenomicTarget("codon", chrom=model.chrom, start=positions[0], end=positions[-1],
                         transcript=model.transcript_id, gene=model.gene_name, strand=model.strand,
                         protein_change=change, codon_positions=positions)
