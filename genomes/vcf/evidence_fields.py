"""Which INFO fields carry population frequency, ClinVar and predictor scores, per pipeline.

Pipelines name these fields differently (GNOMADAF, gnomAD_AF, CLINVAR_CLNSIG,
CLNSIG...). The mapping is configuration: these defaults, overridable with a
JSON file named by VARIANT_FIELD_MAP_FILE ({"gnomad_af": ["MY_AF"], ...}).
INFO/AF is deliberately absent: in a joint-called VCF it is the cohort's
allele frequency, not a population frequency.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INFO_FIELDS: dict[str, tuple[str, ...]] = {
    "gnomad_af": ("gnomAD_AF", "GNOMADAF", "gnomad_af", "gnomADg_AF", "gnomADe_AF", "AF_gnomad"),
    "gnomad_popmax": ("gnomAD_AF_popmax", "GNOMADAF_popmax", "gnomad_popmax", "AF_popmax", "gnomAD_popmax",
                      "gnomADg_AF_popmax", "popmax_af"),
    "clinvar": ("CLNSIG", "CLINVAR_CLNSIG", "clinvar_sig", "CLIN_SIG"),
    "clinvar_review": ("CLNREVSTAT", "CLINVAR_CLNREVSTAT", "clinvar_review"),
    "cadd_phred": ("CADD_PHRED", "CADD", "cadd_phred", "CADD_phred"),
    "revel": ("REVEL", "REVEL_score", "revel"),
    "spliceai": ("SpliceAI", "spliceai"),
    # The consequence annotation: VEP's CSQ (or the name given with --vcf_info_field), SnpEff's ANN. Besides
    # these, any INFO field whose description lays out Allele|...|Consequence is one (genomes.vcf.header).
    "consequence": ("CSQ", "ANN"),
}
# What each source of evidence is called on pages and in the import summary.
EVIDENCE_LABELS = {
    "consequence": "consequences", "gnomad_af": "gnomAD AF", "gnomad_popmax": "gnomAD popmax",
    "clinvar": "ClinVar", "clinvar_review": "ClinVar review status", "cadd_phred": "CADD", "revel": "REVEL",
    "spliceai": "SpliceAI", "sift": "SIFT", "polyphen": "PolyPhen",
}
# Evidence a clinician reasons with, by what it lets the platform do; a group is carried when any of its
# fields is.
EVIDENCE_GROUPS = {
    "population frequency": ("gnomad_af", "gnomad_popmax"),
    "ClinVar": ("clinvar",),
    "ClinVar review status": ("clinvar_review",),
    "missense predictors (REVEL, CADD)": ("revel", "cadd_phred"),
    "splicing predictor (SpliceAI)": ("spliceai",),
    "consequences": ("consequence",),
}
_SPLICEAI_DELTAS = ("DS_AG", "DS_AL", "DS_DG", "DS_DL")
# Format: 'A|B|C' or Format:'NAME': the sub-field layout a structured INFO field's description declares.
_LAYOUT = re.compile(r"[Ff]ormat\s*:\s*'?\s*([A-Za-z0-9_.+\-/ ]+(?:\|[A-Za-z0-9_.+\-/ ]+)*)")
_PIPE_RUN = re.compile(r"[A-Za-z0-9_.+\-/ ]+(?:\|[A-Za-z0-9_.+\-/ ]+)+")


@dataclass(frozen=True)
class InfoSource:
    """Where one of our fields is read: an INFO key, or one sub-field of a structured ('|'-separated) INFO value."""

    key: str
    sub_index: int | None = None
    sub_name: str = ""
    # SpliceAI laid out otherwise than ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|...: where its delta scores are
    delta_indexes: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return f"INFO/{self.key}" + (f":{self.sub_name}" if self.sub_name else "")


def info_layout(description: str) -> tuple[str, ...]:
    """The sub-field names a structured INFO field's header description declares ('Format: A|B|C',
    "Format:'AF_popmax'", or any '|'-separated run), else ()."""
    match = _LAYOUT.search(description or "")
    if match:
        return tuple(name.strip() for name in match.group(1).split("|"))
    runs = _PIPE_RUN.findall(description or "")
    return tuple(name.strip().strip("'\"") for name in max(runs, key=len).split("|")) if runs else ()


def load_field_map(path: str | None) -> dict[str, tuple[str, ...]]:
    """The defaults, with a site's JSON file ({"gnomad_popmax": ["MAX_POP_AF:AF_popmax"], ...}) in front: a
    name ``KEY:SUB`` is the sub-field SUB of the structured INFO field KEY."""
    if not path:
        return dict(DEFAULT_INFO_FIELDS)
    overrides = json.loads(Path(path).read_text())
    unknown = set(overrides) - set(DEFAULT_INFO_FIELDS)
    if unknown:
        raise ValueError(f"{path}: unknown variant field(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(DEFAULT_INFO_FIELDS)}")
    merged = dict(DEFAULT_INFO_FIELDS)
    merged.update({k: tuple(v) for k, v in overrides.items()})
    return merged


def resolve_info_sources(info_fields: dict[str, tuple[str, ...]], info_ids: set[str],
                         descriptions: dict[str, str] | None = None) -> dict[str, InfoSource | None]:
    """Our field name -> the first of its candidates the file's header declares (None: the file lacks it)."""
    descriptions = descriptions or {}
    resolved: dict[str, InfoSource | None] = {}
    for ours, candidates in info_fields.items():
        if ours == "consequence":
            continue  # genomes.vcf.header finds the consequence annotation
        resolved[ours] = None
        for candidate in candidates:
            key, _, sub = candidate.partition(":")
            if key not in info_ids:
                continue
            layout = info_layout(descriptions.get(key, ""))
            if sub:
                if sub not in layout:
                    continue
                resolved[ours] = InfoSource(key, layout.index(sub), sub)
            elif ours == "spliceai" and layout and "MAXDS" in layout:
                resolved[ours] = InfoSource(key, layout.index("MAXDS"), "MAXDS")
            elif ours == "spliceai" and layout and set(_SPLICEAI_DELTAS) <= set(layout):
                resolved[ours] = InfoSource(key, delta_indexes=tuple(layout.index(d) for d in _SPLICEAI_DELTAS))
            else:
                resolved[ours] = InfoSource(key)
            break
    return resolved


