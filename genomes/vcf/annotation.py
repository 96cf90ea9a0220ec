"""Consequence annotations: VEP's CSQ (any version) and SnpEff's ANN, by the field order the header declares.

Headers differ in wording between VEP versions and pipelines ("Format: A|B|C",
"Functional annotations: 'A | B | C'"), so the field list is taken as the
'|'-separated run inside the description, whatever surrounds it. Field names are
then mapped to our names through aliases, so a pipeline that calls a field
Gene_Name or SYMBOL, HGVS.c or HGVSc, is read alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Our name -> the names pipelines use (VEP CSQ first, then SnpEff ANN, then plugins).
TRANSCRIPT_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "allele": ("Allele",),
    "allele_num": ("ALLELE_NUM",),
    "consequence": ("Consequence", "Annotation"),
    "impact": ("IMPACT", "Annotation_Impact"),
    "symbol": ("SYMBOL", "Gene_Name", "GENE"),
    "gene_id": ("Gene", "Gene_ID"),
    "feature_type": ("Feature_type", "Feature_Type"),
    "transcript_id": ("Feature", "Feature_ID"),
    "biotype": ("BIOTYPE", "Transcript_BioType"),
    "exon": ("EXON",),
    "intron": ("INTRON",),
    "rank": ("Rank",),
    "hgvsc": ("HGVSc", "HGVS.c"),
    "hgvsp": ("HGVSp", "HGVS.p"),
    "hgnc_id": ("HGNC_ID",),
    "canonical": ("CANONICAL",),
    "mane_select": ("MANE_SELECT", "MANE"),
    "pick": ("PICK",),      # VEP --flag_pick: the one consequence VEP picks per variant
    "mane_plus_clinical": ("MANE_PLUS_CLINICAL",),
    "lof": ("LoF",),
    "lof_filter": ("LoF_filter",),
    "lof_flags": ("LoF_flags",),
    "existing_variation": ("Existing_variation",),
    "sift": ("SIFT",),
    "polyphen": ("PolyPhen",),
    "revel": ("REVEL", "REVEL_score"),  # not REVEL_rankscore: another scale
    "cadd_phred": ("CADD_PHRED", "CADD_phred"),
    "spliceai_max": ("SpliceAI_pred_DS_max",),
    "gnomad_af": ("gnomADe_AF", "gnomAD_AF", "gnomADg_AF"),
    "max_af": ("MAX_AF",),
    "clin_sig": ("CLIN_SIG", "CLINVAR_CLNSIG", "ClinVar_CLNSIG"),
    "clinvar_review": ("CLNREVSTAT", "ClinVar_CLNREVSTAT", "CLINVAR_CLNREVSTAT"),
    "refseq": ("RefSeq",),   # VEP --refseq/--merged: the RefSeq transcript(s) matching this one
}
SPLICEAI_DELTA_FIELDS = ("SpliceAI_pred_DS_AG", "SpliceAI_pred_DS_AL", "SpliceAI_pred_DS_DG", "SpliceAI_pred_DS_DL")

# VEP --af_gnomad writes each population's frequency (gnomAD_NFE_AF; since v105 gnomADe_NFE_AF and
# gnomADg_NFE_AF). gnomAD's own popmax is the highest of the non-bottlenecked populations (not ASJ, FIN, AMI, MID
# or the remainder), so a file without a popmax field gets one from these.
_GNOMAD_POPULATION_AF = re.compile(r"^gnomAD[eg]?_(AFR|AMR|EAS|NFE|SAS)_AF$")
_RUN_OF_FIELDS = re.compile(r"[A-Za-z0-9_.+\-/ ]+(?:\|[A-Za-z0-9_.+\-/ ]+)+")


class AnnotationHeaderError(ValueError):
    pass


@dataclass(frozen=True)
class ConsequenceFormat:
    info_key: str  # CSQ or ANN
    fields: tuple[str, ...]
    index: dict[str, int] = field(compare=False, default_factory=dict)
    population_indexes: tuple[int, ...] = field(compare=False, default=())

    @classmethod
    def from_description(cls, info_key: str, description: str) -> ConsequenceFormat:
        runs = _RUN_OF_FIELDS.findall(description)
        if not runs:
            raise AnnotationHeaderError(f"INFO/{info_key}: the header declares no '|'-separated field list")
        names = tuple(name.strip().strip("'\"") for name in max(runs, key=len).split("|"))
        index: dict[str, int] = {}
        positions = {name: i for i, name in enumerate(names)}
        for ours, theirs in TRANSCRIPT_FIELD_ALIASES.items():
            for name in theirs:
                if name in positions:
                    index[ours] = positions[name]
                    break
        for name in SPLICEAI_DELTA_FIELDS:
            if name in positions:
                index[name] = positions[name]
        if "consequence" not in index:
            raise AnnotationHeaderError(f"INFO/{info_key}: no Consequence/Annotation field among {', '.join(names)}")
        populations = tuple(i for i, name in enumerate(names) if _GNOMAD_POPULATION_AF.match(name))
        return cls(info_key=info_key, fields=names, index=index, population_indexes=populations)

    def has(self, ours: str) -> bool:
        return ours in self.index


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is several times slower, and this is hot
class TranscriptConsequence:
    allele: str | None
    allele_num: int | None
    consequences: tuple[str, ...]
    impact: str | None
    symbol: str | None
    gene_id: str | None
    transcript_id: str | None
    biotype: str | None
    exon: str | None
    intron: str | None
    hgvsc: str | None
    hgvsp: str | None
    hgnc_id: str | None
    canonical: bool
    mane_select: str | None
    lof: str | None
    lof_filter: str | None
    lof_flags: str | None
    revel: float | None
    cadd_phred: float | None
    spliceai_max: float | None
    gnomad_af: float | None
    max_af: float | None
    clin_sig: tuple[str, ...]
    existing_variation: tuple[str, ...]
    sift: str | None = None
    polyphen: str | None = None
    refseq: str | None = None
    clinvar_review: str | None = None
    population_max: float | None = None   # the highest gnomAD population frequency VEP wrote (see above)
    pick: bool = False


def _float(value: str | None) -> float | None:
    """VEP writes several values joined by '&' for overlapping features; the maximum is the one that matters."""
    if not value:
        return None
    numbers = []
    for part in value.split("&"):
        try:
            numbers.append(float(part))
        except ValueError:
            continue
    return max(numbers) if numbers else None


def _column_indexes(fmt: ConsequenceFormat) -> tuple[int, ...]:
    """Positions of our fields in an entry split on '|'; -1 (an appended empty value) when absent."""
    cached = getattr(fmt, "_columns", None)
    if cached is None:
        names = ("allele", "allele_num", "consequence", "impact", "symbol", "gene_id", "transcript_id", "biotype",
                 "exon", "intron", "rank", "hgvsc", "hgvsp", "hgnc_id", "canonical", "mane_select", "lof",
                 "lof_filter", "lof_flags", "revel", "cadd_phred", "spliceai_max", "gnomad_af", "max_af",
                 "clin_sig", "existing_variation", "sift", "polyphen", "refseq", "clinvar_review", "pick")
        cached = tuple(fmt.index.get(name, -1) for name in names)
        object.__setattr__(fmt, "_columns", cached)
        object.__setattr__(
            fmt, "_spliceai_deltas", tuple(fmt.index[n] for n in SPLICEAI_DELTA_FIELDS if n in fmt.index)
        )
    return cached


def parse_consequences(value: str | None, fmt: ConsequenceFormat) -> list[TranscriptConsequence]:
    """One entry per transcript (or regulatory feature) of an INFO/CSQ or INFO/ANN value."""
    if not value:
        return []
    (i_allele, i_num, i_csq, i_impact, i_symbol, i_gene, i_transcript, i_biotype, i_exon, i_intron, i_rank,
     i_hgvsc, i_hgvsp, i_hgnc, i_canonical, i_mane, i_lof, i_lof_filter, i_lof_flags, i_revel, i_cadd,
     i_spliceai, i_gnomad, i_max_af, i_clin_sig, i_existing, i_sift, i_polyphen, i_refseq,
     i_review, i_pick) = _column_indexes(fmt)
    populations = fmt.population_indexes
    deltas = fmt._spliceai_deltas
    width = len(fmt.fields)
    parsed = []
    for entry in value.split(","):
        v = entry.split("|")
        if len(v) < width:
            v += [""] * (width - len(v))
        v.append("")  # what index -1 (a field the header does not declare) reads
        exon, intron = v[i_exon] or None, v[i_intron] or None
        if exon is None and intron is None and v[i_rank]:
            exon = v[i_rank]  # SnpEff's Rank is the exon or intron number; CSQ's EXON/INTRON say which
        spliceai = v[i_spliceai]
        if spliceai:
            spliceai_score = _float(spliceai)
        elif deltas:
            scores = [s for s in (_float(v[i]) for i in deltas if v[i]) if s is not None]
            spliceai_score = max(scores) if scores else None
        else:
            spliceai_score = None
        allele_num = v[i_num]
        consequence, clin_sig, existing = v[i_csq], v[i_clin_sig], v[i_existing]
        if populations:
            frequencies = [f for f in (_float(v[i]) for i in populations if v[i]) if f is not None]
            population_max = max(frequencies) if frequencies else None
        else:
            population_max = None
        parsed.append(TranscriptConsequence(
            v[i_allele] or None, int(allele_num) if allele_num.isdecimal() else None,
            _terms(consequence),
            v[i_impact] or None, v[i_symbol] or None, v[i_gene] or None, v[i_transcript] or None,
            v[i_biotype] or None, exon, intron, v[i_hgvsc] or None, v[i_hgvsp] or None, v[i_hgnc] or None,
            v[i_canonical].upper() in ("YES", "1", "TRUE"), v[i_mane] or None, v[i_lof] or None,
            v[i_lof_filter] or None, v[i_lof_flags] or None,
            _float(v[i_revel]) if v[i_revel] else None, _float(v[i_cadd]) if v[i_cadd] else None, spliceai_score,
            _float(v[i_gnomad]) if v[i_gnomad] else None, _float(v[i_max_af]) if v[i_max_af] else None,
            tuple(c for c in clin_sig.split("&") if c) if clin_sig else (),
            tuple(c for c in existing.split("&") if c) if existing else (),
            v[i_sift] or None, v[i_polyphen] or None, v[i_refseq] or None, v[i_review] or None,
            population_max, v[i_pick] == "1",
        ))
    return parsed


def _terms(consequence: str) -> tuple[str, ...]:
    """Consequence terms of one entry: VEP joins them with '&', CGAP's mutanno with '~'."""
    if not consequence:
        return ()
    if "~" in consequence:
        consequence = consequence.replace("~", "&")
    return tuple(c for c in consequence.split("&") if c)


