"""Synthetic cohorts: VEP-style annotated family VCFs at any size, with planted causal variants.

For tests and benchmarks only; everything here is labelled synthetic in the files it writes.

- Families: trios (child, father, mother) or foetus with parents; genotypes are
  Mendelian (each parent passes one allele), depths ~Poisson(30), allele
  depths binomial; an optional maternal cell contamination fraction mixes the
  mother's reads into the foetus's.
- Sites: spread over chromosomes 1-22 and X by length; population frequencies
  drawn from a WGS-like spectrum (most sites common, ~6% at popmax <= 5%);
  ``rare_only`` writes just the sites a retention policy keeps.
- Consequences from real Ensembl transcript models (a GTF through pyensembl), at
  their real place with their real identifiers (gene, transcript and protein ids from
  the GTF). There is no FASTA: reference bases are drawn, but once per site and shared
  by every transcript, and each coding change is translated from that drawn sequence
  context (the codon around the change, strand and phase from the transcript model),
  so a stop gained is a codon that becomes TAA/TAG/TGA, a synonymous change keeps the
  amino acid, and p. names the amino acids the codons code for. Outside the GTF's
  region the genome is gene-free: the default cohort is biologically possible.
- ``gene_copies`` (benchmarks and load tests only, never the demo): the GTF's region
  tiled over every chromosome, each copy followed by a gene-free stretch, so that
  coding sequence covers CODING_FRACTION of the genome as in GRCh38 and a genome
  carries a realistic number of coding variants; copies are named
  "<GENE>-syn<chrom>.<copy>", which no real genome has, and the VCF header says so.
  X-linked families need them (the shipped GTFs have no X gene).
- Purifying selection: a background site that falls in coding sequence is kept
  with probability CODING_RETENTION (otherwise it moves elsewhere), so each
  genome carries about as many protein-altering variants as a real one.
- Planted causal variants per family (de novo, compound heterozygous, autosomal
  recessive homozygous, X-linked hemizygous), absent from population data,
  written to truth.tsv so analyses can prove recall.
"""
from __future__ import annotations

import bisect
import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from genomes.transcript_models import (
    TranscriptIndex,
    TranscriptModel,
    _cds_offset,
    load_transcript_models,
    transcript_consequence,
)
from genomes.transcripts import AMINO_ACIDS as _THREE
from genomes.variant_identity import CONTIG_LENGTHS, GenomeBuild

MODES = ("de_novo", "comp_het", "ar_hom", "x_linked")
TRANSITION = {"A": "G", "G": "A", "C": "T", "T": "C"}
CSQ_FIELDS = ("Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|"
              "Protein_position|Existing_variation|STRAND|CANONICAL|MANE_SELECT|REVEL|SpliceAI_pred_DS_AG|"
              "SpliceAI_pred_DS_AL|SpliceAI_pred_DS_DG|SpliceAI_pred_DS_DL|gnomADe_AF|MAX_AF|CLIN_SIG")
# GRCh38: ~35 Mb of protein-coding CDS (Ensembl canonical, 19,400 genes) in 3.1 Gb.
CODING_FRACTION = 0.0112
# A genome differs from the reference at 4.1-5.0M sites but carries only 10,000-12,000 peptide-altering
# variants (1000 Genomes Project, Nature 526:68, 2015); neutral placement over 1.12% coding sequence with
# ~70% of coding changes non-synonymous would give ~34,000: a third of coding variation survives selection.
CODING_RETENTION = 0.33
IMPACT = {"stop_gained": "HIGH", "frameshift_variant": "HIGH", "splice_donor_variant": "HIGH",
          "splice_acceptor_variant": "HIGH", "missense_variant": "MODERATE", "inframe_insertion": "MODERATE",
          "inframe_deletion": "MODERATE", "synonymous_variant": "LOW", "splice_region_variant": "LOW"}


