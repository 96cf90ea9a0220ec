"""Points of the ACMG/ClinGen technical standards for copy-number variants (Riggs et al. 2020, Genet Med 22:245)
that the platform can decide from the data it has, each with its reason; the rest of the scoresheet (the
literature of section 4, the family history of section 5) stays the curator's. A suggestion is never made from
missing data: a call whose genes are not annotated gets no section 1 or 3 suggestion, a dosage table not loaded no
section 2 one.

Classes from the total: pathogenic >= 0.99, likely pathogenic 0.90 to 0.98, uncertain significance -0.89 to 0.89,
likely benign -0.90 to -0.98, benign <= -0.99."""
from __future__ import annotations

ESTABLISHED = 3
COMMON_POPULATION_AF = 0.01
LOSS_TYPES, GAIN_TYPES = {"DEL"}, {"DUP"}
LOSS_GENE_STEPS = ((35, "3C", 0.90), (25, "3B", 0.45), (0, "3A", 0.0))
GAIN_GENE_STEPS = ((50, "3C", 0.90), (35, "3B", 0.45), (0, "3A", 0.0))


def cnv_direction(svtype: str, copy_numbers: list[int | None], expected: int = 2) -> str | None:
    """"loss" or "gain" for a deletion or duplication (a CNV call by its carriers' copy numbers), else None."""
    if svtype in LOSS_TYPES:
        return "loss"
    if svtype in GAIN_TYPES:
        return "gain"
    if svtype == "CNV":
        known = [cn for cn in copy_numbers if cn is not None and cn != expected]
        if known:
            return "loss" if all(cn < expected for cn in known) else "gain" if all(cn > expected
                                                                                      for cn in known) else None
    return None


def cnv_point_suggestions(*, direction: str, genes: list[dict], genes_annotated: bool, dosage: list[dict] | None,
                          population_af: float | None, de_novo: bool) -> list[dict]:
    """Suggested points with reasons: ``genes`` the call's gene overlaps, ``dosage`` the curated genes it covers
    (None: no dosage table loaded for the build)."""
    suggestions = []
    if genes_annotated:
        if genes:
            suggestions.append({"code": "1A", "points": 0.0, "reason": f"contains genes ({len(genes)}: "
                                f"{', '.join(g['gene'] for g in genes[:5])}{'...' if len(genes) > 5 else ''})"})
        else:
            suggestions.append({"code": "1B", "points": -0.60, "reason": "contains no gene the annotation names"})
        steps = LOSS_GENE_STEPS if direction == "loss" else GAIN_GENE_STEPS
        count = len({g["gene"] for g in genes})
        code, points = next((c, p) for floor, c, p in steps if count >= floor)
        suggestions.append({"code": code, "points": points, "reason": f"{count} gene(s) wholly or partly included "
                            "(as the file or the gene models name them; the standard counts protein-coding genes)"})
    if dosage is not None:
        score_name = "haploinsufficiency" if direction == "loss" else "triplosensitivity"
        whole = [d["gene"] for d in dosage if d["whole"] and d[score_name] == ESTABLISHED]
        partial = [d["gene"] for d in dosage if not d["whole"] and d[score_name] == ESTABLISHED]
        if whole:
            suggestions.append({"code": "2A", "points": 1.00, "reason": f"complete overlap of an established "
                                f"{'haploinsufficient' if direction == 'loss' else 'triplosensitive'} gene "
                                f"(ClinGen score 3): {', '.join(whole)}"})
        elif partial:
            suggestions.append({"code": "2C-2E" if direction == "loss" else "2B", "points": None,
                                "reason": f"partial overlap of an established dosage-sensitive gene: "
                                          f"{', '.join(partial)}; the points depend on the part (to assess)"})
    if population_af is not None and population_af >= COMMON_POPULATION_AF:
        suggestions.append({"code": "4O", "points": -1.00, "reason": f"overlaps common population variation "
                            f"(population AF {population_af:.3g} >= {COMMON_POPULATION_AF})"})
    if de_novo:
        suggestions.append({"code": "5A", "points": None, "reason": "de novo by the parents' calls: score it "
                            "with section 4's de novo points (to assess)"})
    return suggestions


def cnv_class(points: float) -> str:
    if points >= 0.99:
        return "pathogenic"
    if points >= 0.90:
        return "likely_pathogenic"
    if points <= -0.99:
        return "benign"
    if points <= -0.90:
        return "likely_benign"
    return "uncertain_significance"


