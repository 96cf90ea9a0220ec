"""Filter settings of a case analysis: their defaults, what each accepts, and how a preset and a caller's values
combine. Every channel (variant table, API, analyse_case, presets, reanalysis) normalises through here."""
from __future__ import annotations

import math
import re

from django.core.exceptions import ValidationError

from genomes.vcf.consequences import CONSEQUENCE_IMPACT
from interpret.rules.inheritance import MODES

IMPACTS = ("HIGH", "MODERATE", "LOW", "MODIFIER")
CONFIDENCE_SETS = {"green": ("green",), "green_amber": ("green", "amber"), "all": ("green", "amber", "red")}
CONFIDENCE_RANK = {"green": 0, "amber": 1, "red": 2}
SORTS = ("score", "phenotype", "position", "gene", "popmax", "cadd", "revel", "cohort", "tumour_vaf")
PHENOTYPE_METHODS = ("resnik", "lin", "count")
CANCER_GENE_ROLES = ("oncogene", "tsg")
# Settings that only a tumour case's analysis reads.
SOMATIC_KEYS = ("min_tumour_vaf", "min_tumour_depth", "min_tumour_alt_reads", "max_normal_alt_reads",
                "max_normal_vaf", "cancer_genes", "hotspots_only")
REGION = re.compile(r"^(?:chr)?([0-9XYMT]{1,2}):(\d[\d,]*)-(\d[\d,]*)$", re.IGNORECASE)
HPO_TERM = re.compile(r"^HP:\d{7}$")
# Settings that order a run's candidates without changing which they are.
SORT_KEYS = ("sort", "descending")

DEFAULTS = {
    "panels": [],            # ["code" or "code:1.2"]; empty: the patient group's default panels
    "genome_wide": False,    # True: no panel restriction; panel genes are still marked
    "panel_confidence": "green_amber",
    "max_popmax": 0.01,
    "max_af": None,
    "max_cohort_families": None,
    "impacts": ["HIGH", "MODERATE"],
    "consequences": [],      # SO terms; OR-ed with impacts
    "include_clinvar_pathogenic": True,  # keep ClinVar P/LP whatever the frequency and consequence
    "clinvar": [],           # only variants with one of these ClinVar terms
    "pass_only": True,
    "min_gq": None,
    "min_dp": None,
    "min_ab": None,
    "max_ab": None,
    "min_revel": None,
    "min_cadd": None,
    "min_spliceai": None,
    "region": "",
    "genes": [],
    "text": "",
    "inheritance": [],       # any of MODES; empty: no inheritance restriction
    # Segregation over the other sequenced relatives (interpret.rules.segregation): False, full penetrance (an
    # unaffected carrier of a dominant allele contradicts it); True, unaffected carriers allowed and counted.
    "reduced_penetrance": False,
    # Phenotype (interpret.phenotype): the HPO terms ranked by (empty: the proband's observed terms, written here
    # when the run is recorded), the method, and the HPO panel (genes annotated to a term, or scoring at least
    # hpo_panel_min_score) used in place of the GenNet panels' genes.
    "hpo_terms": [],
    "phenotype_method": "resnik",
    "hpo_panel": False,
    "hpo_panel_min_score": None,
    # Tumour cases only (interpret.analysis.somatic); a germline case's run says they were not applied.
    "min_tumour_vaf": None,
    "min_tumour_depth": None,
    "min_tumour_alt_reads": None,
    "max_normal_alt_reads": None,
    "max_normal_vaf": None,
    "cancer_genes": [],      # roles of the cancer gene list: oncogene, tsg; empty: any gene
    "hotspots_only": False,
    "sort": "score",
    "descending": True,
}


