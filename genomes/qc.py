"""Quality figures of an imported case, from the statistics the reader kept (genomes.vcf.statistics)."""
from __future__ import annotations

from dataclasses import dataclass

# X heterozygosity (het / (het + hom-alt) on X outside the pseudo-autosomal noise) separates the sexes:
# males carry one X, so true heterozygous calls are rare. Fewer than this many X calls decide nothing.
MIN_X_CALLS = 20
MALE_MAX_X_HET = 0.2
FEMALE_MIN_X_HET = 0.35
# More than a few Mendelian errors per thousand informative trio sites suggests a sample swap or non-paternity
# (peddy, Pedersen & Quinlan 2017; the case page shows the rate, and flags it above this).
MENDELIAN_ERROR_ALERT = 0.005


@dataclass(frozen=True)
class SampleQc:
    sample: str
    individual: str
    pedigree_sex: str
    het: int
    hom_alt: int
    het_hom_ratio: float | None
    x_calls: int
    x_het_ratio: float | None
    predicted_sex: str  # male, female, uncertain, too few X calls
    sex_mismatch: bool


def sample_qc(statistics: dict, samples: list[tuple[str, str, str]]) -> list[SampleQc]:
    """``samples``: (VCF sample, individual id, pedigree sex) in genotype-array order."""
    result = []
    for i, (sample, individual, sex) in enumerate(samples):
        het, hom = statistics["het"][i], statistics["hom_alt"][i]
        x_het, x_hom = statistics["x_het"][i], statistics["x_hom_alt"][i]
        x_calls = x_het + x_hom
        x_ratio = x_het / x_calls if x_calls else None
        if x_calls < MIN_X_CALLS:
            predicted = "too few X calls"
        elif x_ratio <= MALE_MAX_X_HET:
            predicted = "male"
        elif x_ratio >= FEMALE_MIN_X_HET:
            predicted = "female"
        else:
            predicted = "uncertain"
        mismatch = predicted in ("male", "female") and sex in ("male", "female") and predicted != sex
        result.append(SampleQc(sample, individual, sex, het, hom, round(het / hom, 2) if hom else None, x_calls,
                               round(x_ratio, 3) if x_ratio is not None else None, predicted, mismatch))
    return result


def mendelian_error_rate(statistics: dict) -> float | None:
    sites = statistics.get("mendelian_sites") or 0
    return statistics["mendelian_errors"] / sites if sites else None


def qc_plots(qc: dict | None) -> dict:
    """Plotly figures of an import's counts: variants by type, and by most severe consequence (all records)."""
    if not qc:
        return {}
    layout = {"margin": {"t": 30, "l": 40, "r": 10, "b": 90}, "font": {"size": 11}}
    types, consequences = qc.get("by_type") or {}, qc.get("by_consequence") or {}
    return {
        "types": {"data": [{"type": "bar", "x": list(types), "y": list(types.values())}],
                  "layout": {**layout, "title": {"text": "Variants by type"}}},
        "consequences": {"data": [{"type": "bar", "x": list(consequences), "y": list(consequences.values())}],
                         "layout": {**layout, "title": {"text": "Variants by most severe consequence (all records read)"},
                                    "yaxis": {"type": "log"}}},
    }
