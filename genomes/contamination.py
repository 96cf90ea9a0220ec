"""Maternal cell contamination (MCC) of a foetal sample, estimated from the genotypes and read counts of foetus,
mother and father (the informative-site method of prenatal MCC testing, e.g. Nagan et al. 2011, ACMG technical
standard for maternal cell contamination studies):

- class A, mother hom-alt and father hom-ref: the foetus must be het, so its alt fraction is 0.5 when clean and
  0.5 + c/2 with a fraction c of maternal DNA: c = 2 * f - 1;
- class B, mother het, father hom-ref, foetus called hom-ref: every alt read in the foetus is maternal DNA, half
  of whose copies carry it: c = 2 * f.

Reads are pooled per class (f = alt reads / reads), and the two estimates are combined weighted by their reads.
Class B conditions on the foetal call: at high contamination some of its sites are called het and leave the
class, so B reads low above ~20%; class A has no such bias, and both are shown. Only the variants the import
kept are used (rare ones), which is enough sites for a WGS; the report says how many.

A de novo call in the foetus that maternal DNA could explain is flagged: its alt fraction is within what the
contaminating DNA supplies (at most 1.5 * c, and below 0.25) and the mother shows alt reads although called
hom-ref. A flag asks for a look, it does not remove the call.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from genomes.case_variants import contamination_sites
from genomes.selectors import family_of_case

MIN_READS_PER_CLASS = 200


@dataclass
class ContaminationEstimate:
    fraction: float | None
    standard_error: float | None
    class_a: dict
    class_b: dict
    points: dict = field(default_factory=dict)  # class -> foetal alt fractions per site, for the plot
    note: str = ""

    @property
    def significant(self) -> bool:
        return self.fraction is not None and self.fraction - 2 * (self.standard_error or 0) > 0.01


def _pooled(alt: int, reads: int, *, convert) -> tuple[float | None, float | None]:
    if reads < MIN_READS_PER_CLASS:
        return None, None
    f = alt / reads
    estimate, slope = convert(f)
    return max(0.0, estimate), abs(slope) * math.sqrt(max(f * (1 - f), 1e-6) / reads)


def estimate_contamination(case) -> ContaminationEstimate | None:
    family = family_of_case(case)
    current = case.imports.filter(is_current=True).first()
    if family is None or family.mother is None or family.father is None or current is None:
        return None
    rows = contamination_sites(current, foetus=family.proband, mother=family.mother, father=family.father)
    a_alt = a_reads = b_alt = b_reads = 0
    points = {"A": [], "B": []}
    for mother_gt, _foetus_gt, ref_reads, alt_reads in rows:
        depth = ref_reads + alt_reads
        if depth == 0:
            continue
        if mother_gt == 2:
            a_alt, a_reads = a_alt + alt_reads, a_reads + depth
            points["A"].append(round(alt_reads / depth, 4))
        else:
            b_alt, b_reads = b_alt + alt_reads, b_reads + depth
            points["B"].append(round(alt_reads / depth, 4))
    c_a, se_a = _pooled(a_alt, a_reads, convert=lambda f: (2 * f - 1, 2))
    c_b, se_b = _pooled(b_alt, b_reads, convert=lambda f: (2 * f, 2))
    estimates = [(c, se, reads) for c, se, reads in ((c_a, se_a, a_reads), (c_b, se_b, b_reads)) if c is not None]
    note = ""
    if not estimates:
        fraction = standard_error = None
        note = f"too few informative reads (class A {a_reads}, class B {b_reads}; {MIN_READS_PER_CLASS} needed)"
    else:
        total = sum(reads for _, _, reads in estimates)
        fraction = sum(c * reads for c, _, reads in estimates) / total
        standard_error = math.sqrt(sum((se * reads / total) ** 2 for _, se, reads in estimates))
    return ContaminationEstimate(
        fraction=None if fraction is None else round(fraction, 4),
        standard_error=None if standard_error is None else round(standard_error, 4),
        class_a={"sites": len(points["A"]), "reads": a_reads, "estimate": None if c_a is None else round(c_a, 4)},
        class_b={"sites": len(points["B"]), "reads": b_reads, "estimate": None if c_b is None else round(c_b, 4)},
        points=points, note=note)


def contamination_could_explain(row: dict, family, estimate: ContaminationEstimate | None) -> bool:
    """For a foetal de novo call: could maternal DNA in the sample account for its alt reads?"""
    if estimate is None or estimate.fraction is None or family.mother is None:
        return False
    balance = row["allele_fraction"][family.proband]
    mother_alt = row["alt_reads"][family.mother]
    if balance is None:
        return False
    return balance <= min(0.25, max(1.5 * estimate.fraction, 0.05)) and bool(mother_alt)


def contamination_plot(estimate: ContaminationEstimate) -> dict:
    """A plotly figure: foetal alt fraction per site in each class, with the clean and the estimated levels."""
    traces = []
    for name, label, clean in (("A", "mother hom-alt, father hom-ref (foetus must be het)", 0.5),
                               ("B", "mother het, father hom-ref, foetus hom-ref", 0.0)):
        values = estimate.points.get(name, [])
        traces.append({"type": "box", "name": label, "y": values, "boxpoints": "all", "jitter": 0.4,
                       "pointpos": 0, "marker": {"size": 4}})
    shapes = []
    if estimate.fraction is not None:
        for index, level in ((0, 0.5 + estimate.fraction / 2), (1, estimate.fraction / 2)):
            shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": index - 0.45, "x1": index + 0.45,
                           "y0": level, "y1": level, "line": {"color": "#dc3545", "dash": "dot"}})
    return {"data": traces, "layout": {
        "height": 320, "margin": {"t": 30, "b": 40, "l": 50, "r": 10}, "showlegend": False, "shapes": shapes,
        "yaxis": {"title": {"text": "foetal alt read fraction"}, "range": [0, 1]},
        "title": {"text": "red dotted: expected at the estimated contamination", "font": {"size": 12}}}}