@dataclass
class CohortSpec:
    out_dir: Path
    gtf_paths: list[Path]
    build: GenomeBuild = GenomeBuild.GRCH38
    families: int = 1
    kind: str = "trio"                 # trio or foetal
    records: int = 10_000              # per family, planted variants included
    rare_only: bool = False
    seed: int = 1
    contamination: float = 0.0         # foetal: fraction of maternal DNA in the foetal sample
    cache_dir: Path | None = None
    gene_copies: bool = False          # tile labelled gene copies over the genome (benchmarks; see above)


@dataclass
class Site:
    chrom: str
    pos: int
    ref: str
    alt: str
    popmax: float | None
    genotypes: tuple[int, int, int]    # child, father, mother: ALT copies
    planted: str = ""                  # mode, for planted causal variants
    forced_terms: tuple[str, ...] = ()
    model: TranscriptModel | None = None
    partner: str = ""
    context: dict = field(default_factory=dict)  # drawn reference bases around the site (genomic position -> base)


@dataclass
class FamilyTruth:
    family: str
    child_sex: str
    rows: list[dict] = field(default_factory=list)


class BgzfWriter:
    """BGZF (blocked gzip) as htslib writes it, so tools can index and read the files in parallel."""

    BLOCK = 65280

    def __init__(self, path: Path, level: int = 1):
        self.handle, self.level, self.buffer = open(path, "wb"), level, bytearray()

    def write(self, text: str) -> None:
        self.buffer += text.encode()
        while len(self.buffer) >= self.BLOCK:
            self._block(bytes(self.buffer[:self.BLOCK]))
            del self.buffer[:self.BLOCK]

    def _block(self, data: bytes) -> None:
        compressor = zlib.compressobj(self.level, zlib.DEFLATED, -15)
        body = compressor.compress(data) + compressor.flush()
        header = struct.pack("<4BI2BH2BHH", 31, 139, 8, 4, 0, 0, 255, 6, 66, 67, 2, len(body) + 25)
        self.handle.write(header + body + struct.pack("<2I", zlib.crc32(data) & 0xFFFFFFFF, len(data)))

    def close(self) -> None:
        if self.buffer:
            self._block(bytes(self.buffer))
        self._block(b"")  # the EOF marker block
        self.handle.close()