def normalise_settings(raw: dict | None, *, preset=None) -> dict:
    """Defaults, then the preset, then what the caller set; unknown keys and bad values are errors."""
    settings = dict(DEFAULTS)
    if preset is not None:
        settings.update(preset.filters)
    raw = dict(raw or {})
    unknown = set(raw) - set(DEFAULTS)
    if unknown:
        raise ValidationError(f"unknown filter setting(s): {', '.join(sorted(unknown))}")
    settings.update(raw)
    for key in ("max_popmax", "max_af", "min_ab", "max_ab", "min_revel", "min_cadd", "min_spliceai",
                "min_tumour_vaf", "max_normal_vaf", "hpo_panel_min_score"):
        settings[key] = _number(settings[key], key)
    for key in ("max_cohort_families", "min_gq", "min_dp", "min_tumour_depth", "min_tumour_alt_reads",
                "max_normal_alt_reads"):
        value = _number(settings[key], key)
        settings[key] = None if value is None else int(value)
    for key in ("panels", "impacts", "consequences", "clinvar", "genes", "inheritance", "cancer_genes", "hpo_terms"):
        settings[key] = _words(settings[key], key)
    bad = [t for t in settings["hpo_terms"] if not HPO_TERM.match(t.upper())]
    if bad:
        raise ValidationError(f"hpo_terms: {bad[0][:40]!r} is not an HPO term id (HP: and seven digits)")
    settings["hpo_terms"] = [t.upper() for t in settings["hpo_terms"]]
    if settings["phenotype_method"] not in PHENOTYPE_METHODS:
        raise ValidationError(f"phenotype_method is one of {', '.join(PHENOTYPE_METHODS)}")
    settings["impacts"] = [i.upper() for i in settings["impacts"]]
    bad = [i for i in settings["impacts"] if i not in IMPACTS]
    if bad:
        raise ValidationError(f"impact {bad[0]!r} is not one of {', '.join(IMPACTS)}")
    bad = [c for c in settings["consequences"] if c not in CONSEQUENCE_IMPACT]
    if bad:
        raise ValidationError(f"consequence {bad[0]!r} is not a Sequence Ontology term VEP uses")
    bad = [m for m in settings["inheritance"] if m not in MODES]
    if bad:
        raise ValidationError(f"inheritance {bad[0]!r} is not one of {', '.join(MODES)}")
    bad = [r for r in settings["cancer_genes"] if r not in CANCER_GENE_ROLES]
    if bad:
        raise ValidationError(f"cancer_genes {bad[0]!r} is not one of {', '.join(CANCER_GENE_ROLES)}")
    for key in ("panel_confidence", "sort"):
        if not isinstance(settings[key], str):
            raise ValidationError(f"{key}: {settings[key]!r} is not a word")
    if settings["panel_confidence"] not in CONFIDENCE_SETS:
        raise ValidationError(f"panel_confidence is one of {', '.join(CONFIDENCE_SETS)}")
    if settings["sort"] not in SORTS:
        raise ValidationError(f"sort is one of {', '.join(SORTS)}")
    for key in ("genome_wide", "include_clinvar_pathogenic", "pass_only", "descending", "hotspots_only", "hpo_panel",
                "reduced_penetrance"):
        settings[key] = _boolean(settings[key], key)
    for key in ("region", "text"):
        if settings[key] is not None and not isinstance(settings[key], str):
            raise ValidationError(f"{key}: {settings[key]!r} is not text")
    settings["region"] = (settings["region"] or "").strip()
    if settings["region"] and not REGION.match(settings["region"]):
        raise ValidationError(f"region {settings['region']!r} is not chrom:start-end, e.g. 1:1000-2000")
    settings["text"] = (settings["text"] or "").strip()[:100]
    # PostgreSQL text cannot hold NUL: refused here, naming the setting, rather than failing in the query
    # (the property test found it: a search text with \x00 answered 500).
    for key in ("text", "region", "panels", "consequences", "clinvar", "genes", "inheritance", "cancer_genes",
                "hpo_terms"):
        values = settings[key] if isinstance(settings[key], list) else [settings[key]]
        if any("\x00" in value for value in values):
            raise ValidationError(f"{key} contains a NUL character")
    return settings


