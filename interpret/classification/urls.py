"""Routes of ACMG/AMP classification: pages and API."""
from django.urls import path

from interpret.classification import api, views

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
    path("api/classifications/", api.ClassificationList.as_view(), name="api_classifications"),
    path("api/classifications/<int:classification_id>/", api.ClassificationDetail.as_view(),
         name="api_classification_detail"),
]
