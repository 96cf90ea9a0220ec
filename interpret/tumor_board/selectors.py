"""Reads for the somatic view: the plotly figures of a tumour's mutational profile (the somatic presets are
interpret.analysis.presets')."""
from __future__ import annotations

from genomes.somatic import SUBSTITUTION_CLASSES, VAF_BINS


def profile_figures(profile: dict) -> dict:
    """VAF histogram, variant types and the six substitution classes as plotly figures ({data, layout})."""
    width = 1 / VAF_BINS
    centres = [round((i + 0.5) * width, 3) for i in range(VAF_BINS)]
    layout = {"margin": {"t": 30, "l": 40, "r": 10, "b": 40}, "height": 240}
    return {
        "vaf": {
            "data": [{"type": "bar", "x": centres, "y": profile["vaf_bins"], "width": width * 0.95, "name": "calls"}],
            "layout": {
                **layout,
                "title": {"text": "Tumour VAF (PASS calls)"},
                "xaxis": {"title": {"text": "VAF"}, "range": [0, 1]},
                "yaxis": {"title": {"text": "calls"}},
            },
        },
        "types": {
            "data": [{"type": "bar", "x": list(profile["types"]), "y": list(profile["types"].values())}],
            "layout": {**layout, "title": {"text": "Variant types"}},
        },
        "substitutions": {
            "data": [
                {
                    "type": "bar",
                    "x": list(SUBSTITUTION_CLASSES),
                    "y": [profile["substitutions"][c] for c in SUBSTITUTION_CLASSES],
                    "marker": {"color": ["#03bcee", "#010101", "#e32926", "#cac9c9", "#a1ce63", "#ebc6c4"]},
                }
            ],
            "layout": {**layout, "title": {"text": "SNV substitution classes"}},
        },
    }