def vep_allele_strings(ref: str, alts: list[str]) -> list[str]:
    """The Allele VEP writes for each ALT: without the shared first base when all alleles share it, '-' if empty.

    VEP trims the first base only when every allele of the record starts with
    the same base and at least one allele is longer than one base (an indel).
    """
    alleles = [ref, *alts]
    first = ref[:1].upper()
    if any(len(a) > 1 for a in alleles) and all(a[:1].upper() == first for a in alleles):
        return [a[1:] or "-" for a in alts]
    return list(alts)


def consequences_for_alt(
    consequences: list[TranscriptConsequence], *, ref: str, alts: list[str], alt_index: int
) -> list[TranscriptConsequence]:
    """The entries that describe ALT number ``alt_index`` (1-based) of a multi-allelic record."""
    if len(alts) == 1:
        return consequences
    if consequences and all(c.allele is None and c.allele_num is None for c in consequences):
        return consequences  # a layout without Allele (CGAP's VEP field): the entries do not say which ALT
    if any(c.allele_num is not None for c in consequences):
        return [c for c in consequences if c.allele_num == alt_index]
    vep_allele = vep_allele_strings(ref, alts)[alt_index - 1]
    vcf_allele = alts[alt_index - 1]
    return [c for c in consequences if c.allele in (vep_allele, vcf_allele)]