class TiledGenome:
    """The GTF's region repeated along every chromosome, with copies renamed (see module docstring)."""

    def __init__(self, models: list[TranscriptModel], coding_fraction: float = CODING_FRACTION, *,
                 copies: bool = True):
        self.copies = copies
        self.template_chrom = models[0].chrom
        self.low = min(m.start for m in models) - 10_000
        self.high = max(m.end for m in models) + 10_000
        self.coding = _merged(c for m in models for c in m.cds)
        coding_bases = sum(end - start + 1 for start, end in self.coding)
        # The template region, then a gene-free stretch: its copies sit one period apart.
        self.period = max(self.high - self.low, int(coding_bases / coding_fraction))
        self._coding_starts = [start for start, _ in self.coding]
        self.index = TranscriptIndex(models)
        self.real = [m for m in models if m.canonical and m.cds]

    def _template_offset(self, chrom: str, pos: int) -> int | None:
        """The template position a genome position copies, or None in the gene-free part of a period."""
        if chrom == self.template_chrom and self.low <= pos < self.high:
            return pos
        if not self.copies:
            return None
        offset = self.low + pos % self.period
        return offset if offset < self.high else None

    def in_coding(self, chrom: str, pos: int) -> bool:
        offset = self._template_offset(chrom, pos)
        if offset is None:
            return False
        index = bisect.bisect_right(self._coding_starts, offset) - 1
        return index >= 0 and offset <= self.coding[index][1]

    def models_at(self, chrom: str, pos: int) -> list[TranscriptModel]:
        if chrom == self.template_chrom and self.low <= pos < self.high:
            return self.index.near(chrom, pos)
        offset = self._template_offset(chrom, pos)
        if offset is None:
            return []
        copy, shift = pos // self.period, pos - offset
        return [self._copy(m, chrom, copy, shift) for m in self.index.near(self.template_chrom, offset)]

    @staticmethod
    def _copy(model: TranscriptModel, chrom: str, copy: int, shift: int) -> TranscriptModel:
        tag = f"-syn{chrom}.{copy}"
        return TranscriptModel(
            model.transcript_id + tag, model.gene_id + tag, model.gene_name + tag, model.biotype, chrom,
            model.start + shift, model.end + shift, model.strand,
            tuple((s + shift, e + shift) for s, e in model.exons), tuple((s + shift, e + shift) for s, e in model.cds),
            model.canonical, model.protein_id + tag if model.protein_id else "")

    def copy_of(self, model: TranscriptModel, chrom: str, copy: int) -> TranscriptModel:
        """Copy number ``copy`` of a template model on ``chrom``, where models_at() finds it again."""
        return self._copy(model, chrom, copy, copy * self.period - self.low)

    def copy_range(self, chrom_length: int) -> range:
        """Copy numbers that lie wholly inside a chromosome of this length."""
        first = self.low // self.period + 1
        return range(first, max(first + 1, chrom_length // self.period - 1))


def _merged(intervals) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def generate_cohort(spec: CohortSpec) -> dict:
    rng = random.Random(spec.seed)
    models = []
    for gtf in spec.gtf_paths:
        models += load_transcript_models(
            gtf, build=str(spec.build), cache_dir=spec.cache_dir or spec.out_dir / ".pyensembl"
        )
    if not models:
        raise ValueError("the GTF has no transcripts")
    genome = TiledGenome(models, copies=spec.gene_copies)
    # X-linked families need an X gene: the shipped GTFs have none, so only gene copies give one
    modes = MODES if spec.gene_copies or any(m.chrom == "X" and m.cds for m in models) else MODES[:-1]
    spec.out_dir.mkdir(parents=True, exist_ok=True)
    truths, files = [], []
    for number in range(1, spec.families + 1):
        family = f"SYN{spec.kind.upper()}{number:04d}"
        truth = _write_family(spec, genome, rng, family, modes[(number - 1) % len(modes)])
        truths.append(truth)
        files.append({"family": family, "vcf": f"{family}.vcf.gz", "ped": f"{family}.ped"})
    with open(spec.out_dir / "truth.tsv", "w") as out:
        out.write("family\tmode\tchrom\tpos\tref\talt\tgene\tpartner\tchild_sex\n")
        for truth in truths:
            for row in truth.rows:
                out.write(f"{truth.family}\t{row['mode']}\t{row['chrom']}\t{row['pos']}\t{row['ref']}\t{row['alt']}\t"
                          f"{row['gene']}\t{row['partner']}\t{truth.child_sex}\n")
    summary = {"build": str(spec.build), "kind": spec.kind, "families": files, "records_per_family": spec.records,
               "rare_only": spec.rare_only, "seed": spec.seed, "contamination": spec.contamination,
               "gene_copies": spec.gene_copies,
               "planted": sum(len(t.rows) for t in truths)}
    (spec.out_dir / "cohort.json").write_text(json.dumps(summary, indent=2))
    return summary


def _sample_names(kind: str, family: str) -> tuple[str, str, str]:
    child = "FOETUS" if kind == "foetal" else "CHILD"
    return f"{family}_{child}", f"{family}_FATHER", f"{family}_MOTHER"


def _write_family(spec, genome: TiledGenome, rng: random.Random, family: str, mode: str) -> FamilyTruth:
    child_sex = "male" if mode == "x_linked" else rng.choice(("male", "female"))
    child, father, mother = _sample_names(spec.kind, family)
    sex_code = "1" if child_sex == "male" else "2"
    (spec.out_dir / f"{family}.ped").write_text(
        "#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype\n"
        f"{family}\t{child}\t{father}\t{mother}\t{sex_code}\t2\n"
        f"{family}\t{father}\t0\t0\t1\t1\n{family}\t{mother}\t0\t0\t2\t1\n")
    planted = _planted_sites(genome, rng, mode, child_sex)
    truth = FamilyTruth(family, child_sex, [
        {"mode": s.planted, "chrom": s.chrom, "pos": s.pos, "ref": s.ref, "alt": s.alt,
         "gene": s.model.gene_name, "partner": s.partner} for s in planted])
    lengths = {c: n for c, n in CONTIG_LENGTHS[spec.build].items() if c not in ("Y", "MT")}
    total = sum(lengths.values())
    background = spec.records - len(planted)
    writer = BgzfWriter(spec.out_dir / f"{family}.vcf.gz")
    writer.write(_header(spec, (child, father, mother)))
    planted_by_chrom: dict[str, list[Site]] = {}
    for site in planted:
        planted_by_chrom.setdefault(site.chrom, []).append(site)
    counts = {chrom: background * length // total for chrom, length in lengths.items()}
    for chrom in list(lengths)[: background - sum(counts.values())]:  # the remainder, one each
        counts[chrom] += 1
    for chrom, length in lengths.items():
        taken = {s.pos for s in planted_by_chrom.get(chrom, [])}
        wanted, chosen = counts[chrom], set()
        while len(chosen) < wanted:
            chosen.update(p for p in (rng.randrange(1, length - 20) for _ in range(wanted - len(chosen)))
                          if not genome.in_coding(chrom, p) or rng.random() < CODING_RETENTION)
            chosen -= taken
        positions = sorted(chosen)
        sites = [_background_site(rng, chrom, p, spec.rare_only, child_sex) for p in positions]
        sites += planted_by_chrom.get(chrom, [])
        sites.sort(key=lambda s: s.pos)
        lines = [_record(spec, genome, rng, site, child_sex) for site in sites]
        writer.write("".join(lines))
    writer.close()
    return truth


def _popmax(rng: random.Random, rare_only: bool) -> float | None:
    draw = rng.random() * (0.06 if rare_only else 1.0)
    if draw < 0.005:
        return None                                  # novel: absent from population databases
    if draw < 0.015:
        return 10 ** rng.uniform(-5, -3)
    if draw < 0.06:
        return 10 ** rng.uniform(-3, -1.302)         # up to 0.05
    return rng.uniform(0.0501, 1.0)


def _background_site(rng: random.Random, chrom: str, pos: int, rare_only: bool, child_sex: str) -> Site:
    popmax = _popmax(rng, rare_only)
    frequency = (popmax or 1e-5) / rng.uniform(1.0, 2.5)
    kind = rng.random()
    base = rng.choice("ACGT")
    if kind < 0.85:
        ref, alt = (
            base,
            (
                TRANSITION[base]
                if rng.random() < 0.67
                else rng.choice([b for b in "ACGT" if b != base and b != TRANSITION[base]])
            ),
        )
    elif kind < 0.92:
        ref, alt = base + "".join(rng.choice("ACGT") for _ in range(min(10, int(rng.expovariate(0.5)) + 1))), base
    elif kind < 0.99:
        ref, alt = base, base + "".join(rng.choice("ACGT") for _ in range(min(10, int(rng.expovariate(0.5)) + 1)))
    else:
        ref = base + rng.choice("ACGT")
        alt = "".join(rng.choice([b for b in "ACGT" if b != r]) for r in ref)
    return Site(chrom, pos, ref, alt, popmax, _family_genotypes(rng, frequency, chrom == "X", child_sex))


def _family_genotypes(rng: random.Random, frequency: float, on_x: bool, child_sex: str) -> tuple[int, int, int]:
    """ALT copies of (child, father, mother): parents by Hardy-Weinberg, the child by transmission."""
    for attempt in range(21):
        father = [rng.random() < frequency for _ in range(1 if on_x else 2)]
        mother = [rng.random() < frequency for _ in range(2)]
        if attempt == 20:  # a rare site nobody drew: a VCF lists it because someone carries it
            mother = [True, False]
        from_mother = rng.choice(mother)
        if on_x and child_sex == "male":
            child = int(from_mother) * 2                 # hemizygous, written as 0/0 or 1/1
        else:
            child = int(rng.choice(father)) + int(from_mother)
        father_copies = sum(father) * (2 if on_x else 1)  # a male's one X: 0/0 or 1/1
        if child or father_copies or sum(mother):
            return child, father_copies, sum(mother)
    raise AssertionError("unreachable")


def _planted_sites(genome: TiledGenome, rng: random.Random, mode: str, child_sex: str) -> list[Site]:
    gene = rng.choice(genome.real)
    if mode == "x_linked" and any(m.chrom == "X" for m in genome.real):
        gene = rng.choice([m for m in genome.real if m.chrom == "X"])
    elif mode == "x_linked":
        x_length = CONTIG_LENGTHS[GenomeBuild.GRCH38]["X"]
        gene = genome.copy_of(gene, "X", rng.choice(genome.copy_range(x_length)))

    def coding_position(model):
        start, end = rng.choice(model.cds)
        return rng.randrange(start, end + 1)

    def site(model, genotypes, planted, frequency=None, partner=""):
        # a stop gained: the codon around the position (on the transcript's strand) becomes a stop codon
        pos = coding_position(model)
        while _codon_phase(model, pos) is None:
            pos = coding_position(model)
        context, ref, alt = _stop_gain_context(rng, model, pos)
        return Site(model.chrom, pos, ref, alt, frequency, genotypes, planted, ("stop_gained",), model, partner,
                    context)

    if mode == "de_novo":
        return [site(gene, (1, 0, 0), "de_novo")]
    if mode == "ar_hom":
        return [site(gene, (2, 1, 1), "ar_hom", frequency=0.0003)]
    if mode == "x_linked":
        return [site(gene, (2, 0, 1), "x_linked")]
    paternal = site(gene, (1, 1, 0), "comp_het", frequency=0.0002)
    maternal = site(gene, (1, 0, 1), "comp_het", frequency=0.0001)
    while maternal.pos == paternal.pos:
        maternal = site(gene, (1, 0, 1), "comp_het", frequency=0.0001)
    paternal.partner = f"{maternal.chrom}-{maternal.pos}-{maternal.ref}-{maternal.alt}"
    maternal.partner = f"{paternal.chrom}-{paternal.pos}-{paternal.ref}-{paternal.alt}"
    return [paternal, maternal]


def _header(spec: CohortSpec, samples: tuple[str, str, str]) -> str:
    contigs = "".join(
        f"##contig=<ID={'chr' if spec.build == GenomeBuild.GRCH38 else ''}{c},length={n},assembly={spec.build}>\n"
        for c, n in CONTIG_LENGTHS[spec.build].items()
    )
    return (
        "##fileformat=VCFv4.2\n"
        f"##source=interpret generate_cohort (SYNTHETIC data for tests and benchmarks; seed {spec.seed})\n"
        f"##reference={spec.build} (synthetic: reference bases are drawn; coding changes are translated from the "
        "drawn codon context)\n"
        + (
            "##synthetic_gene_copies=the GTF's genes tiled over the genome as <GENE>-syn<chrom>.<copy> for load "
            "tests: no real genome has them\n"
            if spec.gene_copies
            else ""
        )
        + contigs
        + '##FILTER=<ID=PASS,Description="All filters passed">\n'
        '##FILTER=<ID=LowQual,Description="Low quality">\n'
        '##INFO=<ID=gnomAD_AF,Number=A,Type=Float,Description="Synthetic gnomAD allele frequency">\n'
        '##INFO=<ID=gnomAD_AF_popmax,Number=A,Type=Float,Description="Synthetic gnomAD popmax allele frequency">\n'
        '##INFO=<ID=CADD_PHRED,Number=A,Type=Float,Description="Synthetic CADD phred score">\n'
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP (synthetic). '
        f'Format: {CSQ_FIELDS}">\n'
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples) + "\n"
    )


GT_TEXT = {0: "0/0", 1: "0/1", 2: "1/1"}


def _sample_field(rng: random.Random, copies: int, mixed_fraction: float | None = None) -> str:
    depth = max(4, int(rng.gauss(30, 6)))
    fraction = mixed_fraction if mixed_fraction is not None else (0.004, 0.5, 0.995)[copies]
    alt_reads = sum(1 for _ in range(depth) if rng.random() < fraction) if depth < 60 else int(depth * fraction)
    quality = 99 if depth >= 15 else depth * 5
    return f"{GT_TEXT[copies]}:{depth - alt_reads},{alt_reads}:{depth}:{quality}"


def _record(spec, genome: TiledGenome, rng: random.Random, site: Site, child_sex: str) -> str:
    models = genome.models_at(site.chrom, site.pos)
    models.sort(key=lambda m: (not m.canonical, m.transcript_id))
    entries = _csq_entries(rng, site, models[:5])
    info = []
    if site.popmax is not None:
        frequency = site.popmax / rng.uniform(1.0, 2.5)
        info.append(f"gnomAD_AF={frequency:.6g};gnomAD_AF_popmax={site.popmax:.6g}")
    info.append(f"CADD_PHRED={(rng.uniform(25, 40) if site.planted else rng.uniform(0, 20)):.2f}")
    info.append("CSQ=" + ",".join(entries))
    child, father, mother = site.genotypes
    contamination = spec.contamination if spec.kind == "foetal" else 0.0
    mixed = None
    if contamination:
        foetal = (0.004, 0.5, 0.995)[child]
        maternal = (0.004, 0.5, 0.995)[mother]
        mixed = (1 - contamination) * foetal + contamination * maternal
    quality = rng.uniform(200, 3000) if site.planted or rng.random() < 0.95 else rng.uniform(5, 30)
    filter_value = "PASS" if quality > 30 else "LowQual"
    chrom = ("chr" if spec.build == GenomeBuild.GRCH38 else "") + site.chrom
    return (
        f"{chrom}\t{site.pos}\t.\t{site.ref}\t{site.alt}\t{quality:.1f}\t{filter_value}\t{';'.join(info)}\tGT:AD:DP:GQ\t"
        f"{_sample_field(rng, child, mixed)}\t{_sample_field(rng, father)}\t{_sample_field(rng, mother)}\n"
    )


def _vep_allele(ref: str, alt: str) -> str:
    if len(ref) > 1 or len(alt) > 1:
        if ref[0] == alt[0]:
            return alt[1:] or "-"
    return alt


def _csq_entries(rng: random.Random, site: Site, models: list[TranscriptModel]) -> list[str]:
    allele = _vep_allele(site.ref, site.alt)
    frequency = "" if site.popmax is None else f"{site.popmax / 1.5:.6g}"
    max_af = "" if site.popmax is None else f"{site.popmax:.6g}"
    if not models:
        return [f"{allele}|intergenic_variant|MODIFIER||||||||||||||||||||{frequency}|{max_af}|"]
    entries = []
    for model in models:
        result = transcript_consequence(model, site.pos, site.ref, site.alt)
        terms = list(result["terms"])
        change = None
        if terms == ["coding_sequence_variant"]:
            change = _translated(rng, site, model)
            if change is not None:
                terms = [change[0]]
        worst = terms[0]
        impact = IMPACT.get(worst, "MODIFIER")
        hgvsp = revel = ""
        if change is not None and model.protein_id:
            term, before, position, after = change
            hgvsp = f"{model.protein_id}:p.{before}{position}{'=' if term == 'synonymous_variant' else after}"
            if term == "missense_variant":
                revel = f"{(rng.uniform(0.5, 0.95) if site.planted else rng.betavariate(1.2, 3)):.3f}"
        hgvsc = f"{model.transcript_id}:{result['hgvsc']}" if result["hgvsc"] else ""
        splice = [f"{rng.uniform(0.5, 0.95):.2f}" if "splice" in worst and "region" not in worst else "0.00"] + [
            "0.00"
        ] * 3
        entries.append("|".join((
            allele, "&".join(terms), impact, model.gene_name, model.gene_id, "Transcript", model.transcript_id,
            model.biotype, result["exon"], result["intron"], hgvsc, hgvsp,
            str(result["protein_position"] or ""), "", "1" if model.strand == "+" else "-1",
            "YES" if model.canonical else "", "", revel, *splice, frequency, max_af, "")))
    return entries


# The standard genetic code (codon on the coding strand -> 3-letter amino acid; Ter for the stops).
_BASES = "TCAG"
_CODE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
GENETIC_CODE = {a + b + c: ("Ter" if aa == "*" else _THREE[aa])
                for (a, b, c), aa in zip(((a, b, c) for a in _BASES for b in _BASES for c in _BASES), _CODE)}
STOPS = ("TAA", "TAG", "TGA")
_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def _codon_phase(model: TranscriptModel, pos: int) -> tuple[int, list[int]] | None:
    """(phase of ``pos`` in its codon, the genomic positions of the codon's three bases in coding order), or None
    when the codon is not whole in the CDS (a transcript's first or last, incomplete codon)."""
    offset = _cds_offset(model, pos)
    if offset is None:
        return None
    first = offset - (offset - 1) % 3
    positions = [_genomic_of_cds(model, first + i) for i in range(3)]
    if None in positions:
        return None
    return (offset - 1) % 3, positions


def _genomic_of_cds(model: TranscriptModel, offset: int) -> int | None:
    ranges = model.cds if model.strand == "+" else tuple(reversed(model.cds))
    for start, end in ranges:
        length = end - start + 1
        if offset <= length:
            return start + offset - 1 if model.strand == "+" else end - offset + 1
        offset -= length
    return None


def _strand(model: TranscriptModel, base: str) -> str:
    return base if model.strand == "+" else base.translate(_COMPLEMENT)


def _codon(model: TranscriptModel, positions: list[int], context: dict) -> str:
    return "".join(_strand(model, context[p]) for p in positions)


def _stop_gain_context(rng: random.Random, model: TranscriptModel, pos: int) -> tuple[dict, str, str]:
    """Reference bases around ``pos`` and its REF/ALT (genomic strand) such that the transcript's codon there is a
    sense codon that the change makes a stop."""
    phase, positions = _codon_phase(model, pos)
    choices = [(sense, stop) for stop in STOPS for base in "ACGT"
               if base != stop[phase] and GENETIC_CODE[sense := stop[:phase] + base + stop[phase + 1:]] != "Ter"]
    sense, stop = rng.choice(choices)
    context = {}
    for i, p in enumerate(positions):
        context[p] = _strand(model, sense[i])  # the transcript's base on the genomic strand
    ref, alt = context[pos], _strand(model, stop[phase])
    return context, ref, alt


def _translated(rng: random.Random, site: Site, model: TranscriptModel) -> tuple[str, str, int, str] | None:
    """(SO term, amino acid before, protein position, after) of an SNV in the coding sequence, translated from the
    site's drawn reference context (drawn here where a base is not yet known); None for an incomplete codon."""
    found = _codon_phase(model, site.pos)
    if found is None or len(site.ref) != 1 or len(site.alt) != 1:
        return None
    phase, positions = found
    site.context.setdefault(site.pos, site.ref)
    for attempt in range(20):
        drawn = {p: site.context.get(p) or rng.choice("ACGT") for p in positions}
        before = _codon(model, positions, drawn)
        if GENETIC_CODE[before] != "Ter" or attempt == 19:
            break
    site.context.update(drawn)
    after = before[:phase] + _strand(model, site.alt) + before[phase + 1:]
    position = (_cds_offset(model, site.pos) - 1) // 3 + 1
    aa_before, aa_after = GENETIC_CODE[before], GENETIC_CODE[after]
    if aa_before == "Ter":
        return None  # a drawn context with a stop in the reference: left a coding_sequence_variant
    term = ("synonymous_variant" if aa_before == aa_after else "stop_gained" if aa_after == "Ter"
            else "missense_variant")
    return term, aa_before, position, aa_after