def _words(value, key) -> list[str]:
    """A list of words, or one string of words separated by commas or spaces."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,\s]+", value) if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(part, str) for part in value):
        raise ValidationError(f"{key}: {value!r} is not a list of words")
    return [part.strip() for part in value if part.strip()]


def _number(value, key):
    if value is None or value == "":
        return None
    # True would otherwise count as 1: a filter switched on by accident, not a threshold someone chose.
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationError(f"{key}: {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(f"{key}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValidationError(f"{key}: {value!r} is not a finite number")
    return number


def _boolean(value, key):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValidationError(f"{key}: {value!r} is not true or false")


def without_sorting(settings: dict) -> dict:
    """The settings that decide which candidates a run finds (paging and re-sorting leave them alone)."""
    return {k: v for k, v in settings.items() if k not in SORT_KEYS}


# Settings that only a germline case's analysis reads (a tumour's calls have no inheritance or genotype QC here).
GERMLINE_KEYS = ("inheritance", "min_gq", "min_dp", "min_ab", "max_ab", "max_cohort_families")


def settings_in_words(settings: dict, *, somatic: bool) -> list[str]:
    """A run's filters as a report's methods state them: one sentence each, only the filters that apply to the
    case's kind (a germline report never names tumour VAF), none of the sorting."""
    s = {**DEFAULTS, **(settings or {})}
    words = []
    if s["hpo_panel"]:
        words.append("Restricted to the HPO panel: the genes annotated to at least one of the phenotype's terms"
                     + (f" (similarity at least {_figure(s['hpo_panel_min_score'])})"
                        if s["hpo_panel_min_score"] is not None else "") + "; GenNet panel genes marked.")
    elif s["genome_wide"]:
        words.append("Genome-wide: not restricted to the panels (panel genes marked).")
    else:
        confidence = {"green": "green genes", "green_amber": "green and amber genes",
                      "all": "green, amber and red genes"}[s["panel_confidence"]]
        words.append(f"Restricted to the panels' {confidence}.")
    if s["max_popmax"] is not None:
        words.append(f"Population frequency: popmax at most {_figure(s['max_popmax'])} (variants the file carries "
                     "no frequency for are kept).")
    if s["max_af"] is not None:
        words.append(f"Population allele frequency at most {_figure(s['max_af'])}.")
    if s["impacts"] or s["consequences"]:
        parts = ([f"impact {' or '.join(i.lower() for i in s['impacts'])}"] if s["impacts"] else []) + (
            [", ".join(c.replace("_", " ") for c in s["consequences"])] if s["consequences"] else [])
        words.append("Consequence: " + " or ".join(parts) + ".")
    if s["include_clinvar_pathogenic"]:
        words.append("ClinVar (likely) pathogenic variants kept whatever their frequency and consequence.")
    if s["clinvar"]:
        words.append("Only variants with ClinVar " + ", ".join(t.replace("_", " ") for t in s["clinvar"]) + ".")
    if s["pass_only"]:
        words.append("Calls that passed the caller's filters (FILTER PASS) only.")
    if s.get("reduced_penetrance"):
        words.append("Reduced penetrance: unaffected relatives may carry a dominant allele (counted apart).")
    for key, text in (("min_revel", "REVEL at least"), ("min_cadd", "CADD at least"),
                      ("min_spliceai", "SpliceAI at least")):
        if s[key] is not None:
            words.append(f"{text} {_figure(s[key])}.")
    if not somatic:
        for key, text in (("min_gq", "Genotype quality at least"), ("min_dp", "Read depth at least"),
                          ("min_ab", "Allele balance at least"), ("max_ab", "Allele balance at most"),
                          ("max_cohort_families", "Carried by at most this many families nationally:")):
            if s[key] is not None:
                words.append(f"{text} {_figure(s[key])}.")
        if s["inheritance"]:
            words.append("Inheritance: " + ", ".join(m.replace("_", " ") for m in s["inheritance"]) + ".")
        if s["hpo_terms"]:
            words.append(f"Phenotype: candidates scored by the match of their genes to {len(s['hpo_terms'])} HPO "
                         f"term(s) ({', '.join(s['hpo_terms'])}) by {s['phenotype_method'].capitalize()} "
                         "similarity.")
    else:
        for key, text in (("min_tumour_vaf", "Tumour VAF at least"), ("min_tumour_depth", "Tumour depth at least"),
                          ("min_tumour_alt_reads", "Tumour alt reads at least"),
                          ("max_normal_alt_reads", "Normal alt reads at most"),
                          ("max_normal_vaf", "Normal VAF at most")):
            if s[key] is not None:
                words.append(f"{text} {_figure(s[key])}.")
        if s["cancer_genes"]:
            words.append("Cancer genes only (" + ", ".join(s["cancer_genes"]) + ").")
        if s["hotspots_only"]:
            words.append("Hotspots only.")
    for key, text in (("region", "Region"), ("genes", "Genes"), ("text", "Search")):
        if s[key]:
            value = ", ".join(s[key]) if isinstance(s[key], list) else s[key]
            words.append(f"{text}: {value}.")
    return words


def _figure(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
