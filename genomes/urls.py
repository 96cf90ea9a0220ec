"""Routes of genomes: a patient group's cases, a case, importing, and their API."""
from django.urls import path

from genomes import api, beacon_api, read_views, views

urlpatterns = [
    path("groups/<slug:code>/", views.patient_group_cases, name="patient_group_cases"),
    path("cases/import/", views.case_import, name="case_import"),
    path("api/cases/", api.CaseList.as_view(), name="api_cases"),
    path("api/beacon/", beacon_api.BeaconInfo.as_view(), name="beacon_root"),
    path("api/beacon/info", beacon_api.BeaconInfo.as_view(), name="beacon_info"),
    path("api/beacon/configuration", beacon_api.BeaconConfiguration.as_view(), name="beacon_configuration"),
    path("api/beacon/map", beacon_api.BeaconMap.as_view(), name="beacon_map"),
    path("api/beacon/g_variants", beacon_api.BeaconGenomicVariants.as_view(), name="beacon_g_variants"),
    path("api/cases/<int:case_id>/", api.CaseDetail.as_view(), name="api_case_detail"),
    path("api/cases/import/", api.CaseImportCreate.as_view(), name="api_case_import"),
    path("cases/<int:case_id>/reads/", read_views.case_reads, name="case_reads"),
    path("cases/<int:case_id>/reads/<int:sample_id>.bam", read_views.case_reads_slice, name="case_reads_slice"),
    path("cases/<int:case_id>/reads/reference.fa", read_views.case_reads_reference, name="case_reads_reference"),
    path("cases/<int:case_id>/reads/reference.fa.fai", read_views.case_reads_reference_index,
         name="case_reads_reference_index"),
]
