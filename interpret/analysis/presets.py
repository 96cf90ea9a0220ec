"""Filter presets: built-in ones every department gets, and department presets saved by users."""
from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from core.access import departments_with_patient_access
from interpret.analysis.filters import SORT_KEYS, normalise_settings
from interpret.analysis.models import FilterPreset

SOMATIC_ANALYSES = ["tumour_normal", "tumour_only"]
PHENOTYPE_FIRST_PRESET = "Phenotype first"
SOLID_DESCRIPTION = ("Cancer genes, tumour VAF >= 5%, depth >= 20, normal VAF <= 2%, popmax <= 0.1%, HIGH/MODERATE, "
                     "PASS")
SOLID_TUMOUR_FILTERS = {
    "genome_wide": True, "cancer_genes": ["oncogene", "tsg"], "min_tumour_vaf": 0.05, "min_tumour_depth": 20,
    "max_normal_vaf": 0.02, "max_popmax": 0.001, "impacts": ["HIGH", "MODERATE"],
    "consequences": ["coding_sequence_variant"], "inheritance": [], "include_clinvar_pathogenic": False}
# (name, description, patient group code or None, analysis types, filters). Built-ins change only here.
BUILT_IN_PRESETS = (
    (
        "Rare disease trio default",
        "Default GenNet panels (green+amber), popmax <= 1%, HIGH/MODERATE or ClinVar P/LP, PASS, any inheritance mode",
        "RARE",
        ["trio", "duo", "singleton"],
        {
            "panel_confidence": "green_amber",
            "max_popmax": 0.01,
            "impacts": ["HIGH", "MODERATE"],
            "inheritance": ["de_novo", "ar_hom", "comp_het", "x_linked", "ad"],
        },
    ),
    (
        "Rare disease genome-wide (outside panel)",
        "Whole genome, popmax <= 0.1%, HIGH/MODERATE, de novo, recessive or X-linked only",
        "RARE",
        ["trio"],
        {
            "genome_wide": True,
            "max_popmax": 0.001,
            "impacts": ["HIGH", "MODERATE"],
            "inheritance": ["de_novo", "ar_hom", "comp_het", "x_linked"],
        },
    ),
    (
        # The combined score with its phenotype part decides (interpret.rules.scoring; weights chosen by
        # bench/phenotype_planted.py): genome-wide, so that a gene no GenNet panel lists still comes first when it
        # fits the proband's HPO terms and its variant's evidence.
        PHENOTYPE_FIRST_PRESET,
        "Whole genome, popmax <= 1%, HIGH/MODERATE or ClinVar P/LP, PASS, any inheritance mode; ranked by the "
        "combined score with the phenotype match (needs the proband's HPO terms)",
        None,
        ["trio", "duo", "singleton", "foetal"],
        {
            "genome_wide": True,
            "max_popmax": 0.01,
            "impacts": ["HIGH", "MODERATE"],
            "sort": "score",
        },
    ),
    (
        "Foetal de novo",
        "Whole genome, de novo in the foetus (both parents confidently hom-ref), HIGH/MODERATE, absent from gnomAD",
        "FOETAL",
        ["foetal"],
        {"genome_wide": True, "max_popmax": 0.0001, "impacts": ["HIGH", "MODERATE"], "inheritance": ["de_novo"]},
    ),
    (
        "Hereditary cancer panel",
        "Default panels (green only), popmax <= 1%, HIGH/MODERATE or ClinVar P/LP; dominant genes, "
        "no inheritance filter",
        "CANCER-ADULT",
        [],
        {"panel_confidence": "green", "max_popmax": 0.01, "impacts": ["HIGH", "MODERATE"], "inheritance": []},
    ),
    # Somatic presets (interpret.cancer, interpret.tumor_board): the tumour's PASS calls in listed cancer genes,
    # genome-wide (a tumour case is not narrowed by a germline panel); population frequency as the germline filter
    # where there is no normal; low VAF floors for haematological cancers, whose clones are often small.
    (
        "Haematological cancer somatic",
        "Cancer genes, tumour VAF >= 2%, depth >= 50, normal VAF <= 5% (blood in the normal sample), popmax <= 0.1%, "
        "HIGH/MODERATE, PASS",
        "HAEM-CANCER",
        SOMATIC_ANALYSES,
        {**SOLID_TUMOUR_FILTERS, "min_tumour_vaf": 0.02, "min_tumour_depth": 50, "max_normal_vaf": 0.05},
    ),
    *(
        (name, SOLID_DESCRIPTION, group, SOMATIC_ANALYSES, SOLID_TUMOUR_FILTERS)
        for name, group in (
            ("Solid tumour somatic", "CANCER-ADULT"),
            ("Advanced cancer somatic", "CANCER-ADVANCED"),
            ("Children's cancer somatic", "CANCER-CHILD"),
        )
    ),
)


