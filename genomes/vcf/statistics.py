"""What an import counts of everything it reads, for QC: records, alleles kept and skipped, variant types,
Ti/Tv, worst consequences, per-sample het/hom-alt (autosomes and X) and Mendelian errors of a trio.

The counting is shared by the VCF reader (genomes.vcf.records) and the record screen (genomes.vcf.screen),
which count the records each decides exactly alike; tests/genomes/vcf/test_screen.py holds them to it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from genomes.genotypes import HET, HET_OTHER_ALT, HOM_ALT, MENDELIAN
from genomes.vcf.consequences import worst_consequence

TRANSITIONS = {("A", "G"), ("G", "A"), ("C", "T"), ("T", "C")}
# A trio site counts for the Mendelian error rate only when every trio call has at least this GQ (and PASS).
MENDELIAN_MIN_GQ = 20

# Sample identity QC (genomes.sample_qc) counts what genotypes reliably: biallelic SNVs as written, FILTER PASS,
# and of each sample a call with GQ >= IDENTITY_MIN_GQ (or no GQ reported); other calls count as missing.
# Regions: autosomes with the pseudoautosomal regions, X outside them, Y outside them; MT is not counted.
IDENTITY_MIN_GQ = 20
QC_AUTOSOMAL, QC_X, QC_Y = 0, 1, 2


def identity_region_table(build) -> dict[str, tuple[int, int, int]]:
    """Per canonical contig: (region outside the PARs, end of PAR1, start of PAR2); MT and others absent."""
    from genomes.variant_identity import PRIMARY_CONTIGS, pseudoautosomal_bounds

    table = {}
    for contig in PRIMARY_CONTIGS:
        if contig == "MT":
            continue
        region = QC_X if contig == "X" else QC_Y if contig == "Y" else QC_AUTOSOMAL
        table[contig] = (region, *pseudoautosomal_bounds(build, contig))
    return table


def identity_region(table: dict, contig: str, pos: int) -> int | None:
    entry = table.get(contig)
    if entry is None:
        return None
    region, par1_end, par2_start = entry
    if region and (pos <= par1_end or pos >= par2_start):
        return QC_AUTOSOMAL
    return region


def identity_codes(genotypes: list[int], quals: list | None) -> tuple[int, ...]:
    """Genotype codes with the calls below IDENTITY_MIN_GQ as missing (-1)."""
    if quals is None:
        return tuple(genotypes)
    return tuple(-1 if 0 <= q < IDENTITY_MIN_GQ else code for code, q in zip(genotypes, quals))


def variant_type(ref: str, alt: str) -> str:
    if len(ref) == len(alt):
        return "snv" if len(ref) == 1 else "mnv"
    if len(ref) == 1:
        return "ins"
    if len(alt) == 1:
        return "del"
    return "indel"


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
    # (identity region, the samples' codes) -> sites; the raw material of sample identity QC
    identity_patterns: Counter = field(default_factory=Counter)
    # The first structural records met (symbolic or breakend alleles: genomes.vcf.records): not stored, named
    structural: list = field(default_factory=list)
    sv_declared: int = 0  # records declaring an SVTYPE (sequence-resolved ones are stored)

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
            "identity_patterns": [[region, list(codes), count]
                                  for (region, codes), count in sorted(self.identity_patterns.items())],
            "structural": list(self.structural), "sv_declared": self.sv_declared,
        }

    def merge(self, other: dict) -> None:
        """Add the as_dict() of another part of the same file (parallel import)."""
        for name in ("records", "alleles", "kept", "transitions", "transversions", "mendelian_sites",
                     "mendelian_errors", "sv_declared"):
            setattr(self, name, getattr(self, name) + other[name])
        for name in ("skipped", "by_type", "by_consequence"):
            getattr(self, name).update(other[name])
        for name in ("het", "hom_alt", "x_het", "x_hom_alt"):
            mine = getattr(self, name)
            setattr(self, name, [a + b for a, b in zip(mine, other[name])] if mine else list(other[name]))
        for region, codes, count in other.get("identity_patterns", ()):
            self.identity_patterns[(region, tuple(codes))] += count
        self.structural = sorted(self.structural + list(other.get("structural", ())),
                                 key=lambda s: (s["chrom"], s["pos"]))[:20]


class RecordCounter:
    """Counts alleles and genotype patterns into a ReadStatistics; per-sample figures are derived from the
    pattern counts once (``tally_patterns``), because counting each sample of each record costs more."""

    def __init__(self, *, samples: int, trio: tuple[int, int, int] | None, trio_columns: list[int],
                 annotation=None):
        self.statistics = ReadStatistics()
        for counts in ("het", "hom_alt", "x_het", "x_hom_alt"):
            setattr(self.statistics, counts, [0] * samples)
        self.trio, self.trio_columns, self.annotation = trio, trio_columns, annotation
        self.patterns: dict[tuple, int] = {}
        self._worst_cache: dict[tuple, str] = {}

    def count_allele(self, ref: str, alt: str) -> str:
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

    def worst_of_annotation(self, csq: str | None) -> str:
        """The worst consequence term of a raw CSQ/ANN value's entries."""
        if not csq:
            return ""
        index = self.annotation.index["consequence"]
        fields = tuple(entry.split("|", index + 1)[index] for entry in csq.split(","))
        worst = self._worst_cache.get(fields)
        if worst is None:
            worst = worst_consequence({term for f in fields for term in f.split("&")})
            self._worst_cache[fields] = worst
        return worst

    def count_genotypes(self, genotypes: list[int], contig: str, confident: bool | None, record) -> None:
        """Count the record's genotype pattern; per-sample figures are derived once, at the end.

        ``confident`` None: decide from ``record`` (PASS, GQ >= 20) only when the
        trio site is informative, because reading GQ costs more than the rest.
        """
        region = 1 if contig == "X" else (2 if contig in ("Y", "MT") else 0)
        key = tuple(genotypes)
        mendel = 0  # 0: not a Mendelian check site, 1: consistent, 2: error
        trio = self.trio
        if trio and region == 0 and confident is not False:
            consistent = MENDELIAN.get((key[trio[0]], key[trio[1]], key[trio[2]]))
            if consistent is not None:  # None: a missing call or all hom-ref, not informative
                if confident is None:
                    if record.FILTER is None:
                        quals = record.gt_quals.tolist()
                        confident = not any(0 <= quals[c] < MENDELIAN_MIN_GQ for c in self.trio_columns)
                    else:
                        confident = False
                if confident:
                    mendel = 1 if consistent else 2
        patterns = self.patterns
        pattern = (region, key, mendel)
        patterns[pattern] = patterns.get(pattern, 0) + 1

    def count_identity(self, region: int, codes: tuple[int, ...]) -> None:
        """One biallelic PASS SNV for sample identity QC (codes from ``identity_codes``)."""
        self.statistics.identity_patterns[(region, codes)] += 1

    def tally_patterns(self) -> None:
        """Per-sample het/hom (autosomes), X het/hom and Mendelian counts from the pattern counts."""
        stats = self.statistics
        for (region, genotypes, mendel), count in self.patterns.items():
            if region != 2:
                het, hom = (stats.het, stats.hom_alt) if region == 0 else (stats.x_het, stats.x_hom_alt)
                for i, code in enumerate(genotypes):
                    if code in (HET, HET_OTHER_ALT):
                        het[i] += count
                    elif code == HOM_ALT:
                        hom[i] += count
            if mendel:
                stats.mendelian_sites += count
                if mendel == 2:
                    stats.mendelian_errors += count
        self.patterns.clear()
