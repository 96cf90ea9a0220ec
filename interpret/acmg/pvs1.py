"""PVS1 for null variants: the ClinGen SVI decision tree (Abou Tayoun et al. 2018) on real transcript models.

What the tree needs and this module can see: the variant's consequence, its position on the transcript's
exons and coding sequence (genes.transcript_models, from the configured Ensembl GTF through pyensembl),
and whether loss of function is a known mechanism of disease for the gene, which a curator states (a
gene without it never gets PVS1, whatever the consequence). What it cannot see: whether a truncated
region is critical to function and whether the exon is present in the biologically relevant
transcripts; the justification says which assumption was made so the curator can change the strength.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from genomes.vcf.consequences import SPLICE_SITE, START_LOSS, STOP_OR_FRAMESHIFT
from interpret.acmg.criteria import Strength

NMD_PENULTIMATE_WINDOW = 50   # no NMD if the new stop lies in the last 50 nt of the penultimate exon
REMOVED_SHARE_STRONG = 0.10   # a truncation escaping NMD that removes > 10% of the protein: PVS1_Strong


@dataclass
class Pvs1Decision:
    strength: Strength | None
    steps: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def justification(self) -> str:
        return "; ".join(self.steps)


def _transcript_order(model):
    """Exons and CDS pieces 5'->3' along the transcript."""
    reverse = model.strand == "-"
    exons = sorted(model.exons, reverse=reverse)
    cds = sorted(model.cds, reverse=reverse)
    return exons, cds


def _distance_into(piece: tuple[int, int], pos: int, strand: str) -> int:
    """Bases from the 5' (transcript) end of a piece to pos, 0 at its first base."""
    start, end = piece
    return end - pos if strand == "-" else pos - start


def exon_index(model, pos: int) -> int | None:
    exons, _ = _transcript_order(model)
    for index, (start, end) in enumerate(exons):
        if start <= pos <= end:
            return index
    return None


def intron_flanks(model, pos: int) -> tuple[int, int] | None:
    """Indices (transcript order) of the exons on either side of an intronic position."""
    exons, _ = _transcript_order(model)
    for index in range(len(exons) - 1):
        a, b = exons[index], exons[index + 1]
        low, high = (b[1], a[0]) if model.strand == "-" else (a[1], b[0])
        if low < pos < high:
            return index, index + 1
    return None


def coding_offset(model, pos: int) -> int | None:
    """0-based offset of a genomic position in the coding sequence, None outside it."""
    _, cds = _transcript_order(model)
    offset = 0
    for piece in cds:
        if piece[0] <= pos <= piece[1]:
            return offset + _distance_into(piece, pos, model.strand)
        offset += piece[1] - piece[0] + 1
    return None


def coding_length(model) -> int:
    return sum(end - start + 1 for start, end in model.cds)


def escapes_nmd(model, pos: int) -> tuple[bool, str]:
    """A premature stop escapes nonsense-mediated decay in the last exon or the last 50 nt of the penultimate."""
    exons, _ = _transcript_order(model)
    index = exon_index(model, pos)
    if index is None:
        return False, "not in an exon"
    number = f"exon {index + 1} of {len(exons)}"
    if index == len(exons) - 1:
        return True, f"{number} (the last exon)"
    if index == len(exons) - 2:
        piece = exons[index]
        to_end = (piece[1] - piece[0]) - _distance_into(piece, pos, model.strand)
        if to_end < NMD_PENULTIMATE_WINDOW:
            return True, f"{number}, {to_end + 1} nt from the end of the penultimate exon (<= 50)"
        return False, f"{number}, {to_end + 1} nt from the end of the penultimate exon (> 50)"
    return False, number


def _by_share(decision: Pvs1Decision, removed: float, why: str) -> Pvs1Decision:
    decision.values["protein_removed"] = round(removed, 3)
    if removed > REMOVED_SHARE_STRONG:
        decision.strength = Strength.STRONG
        decision.steps.append(f"{why}; removes {removed:.0%} of the protein (> 10%): Strong "
                              "(assumes the region's role is not known to be critical)")
    else:
        decision.strength = Strength.MODERATE
        decision.steps.append(f"{why}; removes {removed:.1%} of the protein (<= 10%): Moderate")
    return decision


