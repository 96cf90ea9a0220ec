"""Routes of case analysis: the case page, the variant table and its export, presets, the variant page, marks."""
from django.urls import path

from interpret.analysis import api, views

urlpatterns = [
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/variants/", views.variant_table, name="variant_table"),
    path("cases/<int:case_id>/variants/export.csv", views.variant_table_export, name="variant_table_export"),
    path("cases/<int:case_id>/presets/", views.preset_create, name="filter_preset_create"),
    path("cases/<int:case_id>/variants/<int:variant_id>/", views.variant_page, name="variant_page"),
    path("cases/<int:case_id>/variants/<int:variant_id>/tags/", views.variant_tag_toggle, name="variant_tag_toggle"),
    path("cases/<int:case_id>/variants/<int:variant_id>/comments/", views.variant_comment_add,
         name="variant_comment_add"),
    path("api/cases/<int:case_id>/analysis/", api.CaseAnalysis.as_view(), name="api_case_analysis"),
    path("cases/<int:case_id>/structural-variants/", views.structural_variants, name="structural_variants"),
    path("cases/<int:case_id>/repeat-expansions/", views.repeat_expansions, name="repeat_expansions"),
    path("cases/<int:case_id>/mitochondrial-variants/", views.mitochondrial_variants, name="mitochondrial_variants"),
    path("cases/<int:case_id>/mitochondrial-variants/<int:mt_variant_id>/classify/", views.mitochondrial_classify,
         name="mitochondrial_classify"),
    path("api/cases/<int:case_id>/mitochondrial-variants/", api.CaseMitochondrialVariants.as_view(),
         name="api_mitochondrial_variants"),
    path("api/cases/<int:case_id>/repeat-expansions/", api.CaseRepeatExpansions.as_view(),
         name="api_repeat_expansions"),
    path("api/cases/<int:case_id>/structural-variants/", api.CaseStructuralVariants.as_view(),
         name="api_structural_variants"),
]