def built_in_presets_sync(preset_model=None, patient_group_model=None) -> None:
    if preset_model is None:  # the data migration passes its historical models
        from core.models import PatientGroup as patient_group_model
        preset_model = FilterPreset
    for name, description, group_code, types, filters in BUILT_IN_PRESETS:
        preset_model.objects.update_or_create(
            department=None, name=name,
            defaults={"description": description, "analysis_types": types, "filters": filters,
                      "patient_group": patient_group_model.objects.filter(code=group_code).first()})


def presets_for(user, case=None):
    """Built-in presets and those of the user's departments; those fitting the case's group and type first."""
    presets = list(FilterPreset.objects.filter(Q(department__isnull=True) | Q(
        department_id__in=departments_with_patient_access(user))).select_related("patient_group", "department"))
    if case is not None:
        def fits(preset):
            group_fits = preset.patient_group_id in (None, case.patient_group_id)
            type_fits = not preset.analysis_types or case.analysis_type in preset.analysis_types
            return (not (group_fits and preset.patient_group_id == case.patient_group_id and type_fits),
                    not (group_fits and type_fits), preset.name)
        presets.sort(key=fits)
    return presets


def preset_save(*, user, department, name: str, filters: dict, patient_group=None, description: str = ""):
    """Save filters as a preset shared within ``department`` (the user must work with its patient data)."""
    if department.pk not in departments_with_patient_access(user):
        raise PermissionDenied(f"You do not work with {department.name}'s cases.")
    name = name.strip()
    if not name:
        raise ValidationError("a preset needs a name")
    if FilterPreset.objects.filter(department__isnull=True, name=name).exists():
        raise ValidationError(f"{name!r} is a built-in preset; choose another name")
    settings = normalise_settings(filters)
    for key in SORT_KEYS:
        settings.pop(key, None)
    preset, _ = FilterPreset.objects.update_or_create(
        department=department, name=name,
        defaults={"filters": settings, "patient_group": patient_group, "created_by": user,
                  "description": description})
    return preset


def preset_get(name_or_id, user):
    presets = FilterPreset.objects.filter(Q(department__isnull=True) | Q(
        department_id__in=departments_with_patient_access(user)))
    preset = presets.filter(pk=name_or_id).first() if str(name_or_id).isdecimal() else None
    preset = preset or presets.filter(name=name_or_id).order_by("department_id").first()
    if preset is None:
        raise ValidationError(f"no preset {name_or_id!r}; known: {', '.join(p.name for p in presets)}")
    return preset


DEFAULT_SOMATIC_PRESET = "Solid tumour somatic"
HAEMATOLOGICAL_PRESET = "Haematological cancer somatic"
# Tumour types of the blood and marrow, as departments write them: a leukaemia is analysed with the haematological
# preset in whichever cancer group it is (children's cancer, hereditary cancer), never with the solid-tumour one.
_HAEMATOLOGICAL = re.compile(r"\b(aml|all|cll|cml|mds|mpn|cmml|jmml|apl|leuka?emia|lymphoma|myeloma|myelodysplastic|"
                             r"myeloproliferative|haematological|hematological)\b", re.IGNORECASE)


def is_haematological(tumour_type: str | None) -> bool:
    return bool(_HAEMATOLOGICAL.search(tumour_type or ""))


def somatic_presets(user=None):
    """Presets that carry somatic filters (built-in ones and the user's departments')."""
    return [p for p in presets_for(user) if any(k in p.filters for k in ("cancer_genes", "min_tumour_vaf"))]


def somatic_preset_for(case, user=None, name: str | None = None) -> FilterPreset:
    """The named somatic preset; else the haematological one for a tumour of the blood or marrow (whatever its
    group); else the built-in one of the case's patient group; else the solid tumour one."""
    presets = somatic_presets(user)
    if name:
        chosen = next((p for p in presets if p.name == name or str(p.pk) == str(name)), None)
        if chosen is not None:
            return chosen
    if is_haematological(case.tumour_type):
        haematological = FilterPreset.objects.filter(department__isnull=True, name=HAEMATOLOGICAL_PRESET).first()
        if haematological is not None:
            return haematological
    return (next((p for p in presets if p.department_id is None and p.patient_group_id == case.patient_group_id),
                 None)
            or FilterPreset.objects.filter(Q(department__isnull=True), name=DEFAULT_SOMATIC_PRESET).first())


def preset_or_default(name_or_id, user, case, filters: dict | None):
    """The named preset; else, for a tumour case asked without filters, its cancer group's somatic preset (a
    tumour is not narrowed by the group's germline panel); else none. The variant table, the API and
    analyse_case all choose so."""
    if name_or_id:
        return preset_get(name_or_id, user)
    from genomes.somatic import is_somatic

    if not filters and is_somatic(case):
        return somatic_preset_for(case, user)
    return None