def resolve_info_fields(info_fields: dict[str, tuple[str, ...]], info_ids: set[str],
                        descriptions: dict[str, str] | None = None) -> dict[str, str | None]:
    """Our field name -> the INFO key it is read from (None: not there); what the record screens look for."""
    return {ours: source.key if source else None
            for ours, source in resolve_info_sources(info_fields, info_ids, descriptions).items()}


def evidence_sources(sources: dict[str, InfoSource | None], annotation) -> dict[str, str | None]:
    """Each evidence field -> where this file carries it ("INFO/gnomAD_AF", "INFO/CSQ:MAX_AF", ...), None
    where it does not: what the pages call "not annotated" (never "absent")."""
    def from_annotation(ours: str) -> str | None:
        if annotation is None or not annotation.has(ours):
            return None
        return f"INFO/{annotation.info_key}:{annotation.fields[annotation.index[ours]]}"

    def first(*choices):
        return next((c for c in choices if c), None)

    def label(ours):
        source = sources.get(ours)
        return source.label if source else None

    spliceai_csq = from_annotation("spliceai_max") or (
        f"INFO/{annotation.info_key}:SpliceAI_pred_DS_*" if annotation and annotation.has("SpliceAI_pred_DS_AG")
        else None)
    return {
        "consequence": f"INFO/{annotation.info_key}" if annotation else None,
        "gnomad_af": first(label("gnomad_af"), from_annotation("gnomad_af")),
        "gnomad_popmax": first(label("gnomad_popmax"), from_annotation("max_af")),
        "clinvar": first(label("clinvar"), from_annotation("clin_sig")),
        "clinvar_review": first(label("clinvar_review"), from_annotation("clinvar_review")),
        "cadd_phred": first(label("cadd_phred"), from_annotation("cadd_phred")),
        "revel": first(label("revel"), from_annotation("revel")),
        "spliceai": first(label("spliceai"), spliceai_csq),
        "sift": from_annotation("sift"),
        "polyphen": from_annotation("polyphen"),
    }


def missing_evidence(sources: dict[str, str | None]) -> list[str]:
    """The evidence groups a file carries none of."""
    return [group for group, fields in EVIDENCE_GROUPS.items() if not any(sources.get(f) for f in fields)]


def spliceai_max(value, delta_indexes: tuple[int, ...] = (2, 3, 4, 5)) -> float | None:
    """Maximum delta score of an INFO/SpliceAI value 'ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_..' (or the
    positions the header's layout gives)."""
    if value is None:
        return None
    best = None
    for entry in str(value).split(","):
        parts = entry.split("|")
        for index in delta_indexes:
            if index >= len(parts):
                continue
            try:
                score = float(parts[index])
            except ValueError:
                continue
            best = score if best is None else max(best, score)
    return best


def carries(evidence: dict | None, *fields: str) -> bool | None:
    """The file carries any of ``fields``; None when the import did not record it."""
    if evidence is None:
        return None
    return any(evidence.get(f) for f in fields)
