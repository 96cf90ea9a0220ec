"""The root URL configuration: each layer's routes, by name, from its own urls module."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("", include("genomes.urls")),
    path("", include("panels.urls")),
    path("", include("interpret.analysis.urls")),
    path("", include("interpret.classification.urls")),
    path("", include("interpret.workflow.urls")),
    path("", include("interpret.reporting.urls")),
    path("", include("interpret.dashboards.urls")),
    path("", include("interpret.national.urls")),
    path("", include("interpret.reanalysis.urls")),
    path("", include("interpret.tumor_board.urls")),
    path("admin/", admin.site.urls),
]
