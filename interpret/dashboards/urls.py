"""Routes of the programme dashboards."""
from django.urls import path

from interpret.dashboards import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:figure>.csv", views.dashboard_csv, name="dashboard_csv"),
]
