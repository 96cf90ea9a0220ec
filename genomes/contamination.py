"""Maternal cell contamination (MCC) of a foetal sample, estimated from the genotypes and read counts of foetus,
mother and father (the informative-site method of prenatal MCC testing, e.g. Nagan et al. 2011, ACMG technical
standard for maternal cell contamination studies), with e the background alt-read rate (sequencing and mapping
error) and c the fraction of maternal DNA:

- class A, mother hom-alt and father hom-ref: the foetus must be het, its alt fraction is 0.5 + c (0.5 - e):
  c = (f - 0.5) / (0.5 - e);
- class B, mother het, father hom-ref, foetus called hom-ref: its alt reads are errors and maternal DNA, half of
  whose copies carry the alt: f = e + c (0.5 - e), c = (f - e) / (0.5 - e);
- background: mother hom-ref, father het, foetus hom-ref: maternal DNA carries no alt there, so f = e.

Reads are pooled per class (f = alt reads / reads), the two estimates combined weighted by their reads. Without the
background correction class B reads 2e too high (0.8 points of 8% at a 0.4% error rate: the 8.75% of the demo's
planted 8%). The standard error is the delete-one-site jackknife over the informative sites, so that sites that
vary more than binomially (depth, allele bias, mapping) widen the interval instead of hiding in it; the interval
is the estimate +- 1.96 standard errors (bench/contamination_synthetic.py measures its coverage).

Class B conditions on the foetal call: at high contamination some of its sites are called het and leave the
class, so B reads low above ~20% in real data; class A has no such bias, and both are shown. Only the variants
the import kept are used (rare ones), which is enough sites for a WGS; the report says how many.

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
Z95 = 1.96


@dataclass
class ContaminationEstimate:
    fraction: float | None
    standard_error: float | None
    class_a: dict
    class_b: dict
    points: dict = field(default_factory=dict)  # class -> foetal alt fractions per site, for the plot
    note: str = ""
    background: dict = field(default_factory=dict)  # the error rate's sites, reads and estimate

    @property
    def significant(self) -> bool:
        return self.fraction is not None and self.fraction - 2 * (self.standard_error or 0) > 0.01

    @property
    def interval(self) -> tuple[float, float] | None:
        if self.fraction is None:
            return None
        spread = Z95 * (self.standard_error or 0)
        return max(0.0, self.fraction - spread), self.fraction + spread


def _combined(sums: dict) -> float | None:
    """The read-weighted estimate from per-class (alt, reads) sums; None without enough reads in either class."""
    e_alt, e_reads = sums["E"]
    error = e_alt / e_reads if e_reads >= MIN_READS_PER_CLASS else 0.0
    scale = 0.5 - error
    estimates = []
    a_alt, a_reads = sums["A"]
    if a_reads >= MIN_READS_PER_CLASS:
        estimates.append(((a_alt / a_reads - 0.5) / scale, a_reads))
    b_alt, b_reads = sums["B"]
    if b_reads >= MIN_READS_PER_CLASS:
        estimates.append(((b_alt / b_reads - error) / scale, b_reads))
    if not estimates:
        return None
    return sum(c * reads for c, reads in estimates) / sum(reads for _, reads in estimates)


def estimate_contamination(case) -> ContaminationEstimate | None:
    family = family_of_case(case)
    current = case.imports.filter(is_current=True).first()
    if family is None or family.mother is None or family.father is None or current is None:
        return None
    rows = contamination_sites(current, foetus=family.proband, mother=family.mother, father=family.father)
    sites = []  # (class, alt, reads)
    points = {"A": [], "B": []}
    for mother_gt, father_gt, _foetus_gt, ref_reads, alt_reads in rows:
        depth = ref_reads + alt_reads
        if depth == 0:
            continue
        kind = "E" if mother_gt == 0 else "A" if mother_gt == 2 else "B"
        sites.append((kind, alt_reads, depth))
        if kind != "E":
            points[kind].append(round(alt_reads / depth, 4))
    sums = {kind: [0, 0] for kind in "ABE"}
    for kind, alt, reads in sites:
        sums[kind][0] += alt
        sums[kind][1] += reads
    fraction = _combined(sums)
    standard_error, note = None, ""
    if fraction is None:
        note = (f"too few informative reads (class A {sums['A'][1]}, class B {sums['B'][1]}; "
                f"{MIN_READS_PER_CLASS} needed)")
    else:
        # delete-one-site jackknife over every site, the background's too: the error rate's own uncertainty
        # moves the estimate twice as much as it moves (c = (f - e) / (0.5 - e))
        leave_one_out = []
        for kind, alt, reads in sites:
            sums[kind][0] -= alt
            sums[kind][1] -= reads
            estimate = _combined(sums)
            sums[kind][0] += alt
            sums[kind][1] += reads
            if estimate is not None:
                leave_one_out.append(estimate)
        n = len(leave_one_out)
        if n > 1:
            mean = sum(leave_one_out) / n
            standard_error = math.sqrt((n - 1) / n * sum((x - mean) ** 2 for x in leave_one_out))
        fraction = max(0.0, fraction)

    def class_figures(kind):
        alt, reads = sums[kind]
        one = {"A": {"A": sums["A"], "B": [0, 0], "E": sums["E"]},
               "B": {"A": [0, 0], "B": sums["B"], "E": sums["E"]}}.get(kind)
        estimate = _combined(one) if one else (alt / reads if reads else None)
        return {"sites": sum(1 for s in sites if s[0] == kind), "reads": reads,
                "estimate": None if estimate is None else round(estimate, 4)}

    return ContaminationEstimate(
        fraction=None if fraction is None else round(fraction, 4),
        standard_error=None if standard_error is None else round(standard_error, 4),
        class_a=class_figures("A"), class_b=class_figures("B"), background=class_figures("E"),
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
