"""The genes a structural call touches, and how: from the file's VEP CSQ when it has one (whatever its INFO name),
else from GATK-SV's SVAnnotate PREDICTED_* fields, else by overlap with the build's gene models (the configured
GTF, through pyensembl); an intergenic call names its nearest gene. One overlap kind per gene, the strongest:

- ``whole_gene``: the call spans the whole gene (a deletion or duplication of it, or an inversion around it);
- ``exons``: it covers some of the gene's exons, not all of the gene;
- ``breakpoint``: a breakpoint (of an inversion, a translocation, an insertion site) lies inside the gene;
- ``intronic``: inside the gene, touching no exon.

Where the file says nothing the platform can read, and no gene models are configured, the call's genes are "not
annotated", not "none"."""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from genomes.sv.reading import StructuralCall
from genomes.transcript_models import TranscriptModel
from genomes.vcf.consequences import NEARBY

OVERLAP_ORDER = ("whole_gene", "exons", "breakpoint", "intronic")
SPANNING = frozenset({"DEL", "DUP", "CNV", "CPX"})

# SVAnnotate's fields (GATK-SV): what each says about the genes it names
PREDICTED_OVERLAP = {
    "PREDICTED_COPY_GAIN": "whole_gene", "PREDICTED_INV_SPAN": "whole_gene", "PREDICTED_TSS_DUP": "exons",
    "PREDICTED_LOF": "exons", "PREDICTED_INTRAGENIC_EXON_DUP": "exons", "PREDICTED_PARTIAL_EXON_DUP": "exons",
    "PREDICTED_DUP_PARTIAL": "exons", "PREDICTED_MSV_EXON_OVERLAP": "exons", "PREDICTED_UTR": "exons",
    "PREDICTED_BREAKEND_EXONIC": "breakpoint", "PREDICTED_INTRONIC": "intronic",
}
# VEP's SV consequences: what each says about the transcript's gene
CONSEQUENCE_OVERLAP = {
    "transcript_ablation": "whole_gene", "transcript_amplification": "whole_gene",
    "feature_truncation": "exons", "feature_elongation": "exons", "coding_sequence_variant": "exons",
    "exon_loss_variant": "exons", "5_prime_UTR_variant": "exons", "3_prime_UTR_variant": "exons",
    "non_coding_transcript_exon_variant": "exons", "frameshift_variant": "exons", "stop_lost": "exons",
    "start_lost": "exons", "splice_acceptor_variant": "exons", "splice_donor_variant": "exons",
    "intron_variant": "intronic",
}


@dataclass
class GeneOverlap:
    gene: str
    overlap: str
    source: str   # "vep", "svannotate", "gene models"

    def as_dict(self) -> dict:
        return {"gene": self.gene, "overlap": self.overlap, "source": self.source}


@dataclass
class CallGenes:
    overlaps: list[GeneOverlap]
    nearest: str = ""
    annotated: bool = True  # False: neither the file nor gene models could say

    @property
    def genes(self) -> list[str]:
        return [o.gene for o in self.overlaps]


def _strongest(found: dict[str, str], gene: str, overlap: str) -> None:
    current = found.get(gene)
    if current is None or OVERLAP_ORDER.index(overlap) < OVERLAP_ORDER.index(current):
        found[gene] = overlap


def genes_from_csq(call: StructuralCall, entries: list[dict]) -> CallGenes | None:
    """From VEP's per-transcript entries (dicts with SYMBOL and Consequence); None when there are none."""
    found: dict[str, str] = {}
    for entry in entries:
        gene = (entry.get("SYMBOL") or entry.get("Gene") or "").strip()
        terms = [t for t in (entry.get("Consequence") or "").split("&") if t]
        if not gene:
            continue
        kinds = [CONSEQUENCE_OVERLAP[t] for t in terms if t in CONSEQUENCE_OVERLAP]
        if kinds:
            _strongest(found, gene, min(kinds, key=OVERLAP_ORDER.index))
        elif call.svtype in ("BND", "INV", "INS") and not NEARBY & set(terms):
            _strongest(found, gene, "breakpoint")
    if not entries:
        return None
    return CallGenes([GeneOverlap(g, o, "vep") for g, o in sorted(found.items())])


def genes_from_svannotate(info: dict) -> CallGenes | None:
    """From GATK-SV's PREDICTED_* fields; None when the record has none of them."""
    if not any(key.startswith("PREDICTED_") for key in info):
        return None
    found: dict[str, str] = {}
    for key, overlap in PREDICTED_OVERLAP.items():
        for gene in _names(info.get(key)):
            _strongest(found, gene, overlap)
    nearest = next(iter(_names(info.get("PREDICTED_NEAREST_TSS"))), "") if not found else ""
    return CallGenes([GeneOverlap(g, o, "svannotate") for g, o in sorted(found.items())], nearest=nearest)


