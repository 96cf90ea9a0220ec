from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from genomes import api as genomes_api
from genomes import views as genomes_views
from interpret import api, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("groups/<slug:code>/", genomes_views.patient_group_cases, name="patient_group_cases"),
    path("cases/<int:case_id>/", genomes_views.case_detail, name="case_detail"),
    path("cases/import/", genomes_views.case_import, name="case_import"),
    path("audit/", views.audit_log, name="audit_log"),
    path("system/", views.system_status, name="system_status"),
    path("system/worker-check/", views.worker_check_start, name="worker_check_start"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("api/whoami/", api.WhoAmI.as_view(), name="api_whoami"),
    path("api/patient-groups/", api.PatientGroupList.as_view(), name="api_patient_groups"),
    path("api/cases/", genomes_api.CaseList.as_view(), name="api_cases"),
    path("api/cases/<int:case_id>/", genomes_api.CaseDetail.as_view(), name="api_case_detail"),
    path("api/cases/import/", genomes_api.CaseImportCreate.as_view(), name="api_case_import"),
    path("api/jobs/worker-check/", api.WorkerCheckCreate.as_view(), name="api_worker_check"),
    path("api/jobs/<int:job_id>/", api.JobDetail.as_view(), name="api_job_detail"),
    path("admin/", admin.site.urls),
]
