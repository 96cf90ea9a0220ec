"""Quality figures of an imported case, from the statistics the reader kept (genomes.vcf.statistics)."""
from __future__ import annotations

from dataclasses import dataclass

# More than a few Mendelian errors per thousand informative trio sites suggests a sample swap or non-paternity
# (peddy, Pedersen & Quinlan 2017; the case page shows the rate, and flags it above this).
MENDELIAN_ERROR_ALERT = 0.005


@dataclass(frozen=True)
class SampleQc:
    """Per-sample call counts; sex and relatedness are genomes.sample_identity's."""

    sample: str
    individual: str
    het: int
    hom_alt: int
    het_hom_ratio: float | None


def sample_qc(statistics: dict, samples: list[tuple[str, str, str]]) -> list[SampleQc]:
    """``samples``: (VCF sample, individual id, pedigree sex) in genotype-array order."""
    result = []
    for i, (sample, individual, _sex) in enumerate(samples):
        het, hom = statistics["het"][i], statistics["hom_alt"][i]
        result.append(SampleQc(sample, individual, het, hom, round(het / hom, 2) if hom else None))
    return result


def mendelian_error_rate(statistics: dict) -> float | None:
    sites = statistics.get("mendelian_sites") or 0
    return statistics["mendelian_errors"] / sites if sites else None


def qc_plots(qc: dict | None) -> dict:
    """Plotly figures of an import's counts: variants by type, by most severe consequence (all records), and the
    sample identity figures (kinship against IBS0 per pair, as peddy draws them)."""
    if not qc:
        return {}
    layout = {"margin": {"t": 30, "l": 40, "r": 10, "b": 40}, "font": {"size": 11}}
    types, consequences = qc.get("by_type") or {}, qc.get("by_consequence") or {}
    labels = [term.replace("_variant", "").replace("_", " ") for term in consequences]
    figures = {
        "types": {"data": [{"type": "bar", "x": list(types), "y": list(types.values())}],
                  "layout": {**layout, "title": {"text": "Variants by type"}}},
        # Horizontal bars: the consequence names read along the axis instead of overlapping below it.
        "consequences": {"data": [{"type": "bar", "orientation": "h", "y": labels[::-1],
                                   "x": list(consequences.values())[::-1]}],
                         "layout": {**layout, "margin": {"t": 30, "l": 190, "r": 10, "b": 40},
                                    "title": {"text": "Most severe consequence (all records read)"},
                                    "xaxis": {"type": "log"}, "height": max(260, 16 * len(labels) + 70)}},
    }
    identity = qc.get("identity") or {}
    pairs = [p for p in identity.get("pairs", ()) if p.get("kinship") is not None]
    if pairs:
        colour = {"as stated": "#198754", "not testable": "#6c757d"}
        symbols = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon")
        widest = max(p["ibs0_rate"] or 0 for p in pairs)
        # One trace a pair, named in the legend: labels on the points overlapped where pairs sit close
        # (both parents of a child at IBS0 0 and kinship ~0.25).
        figures["identity"] = {
            "data": [{"type": "scatter", "mode": "markers", "name": " & ".join(p["samples"]),
                      "x": [p["ibs0_rate"]], "y": [p["kinship"]],
                      "hovertext": [f"{' & '.join(p['samples'])}: stated {p['stated']}, expected kinship "
                                    f"{p['expected_kinship']}, observed {p['kinship']} ({p['observed']}); IBS0 "
                                    f"{p['ibs0']} of {p['informative_sites']} sites"],
                      "hoverinfo": "text",
                      "marker": {"size": 12, "symbol": symbols[n % len(symbols)],
                                 "color": colour.get(p["verdict"], "#dc3545")}} for n, p in enumerate(pairs)],
            "layout": {**layout, "title": {"text": "Relatedness: kinship against IBS0 (green as stated, red not)"},
                       "showlegend": True, "legend": {"orientation": "h", "y": -0.3},
                       "margin": {"t": 40, "l": 60, "r": 10, "b": 40},
                       "xaxis": {"title": {"text": "IBS0 share of informative sites"},
                                 "range": [-0.01, max(0.1, widest * 1.2)]},
                       "yaxis": {"title": {"text": "kinship (KING)"}, "range": [-0.15, 0.6]},
                       "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y,
                                   "line": {"dash": "dot", "width": 1, "color": "#adb5bd"}}
                                  for y in (0.354, 0.177, 0.0884)]},
        }
    return figures