def _names(value) -> list[str]:
    if value in (None, "", True, False):
        return []
    values = value if isinstance(value, (tuple, list)) else str(value).split(",")
    return [str(v).strip() for v in values if str(v).strip() and str(v).strip() != "."]


class GeneIndex:
    """Genes of a build's models by position: each gene's span and exons over all its transcripts."""

    def __init__(self, models: list[TranscriptModel]):
        genes: dict[tuple[str, str], dict] = {}
        for model in models:
            gene = genes.setdefault((model.chrom, model.gene_name or model.gene_id),
                                    {"start": model.start, "end": model.end, "exons": set()})
            gene["start"], gene["end"] = min(gene["start"], model.start), max(gene["end"], model.end)
            gene["exons"].update(model.exons)
        self.by_chrom: dict[str, list[tuple[int, int, str, tuple]]] = {}
        for (chrom, name), gene in genes.items():
            self.by_chrom.setdefault(chrom, []).append((gene["start"], gene["end"], name, tuple(sorted(gene["exons"]))))
        for rows in self.by_chrom.values():
            rows.sort()
        self.starts = {chrom: [row[0] for row in rows] for chrom, rows in self.by_chrom.items()}
        self.longest = {chrom: max((row[1] - row[0] for row in rows), default=0)
                        for chrom, rows in self.by_chrom.items()}

    @property
    def empty(self) -> bool:
        return not self.by_chrom

    def overlapping(self, chrom: str, start: int, end: int) -> list[tuple[int, int, str, tuple]]:
        rows = self.by_chrom.get(chrom, [])
        if not rows:
            return []
        hi = bisect.bisect_right(self.starts[chrom], end)
        lo = bisect.bisect_left(self.starts[chrom], start - self.longest[chrom])
        return [row for row in rows[lo:hi] if row[1] >= start and row[0] <= end]

    def nearest(self, chrom: str, start: int, end: int) -> str:
        rows = self.by_chrom.get(chrom, [])
        if not rows:
            return ""
        # The gene whose span lies closest to the call's (a gene ending before it, or starting after it).
        best = min(rows, key=lambda row: max(row[0] - end, start - row[1], 0))
        return best[2]


def genes_from_models(call: StructuralCall, index: GeneIndex) -> CallGenes:
    """By overlap with the gene models; an intergenic call names its nearest gene."""
    found: dict[str, str] = {}
    spans = call.svtype in SPANNING or call.svtype == "INV"
    if spans:
        for gene_start, gene_end, name, exons in index.overlapping(call.chrom, call.start, call.end):
            if call.start <= gene_start and gene_end <= call.end:
                _strongest(found, name, "whole_gene")
            elif call.svtype == "INV":
                _strongest(found, name, "breakpoint")  # an inversion's end inside the gene breaks it
            elif any(e_end >= call.start and e_start <= call.end for e_start, e_end in exons):
                _strongest(found, name, "exons")
            else:
                _strongest(found, name, "intronic")
    breakpoints = [(call.chrom, call.start)] if not spans else []
    if call.mate_chrom and call.mate_pos:
        breakpoints.append((call.mate_chrom, call.mate_pos))
    for chrom, pos in breakpoints:
        for _, _, name, exons in index.overlapping(chrom, pos, pos):
            exonic = any(e_start <= pos <= e_end for e_start, e_end in exons)
            _strongest(found, name, "exons" if exonic and call.svtype == "INS" else "breakpoint")
    nearest = "" if found else index.nearest(call.chrom, call.start, call.end)
    return CallGenes([GeneOverlap(g, o, "gene models") for g, o in sorted(found.items())], nearest=nearest)


def call_genes(call: StructuralCall, *, csq_entries: list[dict] | None, index: GeneIndex | None) -> CallGenes:
    """The call's genes by the first source that has something to say: VEP, SVAnnotate, the gene models."""
    for found in (genes_from_csq(call, csq_entries or []), genes_from_svannotate(call.info)):
        if found is not None:
            return found
    if index is not None and not index.empty:
        return genes_from_models(call, index)
    return CallGenes([], annotated=False)


def csq_entries(info: dict, annotation) -> list[dict]:
    """The record's per-transcript entries of the header's consequence field (``annotation``: a
    genomes.vcf.annotation.ConsequenceFormat, or None), with SnpEff's names read as VEP's."""
    if annotation is None or not info.get(annotation.info_key):
        return []
    entries = []
    for value in str(info[annotation.info_key]).split(","):
        entry = dict(zip(annotation.fields, value.split("|")))
        entry.setdefault("SYMBOL", entry.get("Gene_Name", ""))
        entry.setdefault("Consequence", entry.get("Annotation", ""))
        entries.append(entry)
    return entries
