"""Routes of the GenNet panels: pages and API."""
from django.urls import path

from panels import api, views

urlpatterns = [
    path("panels/", views.panel_list, name="panel_list"),
    path("panels/<slug:code>/", views.panel_detail, name="panel_detail"),
    path("panels/<slug:code>/drafts/", views.draft_create, name="panel_draft_create"),
    path("panels/<slug:code>/compare/", views.panel_compare, name="panel_compare"),
    path("panels/<slug:code>/v/<str:label>/", views.panel_version_detail, name="panel_version_detail"),
    path("panels/<slug:code>/v/<str:label>/genes/", views.draft_gene_add, name="panel_draft_gene_add"),
    path("panels/<slug:code>/v/<str:label>/genes/<str:symbol>/", views.draft_gene_change,
         name="panel_draft_gene_change"),
    path("panels/<slug:code>/v/<str:label>/<slug:action>/", views.version_transition,
         name="panel_version_transition"),
    path("panels/<slug:code>/v/<str:label>/export/<slug:fmt>/", views.panel_version_download,
         name="panel_version_download"),
    path("api/panels/", api.PanelList.as_view(), name="api_panels"),
    path("api/panels/import/", api.PanelImport.as_view(), name="api_panel_import"),
    path("api/panels/<slug:code>/", api.PanelDetail.as_view(), name="api_panel_detail"),
    path("api/panels/<slug:code>/drafts/", api.PanelDraftCreate.as_view(), name="api_panel_draft_create"),
    path("api/panels/<slug:code>/versions/<str:label>/", api.PanelVersionDetail.as_view(), name="api_panel_version"),
    path("api/panels/<slug:code>/versions/<str:label>/export/", api.PanelVersionExport.as_view(),
         name="api_panel_version_export"),
    path("api/panels/<slug:code>/versions/<str:label>/genes/", api.PanelDraftGenes.as_view(), name="api_panel_genes"),
    path("api/panels/<slug:code>/versions/<str:label>/genes/<str:symbol>/", api.PanelDraftGene.as_view(),
         name="api_panel_gene"),
    path("api/panels/<slug:code>/versions/<str:label>/<slug:action>/", api.PanelVersionTransition.as_view(),
         name="api_panel_version_transition"),
]
