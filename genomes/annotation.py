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
    "symbol": ("SYMBOL", "Gene_Name"),
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
    "clin_sig": ("CLIN_SIG", "CLINVAR_CLNSIG"),
}
SPLICEAI_DELTA_FIELDS = ("SpliceAI_pred_DS_AG", "SpliceAI_pred_DS_AL", "SpliceAI_pred_DS_DG", "SpliceAI_pred_DS_DL")

_RUN_OF_FIELDS = re.compile(r"[A-Za-z0-9_.+\-/ ]+(?:\|[A-Za-z0-9_.+\-/ ]+)+")


class AnnotationHeaderError(ValueError):
    pass


@dataclass(frozen=True)
class ConsequenceFormat:
    info_key: str  # CSQ or ANN
    fields: tuple[str, ...]
    index: dict[str, int] = field(compare=False, default_factory=dict)

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
        return cls(info_key=info_key, fields=names, index=index)

    def has(self, ours: str) -> bool:
        return ours in self.index


@dataclass(frozen=True)
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


def parse_consequences(value: str | None, fmt: ConsequenceFormat) -> list[TranscriptConsequence]:
    """One entry per transcript (or regulatory feature) of an INFO/CSQ or INFO/ANN value."""
    if not value:
        return []
    parsed = []
    width = len(fmt.fields)
    for entry in value.split(","):
        values = entry.split("|")
        if len(values) < width:
            values += [""] * (width - len(values))

        def get(ours: str) -> str | None:
            i = fmt.index.get(ours)
            if i is None:
                return None
            return values[i].strip() or None

        spliceai = get("spliceai_max")
        spliceai_score = _float(spliceai) if spliceai else max(
            (s for s in (_float(values[fmt.index[n]]) for n in SPLICEAI_DELTA_FIELDS if n in fmt.index)
             if s is not None), default=None)
        exon, intron = get("exon"), get("intron")
        if exon is None and intron is None and get("rank"):
            exon = get("rank")  # SnpEff's Rank is the exon or intron number; CSQ's EXON/INTRON say which
        allele_num = get("allele_num")
        parsed.append(TranscriptConsequence(
            allele=get("allele"),
            allele_num=int(allele_num) if allele_num and allele_num.isdigit() else None,
            consequences=tuple(c for c in (get("consequence") or "").split("&") if c),
            impact=get("impact"), symbol=get("symbol"), gene_id=get("gene_id"),
            transcript_id=get("transcript_id"), biotype=get("biotype"), exon=exon, intron=intron,
            hgvsc=get("hgvsc"), hgvsp=get("hgvsp"), hgnc_id=get("hgnc_id"),
            canonical=(get("canonical") or "").upper() in ("YES", "1", "TRUE"),
            mane_select=get("mane_select"), lof=get("lof"), lof_filter=get("lof_filter"), lof_flags=get("lof_flags"),
            revel=_float(get("revel")), cadd_phred=_float(get("cadd_phred")), spliceai_max=spliceai_score,
            gnomad_af=_float(get("gnomad_af")), max_af=_float(get("max_af")),
            clin_sig=tuple(c for c in (get("clin_sig") or "").split("&") if c),
            existing_variation=tuple(c for c in (get("existing_variation") or "").split("&") if c),
        ))
    return parsed


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
    if any(c.allele_num is not None for c in consequences):
        return [c for c in consequences if c.allele_num == alt_index]
    vep_allele = vep_allele_strings(ref, alts)[alt_index - 1]
    vcf_allele = alts[alt_index - 1]
    return [c for c in consequences if c.allele in (vep_allele, vcf_allele)]
