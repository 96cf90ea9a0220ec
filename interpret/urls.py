"""The root URL configuration: each layer's routes, by name, from its own urls module."""
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("core.urls")),
    path("", include("genomes.urls")),
    path("", include("panels.urls")),
    path("", include("interpret.analysis.urls")),
    path("", include("interpret.classification.urls")),
    path("", include("interpret.cnv.urls")),
    path("", include("interpret.workflow.urls")),
    path("", include("interpret.reporting.urls")),
    path("", include("interpret.dashboards.urls")),
    path("", include("interpret.national.urls")),
    path("", include("interpret.reanalysis.urls")),
    path("", include("interpret.tumor_board.urls")),
    path("", include("interpret.phenotype.urls")),
    # The admin site signs in through the platform's own form (throttled per address, then the second factor).
    path("admin/login/", login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
         name="admin_login"),
    path("admin/", admin.site.urls),
]

handler500 = "core.views.server_error"
