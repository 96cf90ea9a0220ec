"""Routes of ACMG/AMP classification: pages and API."""
from django.urls import path

from interpret.classification import api, cnv_api, cnv_views, views

urlpatterns = [
    path("cases/<int:case_id>/variants/<int:variant_id>/classify/", views.classification_start_view,
         name="classification_start"),
    path("classifications/conflicts/", views.classification_conflict_list, name="classification_conflicts"),
    path("classifications/<int:classification_id>/", views.classification_detail, name="classification_detail"),
    path("classifications/<int:classification_id>/criterion/", views.classification_criterion,
         name="classification_criterion"),
    path("classifications/<int:classification_id>/accept-all/", views.classification_accept_all,
         name="classification_accept_all"),
    path("classifications/<int:classification_id>/context/", views.classification_context,
         name="classification_context"),
    path("classifications/<int:classification_id>/<slug:action>/", views.classification_transition,
         name="classification_transition"),
    path("cases/<int:case_id>/structural-variants/<int:call_id>/classify/", cnv_views.cnv_classification_start_view,
         name="cnv_classification_start"),
    path("cnv-classifications/<int:classification_id>/", cnv_views.cnv_classification_detail,
         name="cnv_classification_detail"),
    path("cnv-classifications/<int:classification_id>/points/", cnv_views.cnv_classification_points,
         name="cnv_classification_points"),
    path("cnv-classifications/<int:classification_id>/<slug:action>/", cnv_views.cnv_classification_transition,
         name="cnv_classification_transition"),
    path("api/cases/<int:case_id>/structural-variants/<int:call_id>/cnv-classification/",
         cnv_api.CnvClassificationStart.as_view(), name="api_cnv_classification_start"),
    path("api/cnv-classifications/<int:classification_id>/", cnv_api.CnvClassificationDetail.as_view(),
         name="api_cnv_classification_detail"),
    path("api/classifications/", api.ClassificationList.as_view(), name="api_classifications"),
    path("api/classifications/<int:classification_id>/", api.ClassificationDetail.as_view(),
         name="api_classification_detail"),
]
