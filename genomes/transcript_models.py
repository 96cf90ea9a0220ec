"""Gene and transcript models from a local Ensembl GTF, through pyensembl, and VEP-style consequences.

pyensembl indexes the GTF once into SQLite (in the cache folder given); models
are then held as plain tuples for fast position look-ups. No FASTA is needed:
consequences use exon and CDS coordinates only, so amino acids in HGVS p. are
not known ("p.(Xaa123Yaa)"-style positions only); the synthetic cohort is the
one user that needs more than coordinates, and it says so in its output.
"""
from __future__ import annotations

import bisect
import hashlib
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from genomes.variant_identity import normalize_contig

SPLICE_SITE = 2        # the two intronic bases at each exon boundary: splice donor/acceptor
SPLICE_REGION = 8      # 3-8 intronic bases (and 1-3 exonic) around a boundary: splice region
UPSTREAM_DOWNSTREAM = 5000
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


@dataclass(frozen=True)
class TranscriptModel:
    transcript_id: str
    gene_id: str
    gene_name: str
    biotype: str
    chrom: str
    start: int
    end: int
    strand: str
    exons: tuple[tuple[int, int], ...]  # ascending genomic order
    cds: tuple[tuple[int, int], ...]    # ascending genomic order; empty for non-coding
    canonical: bool
    protein_id: str = ""  # the Ensembl protein (ENSP) a p. notation names


def ensembl_genome(gtf_path: Path | str, *, build: str, cache_dir: Path | str):
    """A pyensembl Genome for a local GTF, indexed once into ``cache_dir`` (per file path)."""
    import pyensembl

    path = Path(gtf_path).resolve()
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        genome = pyensembl.Genome(reference_name=build, annotation_name=f"local-{digest}", gtf_path_or_url=str(path),
                                  cache_directory_path=str(Path(cache_dir) / digest))
        genome.index()
    return genome


def load_transcript_models(gtf_path: Path | str, *, build: str, cache_dir: Path | str) -> list[TranscriptModel]:
    """All transcripts of a GTF. The canonical one per gene is the longest CDS (else the longest transcript):
    Ensembl's canonical tag is not kept by pyensembl."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transcripts = ensembl_genome(gtf_path, build=build, cache_dir=cache_dir).transcripts()
    models, best = [], {}
    for t in transcripts:
        cds = (
            tuple(sorted(t.coding_sequence_position_ranges))
            if t.biotype == "protein_coding" and t.contains_start_codon and t.contains_stop_codon
            else ()
        )
        length = sum(e - s + 1 for s, e in cds) or (t.end - t.start + 1) / 1e6
        key = t.gene_id
        if key not in best or length > best[key][0]:
            best[key] = (length, t.transcript_id)
        models.append((t, cds))
    return [TranscriptModel(t.transcript_id, t.gene_id, t.gene_name or t.gene_id, t.biotype,
                            normalize_contig(t.contig), t.start, t.end, t.strand,
                            tuple(sorted(t.exon_intervals)), cds, best[t.gene_id][1] == t.transcript_id,
                            (t.protein_id or "") if cds else "")
            for t, cds in models]


@lru_cache(maxsize=4)
def gene_models(build: str) -> "GeneModels":
    """The configured GTF's transcript models of a build (settings.GENE_MODEL_GTF), indexed once per process."""
    from django.conf import settings

    gtf = settings.GENE_MODEL_GTF.get(str(build))
    if not gtf:
        return GeneModels([], gtf="")
    return GeneModels(load_transcript_models(gtf, build=str(build), cache_dir=settings.PYENSEMBL_CACHE_DIR), gtf=gtf)


class GeneModels:
    """Transcript models by transcript id (without version), protein id, and gene symbol (canonical first)."""

    def __init__(self, models: list[TranscriptModel], *, gtf: str):
        self.gtf = gtf
        self.by_transcript = {m.transcript_id.split(".")[0]: m for m in models}
        self.by_protein = {m.protein_id.split(".")[0]: m for m in models if m.protein_id}
        self.by_gene: dict[str, list[TranscriptModel]] = {}
        for model in sorted(models, key=lambda m: (not m.canonical, not m.cds, m.transcript_id)):
            self.by_gene.setdefault(model.gene_name.upper(), []).append(model)
            self.by_gene.setdefault(model.gene_id.split(".")[0].upper(), []).append(model)

    def canonical(self, gene: str) -> TranscriptModel | None:
        models = self.by_gene.get(gene.upper())
        return models[0] if models else None

    def gene_span(self, gene: str) -> tuple[str, int, int] | None:
        """(chrom, start, end) over the gene's transcripts."""
        models = self.by_gene.get(gene.upper())
        if not models:
            return None
        return models[0].chrom, min(m.start for m in models), max(m.end for m in models)