def pvs1_decide(*, consequences: list[str], pos: int, model=None, gene: str = "",
                lof_mechanism: bool | None) -> Pvs1Decision | None:
    """The PVS1 strength a null variant earns, with the path through the tree; None if it is not a null
    variant. ``strength`` None with steps means the tree stopped (no LoF mechanism, no transcript)."""
    terms = set(consequences)
    kind = ("nonsense/frameshift" if terms & STOP_OR_FRAMESHIFT else "canonical splice site" if terms & SPLICE_SITE
            else "initiation codon" if terms & START_LOSS else None)
    if kind is None:
        return None
    decision = Pvs1Decision(None, values={"variant_kind": kind})
    if lof_mechanism is False:
        decision.steps.append(f"{kind} variant, but loss of function is not a known mechanism of disease for "
                              f"{gene or 'this gene'}: PVS1 not applicable")
        return decision
    if lof_mechanism is None:
        decision.steps.append(f"{kind} variant; loss of function as the disease mechanism of {gene or 'the gene'} "
                              "is not stated: confirm it before PVS1 can apply")
        return decision
    if kind == "initiation codon":
        decision.strength = Strength.MODERATE
        decision.steps.append("initiation codon variant: Moderate (SVI default; raise it only if no "
                              "alternative in-frame start is known, lower it if pathogenic variants are not known "
                              "upstream of the nearest one)")
        return decision
    if model is None or not model.cds:
        decision.steps.append(f"{kind} variant; no coding transcript model for {gene or 'the gene'} in the "
                              "configured gene models, so the NMD and protein-share steps cannot be evaluated")
        return decision
    decision.values["transcript"] = model.transcript_id
    total = coding_length(model)
    if kind == "nonsense/frameshift":
        offset = coding_offset(model, pos)
        if offset is None:
            decision.steps.append(f"not in the coding sequence of {model.transcript_id}: PVS1 not evaluated")
            return decision
        escapes, where = escapes_nmd(model, pos)
        decision.values.update(coding_offset=offset, coding_length=total, nmd=not escapes)
        if not escapes:
            decision.strength = Strength.VERY_STRONG
            decision.steps.append(f"{kind} in {model.transcript_id} {where}: predicted to undergo NMD; exon "
                                  "assumed present in the relevant transcripts: Very Strong")
            return decision
        return _by_share(decision, (total - offset) / total,
                         f"{kind} in {model.transcript_id} {where}: escapes NMD")
    flanks = intron_flanks(model, pos)
    if flanks is None:
        decision.steps.append(f"canonical splice variant not within an intron of {model.transcript_id}")
        return decision
    exons, _ = _transcript_order(model)
    donor = "splice_donor_variant" in terms
    skipped_index = flanks[0] if donor else flanks[1]
    skipped = exons[skipped_index]
    coding_in_exon = sum(max(0, min(skipped[1], end) - max(skipped[0], start) + 1) for start, end in model.cds)
    decision.values.update(skipped_exon=skipped_index + 1, exon_count=len(exons), skipped_coding_bases=coding_in_exon)
    site = "donor" if donor else "acceptor"
    if coding_in_exon % 3:
        if skipped_index < len(exons) - 2:
            decision.strength = Strength.VERY_STRONG
            decision.steps.append(f"canonical {site} site of exon {skipped_index + 1} of {len(exons)} "
                                  f"({model.transcript_id}); skipping it ({coding_in_exon} coding nt) shifts the "
                                  "frame and the new stop is predicted to undergo NMD: Very Strong")
            return decision
        return _by_share(decision, 1 - (coding_offset(model, skipped[0] if model.strand == "+" else skipped[1])
                                        or 0) / total,
                         f"canonical {site} site of exon {skipped_index + 1} of {len(exons)}: frameshift "
                         "escaping NMD")
    return _by_share(decision, coding_in_exon / total,
                     f"canonical {site} site of exon {skipped_index + 1} of {len(exons)}: skipping it keeps the "
                     f"reading frame ({coding_in_exon} coding nt)")