# The scoresheets' evidence codes with their suggested points and the range a curator may give (Riggs et al. 2020,
# tables 1 and 2). Section 4 (case evidence from the literature) adds at most 0.90 in either direction, section 5
# (the case's own family) at most 0.45 upwards and 0.45 downwards, as the scoresheets cap them.
RULE_SET, RULE_SET_VERSION = "ACMG/ClinGen CNV technical standards (Riggs et al. 2020)", "2020"
_SHARED_SECTIONS_3_TO_5 = {
    "3A": (0.0, 0.0, 0.0), "3B": (0.45, 0.45, 0.45), "3C": (0.90, 0.90, 0.90),
    "4A": (0.15, 0.0, 0.45), "4B": (0.45, 0.0, 0.45), "4C": (0.30, 0.0, 0.45), "4D": (0.15, 0.0, 0.30),
    "4E": (0.10, 0.0, 0.30), "4F": (0.15, 0.0, 0.45), "4G": (0.10, 0.0, 0.30), "4H": (0.15, 0.0, 0.30),
    "4I": (-0.45, -0.45, 0.0), "4J": (-0.30, -0.30, 0.0), "4K": (-0.15, -0.30, 0.0), "4L": (0.10, 0.0, 0.30),
    "4M": (0.10, 0.0, 0.15), "4N": (-0.90, -0.90, -0.10), "4O": (-1.00, -1.00, -1.00),
    "5A": (0.45, 0.0, 0.45), "5B": (-0.30, -0.45, 0.0), "5C": (-0.15, -0.30, 0.0), "5D": (0.45, 0.0, 0.45),
    "5E": (0.10, 0.0, 0.15), "5F": (0.0, 0.0, 0.0), "5G": (0.10, 0.0, 0.15), "5H": (0.30, 0.0, 0.30),
}
LOSS_CODES = {
    "1A": (0.0, 0.0, 0.0), "1B": (-0.60, -0.60, -0.60),
    "2A": (1.00, 1.00, 1.00), "2B": (0.0, 0.0, 0.0), "2C-1": (0.90, 0.45, 1.00), "2C-2": (0.0, 0.0, 0.45),
    "2D-1": (0.0, 0.0, 0.0), "2D-2": (0.90, 0.45, 1.00), "2D-3": (0.30, 0.0, 0.45), "2D-4": (0.90, 0.45, 1.00),
    "2E": (0.90, 0.0, 0.90), "2F": (-1.00, -1.00, -1.00), "2G": (0.0, 0.0, 0.0), "2H": (0.15, 0.15, 0.15),
    **_SHARED_SECTIONS_3_TO_5,
}
GAIN_CODES = {
    "1A": (0.0, 0.0, 0.0), "1B": (-0.60, -0.60, -0.60),
    "2A": (1.00, 1.00, 1.00), "2B": (0.0, 0.0, 0.0), "2C": (-1.00, -1.00, -1.00), "2D": (-1.00, -1.00, -1.00),
    "2E": (0.0, 0.0, 0.0), "2F": (-1.00, -1.00, -1.00), "2G": (0.0, 0.0, 0.0), "2H": (0.0, 0.0, 0.0),
    "2I": (0.0, 0.0, 0.0), "2J": (0.0, 0.0, 0.0), "2K": (0.45, 0.45, 0.45), "2L": (0.0, 0.0, 0.0),
    "3A": (0.0, 0.0, 0.0), "3B": (0.45, 0.45, 0.45), "3C": (0.90, 0.90, 0.90),
    **{code: value for code, value in _SHARED_SECTIONS_3_TO_5.items() if code[0] in "45"},
}
SECTION_CAPS = {"4": (-0.90, 0.90), "5": (-0.45, 0.45)}


def cnv_codes(direction: str) -> dict[str, tuple[float, float, float]]:
    """code -> (suggested points, least, most) of the loss or gain scoresheet."""
    return LOSS_CODES if direction == "loss" else GAIN_CODES


def cnv_total(applied: dict[str, float]) -> float:
    """The scoresheet's total: the applied codes' points, sections 4 and 5 within their caps (4O, common
    population variation, is benign on its own and is not capped)."""
    by_section: dict[str, float] = {}
    total = 0.0
    for code, points in applied.items():
        if code == "4O" or code[0] not in SECTION_CAPS:
            total += points
        else:
            by_section[code[0]] = by_section.get(code[0], 0.0) + points
    for section, points in by_section.items():
        least, most = SECTION_CAPS[section]
        total += min(max(points, least), most)
    return round(total, 2)
