"""Reads for the somatic view: which built-in somatic preset suits a case, and the plotly figures of its
mutational profile."""
from __future__ import annotations

from django.db.models import Q

from genomes.somatic import SUBSTITUTION_CLASSES, VAF_BINS
from interpret.models import FilterPreset

DEFAULT_SOMATIC_PRESET = "Solid tumour somatic"


def somatic_presets(user=None):
    """Presets that carry somatic filters (built-in ones and the user's departments')."""
    from interpret.analysis.presets import presets_for

    return [p for p in presets_for(user) if any(k in p.filters for k in ("cancer_genes", "min_tumour_vaf"))]


def somatic_preset_for(case, user=None, name: str | None = None) -> FilterPreset:
    """The named somatic preset, else the built-in one of the case's patient group, else the solid tumour one."""
    presets = somatic_presets(user)
    if name:
        chosen = next((p for p in presets if p.name == name or str(p.pk) == str(name)), None)
        if chosen is not None:
            return chosen
    return (next((p for p in presets if p.department_id is None and p.patient_group_id == case.patient_group_id),
                 None)
            or FilterPreset.objects.filter(Q(department__isnull=True), name=DEFAULT_SOMATIC_PRESET).first())


def profile_figures(profile: dict) -> dict:
    """VAF histogram, variant types and the six substitution classes as plotly figures ({data, layout})."""
    width = 1 / VAF_BINS
    centres = [round((i + 0.5) * width, 3) for i in range(VAF_BINS)]
    layout = {"margin": {"t": 30, "l": 40, "r": 10, "b": 40}, "height": 240}
    return {
        "vaf": {"data": [{"type": "bar", "x": centres, "y": profile["vaf_bins"], "width": width * 0.95,
                          "name": "calls"}],
                "layout": {**layout, "title": {"text": "Tumour VAF (PASS calls)"},
                           "xaxis": {"title": {"text": "VAF"}, "range": [0, 1]}, "yaxis": {"title": {"text": "calls"}}}},
        "types": {"data": [{"type": "bar", "x": list(profile["types"]), "y": list(profile["types"].values())}],
                  "layout": {**layout, "title": {"text": "Variant types"}}},
        "substitutions": {"data": [{"type": "bar", "x": list(SUBSTITUTION_CLASSES),
                                    "y": [profile["substitutions"][c] for c in SUBSTITUTION_CLASSES],
                                    "marker": {"color": ["#03bcee", "#010101", "#e32926", "#cac9c9", "#a1ce63",
                                                         "#ebc6c4"]}}],
                          "layout": {**layout, "title": {"text": "SNV substitution classes"}}},
    }
