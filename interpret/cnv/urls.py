"""Routes of CNV classification (ACMG/ClinGen 2020 points): pages and API."""
from django.urls import path

from interpret.cnv import api, views

urlpatterns = [
    path("cases/<int:case_id>/structural-variants/<int:call_id>/classify/", views.cnv_classification_start_view,
         name="cnv_classification_start"),
    path("cnv-classifications/<int:classification_id>/", views.cnv_classification_detail,
         name="cnv_classification_detail"),
    path("cnv-classifications/<int:classification_id>/points/", views.cnv_classification_points,
         name="cnv_classification_points"),
    path("cnv-classifications/<int:classification_id>/<slug:action>/", views.cnv_classification_transition,
         name="cnv_classification_transition"),
    path("api/cases/<int:case_id>/structural-variants/<int:call_id>/cnv-classification/",
         api.CnvClassificationStart.as_view(), name="api_cnv_classification_start"),
    path("api/cnv-classifications/<int:classification_id>/", api.CnvClassificationDetail.as_view(),
         name="api_cnv_classification_detail"),
]
