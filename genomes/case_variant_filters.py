"""Named conditions on case-variant rows (genomes_casevariant): the only place that writes their column names and
array indexes into SQL for the layers above. The filter engine, the inheritance superset and the somatic filters
ask for "the proband carries it", "popmax at most 1%", "the normal's VAF at most 5% or not given" and hand the
result to genomes.case_variants, which runs it on the case's partition.

Samples are named by their 0-based position in the case (Sample.position: proband, father, mother, others); the
per-sample arrays are 1-based in PostgreSQL, which only this module needs to know. A missing value is never read as
a value: an "at least" condition needs the value, an "at most ... or missing" condition says so in its name.
Plain module: no Django, so the rules that build conditions stay plain too.
"""
from __future__ import annotations

from dataclasses import dataclass

from genomes.clinvar import pathogenic_sql
from genomes.genotypes import CARRIER, HETEROZYGOUS, codes_sql

# Per-sample arrays a condition may read, by the name the callers use.
SAMPLE_MEASURES = {"genotype_quality": "genotype_quality", "depth": "depth", "allele_fraction": "allele_fraction",
                   "alt_reads": "alt_reads", "ref_reads": "ref_reads"}
# Scores of the row (one value per variant).
SCORES = {"revel": "revel", "cadd_phred": "cadd_phred", "spliceai": "spliceai"}


@dataclass(frozen=True)
class Condition:
    sql: str
    params: tuple = ()


def as_where(conditions) -> tuple[list[str], list]:
    """WHERE fragments and their parameters, in the shape genomes.case_variants' queries take."""
    where, params = [], []
    for condition in conditions:
        where.append(condition.sql)
        params.extend(condition.params)
    return where, params


def all_of(*conditions: Condition) -> Condition:
    if not conditions:
        return Condition("TRUE")
    return Condition("(" + " AND ".join(c.sql for c in conditions) + ")", sum((c.params for c in conditions), ()))


def any_of(*conditions: Condition) -> Condition:
    if not conditions:
        return never()
    return Condition("(" + " OR ".join(c.sql for c in conditions) + ")", sum((c.params for c in conditions), ()))


def never() -> Condition:
    return Condition("FALSE")


def _array(measure: str, sample: int) -> str:
    return f"{SAMPLE_MEASURES[measure]}[{int(sample) + 1}]"


# --- a sample's genotype and reads ---------------------------------------------------------------------------------

def carries(sample: int) -> Condition:
    """The sample carries the alternate allele (heterozygous, homozygous or with another alternate allele)."""
    return Condition(f"genotypes[{int(sample) + 1}] IN {codes_sql(CARRIER)}")


def heterozygous(sample: int) -> Condition:
    return Condition(f"genotypes[{int(sample) + 1}] IN {codes_sql(HETEROZYGOUS)}")


def homozygous_alternate(sample: int) -> Condition:
    return Condition(f"genotypes[{int(sample) + 1}] = 2")


def homozygous_reference(sample: int) -> Condition:
    return Condition(f"genotypes[{int(sample) + 1}] = 0")


def sample_at_least(sample: int, measure: str, value) -> Condition:
    """The sample's value is given and at least ``value``."""
    return Condition(f"{_array(measure, sample)} >= %s", (value,))


def sample_at_most(sample: int, measure: str, value) -> Condition:
    """The sample's value is given and at most ``value``."""
    return Condition(f"{_array(measure, sample)} <= %s", (value,))


def sample_at_most_or_missing(sample: int, measure: str, value) -> Condition:
    """The sample's value is not given, or at most ``value`` (a maximum on a normal sample keeps calls it does not
    describe)."""
    column = _array(measure, sample)
    return Condition(f"({column} IS NULL OR {column} <= %s)", (value,))


def read_depth_at_least(sample: int, value) -> Condition:
    """Depth at least ``value``; a caller writing AD without DP (Mutect2) gives the depth as the sum of the reads."""
    n = int(sample) + 1
    return Condition(f"COALESCE(depth[{n}], ref_reads[{n}] + alt_reads[{n}]) >= %s", (value,))


# --- the variant's annotation ----------------------------------------------------------------------------------

def popmax_at_most_or_missing(value) -> Condition:
    return Condition("(gnomad_popmax IS NULL OR gnomad_popmax <= %s)", (value,))


def allele_frequency_at_most_or_missing(value) -> Condition:
    return Condition("(gnomad_af IS NULL OR gnomad_af <= %s)", (value,))


def impact_in(impacts) -> Condition:
    return Condition("impact = ANY(%s)", (list(impacts),))


def consequence_in(terms) -> Condition:
    """Any transcript has any of the terms."""
    return Condition("consequences && %s::text[]", (list(terms),))


def clinvar_in(terms) -> Condition:
    return Condition("clinvar && %s::text[]", (list(terms),))


def clinvar_pathogenic(min_stars: int) -> Condition:
    """ClinVar asserts (likely) pathogenic at ``min_stars`` review stars or more; a file without review status
    keeps every such assertion (the analysis says so)."""
    return Condition(f"({pathogenic_sql('clinvar')} AND (clinvar_stars IS NULL OR clinvar_stars >= %s))",
                     (min_stars,))


def score_at_least(score: str, value) -> Condition:
    return Condition(f"{SCORES[score]} >= %s", (value,))


def passed_filters() -> Condition:
    return Condition("filter = 'PASS'")


def in_genes(symbols) -> Condition:
    return Condition("genes && %s::text[]", (sorted(symbols),))


def on_chromosome(chrom: str) -> Condition:
    return Condition("chrom = %s", (chrom,))


def in_xpos_range(start: int, end: int) -> Condition:
    return Condition("xpos BETWEEN %s AND %s", (start, end))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_matches(text: str, *, protein: str | None = None, change: tuple[str, str] | None = None) -> Condition:
    """A search of the variant table: a gene symbol, an rsID or text in the transcript annotation; ``protein`` a
    protein change as the annotation writes it (p.Arg713Gln), ``change`` a (transcript, c. change) that any of the
    transcript's names (Ensembl, RefSeq, MANE) and its HGVS c. must match."""
    like = f"%{_escape_like(text)}%"
    parts = [in_genes({text, text.upper()}), Condition("rsid = %s", (text,)),
             Condition("transcripts::text ILIKE %s", (like,))]
    if protein:
        parts.append(Condition("transcripts::text LIKE %s", ("%p.%" + _escape_like(protein) + "%",)))
    if change:
        name = f"%{_escape_like(change[0])}%"
        parts.append(Condition(
            "EXISTS (SELECT 1 FROM jsonb_array_elements(transcripts) t WHERE (t->>'refseq' ILIKE %s OR "
            "t->>'mane_select' ILIKE %s OR t->>'transcript' ILIKE %s) AND t->>'hgvsc' LIKE %s)",
            (name, name, name, "%:" + _escape_like(change[1]))))
    return any_of(*parts)
