from django.urls import path

from interpret.reanalysis import views

urlpatterns = [
    path("alerts/", views.alert_inbox, name="alert_inbox"),
    path("alerts/<int:alert_id>/", views.alert_action, name="alert_action"),
    path("reanalyses/", views.reanalysis_start, name="reanalysis_start"),
    path("api/alerts/", views.AlertList.as_view(), name="api_alerts"),
    path("api/alerts/<int:alert_id>/", views.AlertDetail.as_view(), name="api_alert_detail"),
    path("api/reanalyses/", views.ReanalysisCreate.as_view(), name="api_reanalyses"),
    path("api/reanalyses/<int:reanalysis_id>/", views.ReanalysisDetail.as_view(), name="api_reanalysis_detail"),
]
