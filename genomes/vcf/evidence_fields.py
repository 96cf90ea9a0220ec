"""Which INFO fields carry population frequency, ClinVar and predictor scores, per pipeline.

Pipelines name these fields differently (GNOMADAF, gnomAD_AF, CLINVAR_CLNSIG,
CLNSIG...). The mapping is configuration: these defaults, overridable with a
JSON file named by VARIANT_FIELD_MAP_FILE ({"gnomad_af": ["MY_AF"], ...}).
INFO/AF is deliberately absent: in a joint-called VCF it is the cohort's
allele frequency, not a population frequency.
"""
from __future__ import annotations

import json
from pathlib import Path

DEFAULT_INFO_FIELDS: dict[str, tuple[str, ...]] = {
    "gnomad_af": ("gnomAD_AF", "GNOMADAF", "gnomad_af", "gnomADg_AF", "gnomADe_AF", "AF_gnomad"),
    "gnomad_popmax": ("gnomAD_AF_popmax", "GNOMADAF_popmax", "gnomad_popmax", "AF_popmax", "gnomAD_popmax",
                      "gnomADg_AF_popmax", "popmax_af"),
    "clinvar": ("CLNSIG", "CLINVAR_CLNSIG", "clinvar_sig", "CLIN_SIG"),
    "cadd_phred": ("CADD_PHRED", "CADD", "cadd_phred", "CADD_phred"),
    "revel": ("REVEL", "REVEL_score", "revel"),
    "spliceai": ("SpliceAI", "spliceai"),
}


def load_field_map(path: str | None) -> dict[str, tuple[str, ...]]:
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


def resolve_info_fields(info_fields: dict[str, tuple[str, ...]], info_ids: set[str]) -> dict[str, str | None]:
    """Our field name -> the first of its candidate INFO ids that the file's header declares (None: not there)."""
    return {ours: next((name for name in candidates if name in info_ids), None)
            for ours, candidates in info_fields.items()}


def spliceai_max(value) -> float | None:
    """Maximum delta score of an INFO/SpliceAI value 'ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_..'."""
    if value is None:
        return None
    best = None
    for entry in str(value).split(","):
        parts = entry.split("|")
        for raw in parts[2:6]:
            try:
                score = float(raw)
            except ValueError:
                continue
            best = score if best is None else max(best, score)
    return best
