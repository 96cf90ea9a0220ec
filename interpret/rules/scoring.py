"""The candidate ranking: a sum of named parts, each shown in the UI, so a geneticist sees why a variant ranks
where it does. Weights are deliberately simple and documented (docs/analysis.md); they order candidates, they
never classify them."""
from __future__ import annotations

from genomes.clinvar import is_pathogenic

IMPACT_POINTS = {"HIGH": 4.0, "MODERATE": 2.5, "LOW": 1.0, "MODIFIER": 0.0}
PANEL_POINTS = {"green": 1.5, "amber": 0.5, "red": 0.0}
# The phenotype part: PHENOTYPE_WEIGHT x the candidate's phenotype match (0-1: its best gene's similarity to the
# case's terms over the best-matching gene's), chosen by bench/phenotype_planted.py (docs/analysis.md).
PHENOTYPE_WEIGHT = 6.0
# The classification store's final ACMG/AMP class of the variant (any department's: the national store).
CLASSIFICATION_POINTS = {"pathogenic": 2.0, "likely_pathogenic": 2.0, "likely_benign": -2.0, "benign": -2.0}
INHERITANCE_POINTS = {"de_novo": 2.0, "x_de_novo": 2.0, "comp_het": 2.0, "ar_hom": 2.0, "x_linked": 2.0,
                      "possible_comp_het": 1.0, "ad": 1.0}


def rarity_points(popmax: float | None, af: float | None = None, *, frequency_annotated: bool | None = True) -> float:
    """Rarer scores higher; absence scores highest only where the file carries frequencies (a file without them
    says nothing about rarity, and scores none). The population AF stands in for a missing popmax."""
    if frequency_annotated is not True:
        return 0.0
    popmax = popmax if popmax is not None else af
    if popmax is None or popmax == 0:
        return 2.0
    if popmax < 1e-4:
        return 1.5
    if popmax < 1e-3:
        return 1.0
    if popmax < 1e-2:
        return 0.5
    return 0.0


def predictor_points(row: dict) -> float:
    points = 0.0
    if row.get("revel") is not None and row["revel"] >= 0.75:
        points += 1.0
    elif row.get("revel") is not None and row["revel"] >= 0.5:
        points += 0.5
    if row.get("cadd_phred") is not None and row["cadd_phred"] >= 25:
        points += 0.5
    if row.get("spliceai") is not None and row["spliceai"] >= 0.5:
        points += 1.0
    return points


def score_parts(row: dict, *, panel_confidence: str | None, modes: list[str],
                frequency_annotated: bool | None = True, phenotype_match: float | None = None,
                classification: str | None = None) -> dict[str, float]:
    """The ranking's parts for one row; the variant table, the variant page, the API and analyse_case all call
    this (through interpret.analysis.engine.candidate_score), so a variant scores the same wherever it is shown.
    ``phenotype_match`` None: the case has no HPO term, and no phenotype part; ``classification``: the store's
    final class of the variant, if any."""
    parts = {
        "consequence": IMPACT_POINTS.get(row.get("impact") or "", 0.0),
        "rarity": rarity_points(row.get("gnomad_popmax"), row.get("gnomad_af"),
                                frequency_annotated=frequency_annotated),
        "predictors": predictor_points(row),
        "clinvar": 3.0 if is_pathogenic(row.get("clinvar")) else 0.0,
        "panel": PANEL_POINTS.get(panel_confidence or "", 0.0),
        "inheritance": max((INHERITANCE_POINTS.get(m, 0.0) for m in modes), default=0.0),
    }
    if classification in CLASSIFICATION_POINTS:
        parts["classification"] = CLASSIFICATION_POINTS[classification]
    if phenotype_match is not None:
        parts["phenotype"] = round(PHENOTYPE_WEIGHT * phenotype_match, 2)
    return parts


def score_weights() -> dict[str, str]:
    """What each part can add, for the pages and the API (the formula in words)."""
    return {
        "consequence": "HIGH 4, MODERATE 2.5, LOW 1",
        "rarity": "not seen in the population data the file carries 2, popmax < 0.01% 1.5, < 0.1% 1, < 1% 0.5 "
                  "(nothing where the file carries no frequencies)",
        "predictors": "REVEL >= 0.75 1 (>= 0.5 0.5), CADD >= 25 0.5, SpliceAI >= 0.5 1",
        "clinvar": "ClinVar pathogenic or likely pathogenic 3",
        "panel": "green 1.5, amber 0.5",
        "inheritance": "de novo, AR homozygous, compound het, X-linked 2; possible compound het, AD 1",
        "classification": "final ACMG class in the store: (likely) pathogenic +2, (likely) benign -2",
        "phenotype": f"{PHENOTYPE_WEIGHT:g} x phenotype match (0-1)",
    }


def score_total(parts: dict[str, float]) -> float:
    return round(sum(parts.values()), 2)