class TranscriptIndex:
    """Transcripts by position on one coordinate system; ``near(chrom, pos)`` within 5 kb."""

    def __init__(self, models: list[TranscriptModel]):
        self.by_chrom: dict[str, list[TranscriptModel]] = {}
        for model in sorted(models, key=lambda m: (m.chrom, m.start)):
            self.by_chrom.setdefault(model.chrom, []).append(model)
        self.starts = {c: [m.start for m in ms] for c, ms in self.by_chrom.items()}
        self.longest = max((m.end - m.start for m in models), default=0)

    def near(self, chrom: str, pos: int) -> list[TranscriptModel]:
        models = self.by_chrom.get(chrom)
        if not models:
            return []
        hi = bisect.bisect_right(self.starts[chrom], pos + UPSTREAM_DOWNSTREAM)
        lo = bisect.bisect_left(self.starts[chrom], pos - UPSTREAM_DOWNSTREAM - self.longest)
        return [m for m in models[lo:hi] if m.start - UPSTREAM_DOWNSTREAM <= pos <= m.end + UPSTREAM_DOWNSTREAM]


def _cds_offset(model: TranscriptModel, pos: int) -> int | None:
    """1-based position of ``pos`` in the spliced coding sequence, strand-aware."""
    offset = 0
    ranges = model.cds if model.strand == "+" else tuple(reversed(model.cds))
    for start, end in ranges:
        if start <= pos <= end:
            return offset + (pos - start + 1 if model.strand == "+" else end - pos + 1)
        offset += end - start + 1
    return None


def transcript_consequence(model: TranscriptModel, pos: int, ref: str, alt: str) -> dict:
    """SO consequence terms, exon/intron number and an HGVS c. for one variant on one transcript."""
    end = pos + len(ref) - 1
    exons_in_order = model.exons if model.strand == "+" else tuple(reversed(model.exons))
    n_exons = len(exons_in_order)
    entry = {"transcript": model, "terms": [], "exon": "", "intron": "", "hgvsc": "", "protein_position": None}
    if end < model.start or pos > model.end:
        upstream = (pos < model.start) == (model.strand == "+")
        entry["terms"] = ["upstream_gene_variant" if upstream else "downstream_gene_variant"]
        return entry
    terms = entry["terms"]
    for number, (s, e) in enumerate(exons_in_order, start=1):
        if pos <= e and end >= s:
            entry["exon"] = f"{number}/{n_exons}"
            break
    coding = bool(model.cds) and any(pos <= e and end >= s for s, e in model.cds)
    # Intronic: distance to the nearest exon boundary decides splice site / region.
    if not entry["exon"]:
        for number in range(1, n_exons):
            a, b = exons_in_order[number - 1], exons_in_order[number]
            low, high = (a[1], b[0]) if model.strand == "+" else (b[1], a[0])
            if low < pos < high:
                entry["intron"] = f"{number}/{n_exons - 1}"
                to_donor = pos - low if model.strand == "+" else high - pos
                to_acceptor = high - pos if model.strand == "+" else pos - low
                if to_donor <= SPLICE_SITE:
                    terms.append("splice_donor_variant")
                elif to_acceptor <= SPLICE_SITE:
                    terms.append("splice_acceptor_variant")
                elif min(to_donor, to_acceptor) <= SPLICE_REGION:
                    terms.append("splice_region_variant")
                terms.append("intron_variant")
                break
    elif coding:
        delta = len(alt) - len(ref)
        if delta == 0 and len(ref) == 1:
            terms.append("coding_sequence_variant")  # refined by the caller, who knows the codon change
        elif delta % 3:
            terms.append("frameshift_variant")
        else:
            terms.append("inframe_insertion" if delta > 0 else "inframe_deletion")
        offset = _cds_offset(model, pos)
        if offset:
            strand_ref = ref if model.strand == "+" else ref.translate(COMPLEMENT)[::-1]
            strand_alt = alt if model.strand == "+" else alt.translate(COMPLEMENT)[::-1]
            entry["hgvsc"] = (
                f"c.{offset}{strand_ref}>{strand_alt}" if delta == 0 else f"c.{offset}del{strand_ref}ins{strand_alt}"
            )
            entry["protein_position"] = (offset - 1) // 3 + 1
    elif model.cds:
        five_prime = (pos < model.cds[0][0]) if model.strand == "+" else (pos > model.cds[-1][1])
        terms.append("5_prime_UTR_variant" if five_prime else "3_prime_UTR_variant")
    else:
        terms.append("non_coding_transcript_exon_variant")
    if not terms:  # inside the transcript's span but outside its listed exons and introns (GTF edge cases)
        terms.append("intron_variant")
    return entry
