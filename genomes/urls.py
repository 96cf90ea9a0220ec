"""Routes of genomes: a patient group's cases, a case, importing, and their API."""
from django.urls import path

from genomes import api, views

urlpatterns = [
    path("groups/<slug:code>/", views.patient_group_cases, name="patient_group_cases"),
    path("cases/import/", views.case_import, name="case_import"),
    path("api/cases/", api.CaseList.as_view(), name="api_cases"),
    path("api/cases/<int:case_id>/", api.CaseDetail.as_view(), name="api_case_detail"),
    path("api/cases/import/", api.CaseImportCreate.as_view(), name="api_case_import"),
]
