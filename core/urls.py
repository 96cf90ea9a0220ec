"""Routes of the platform core: home, login, audit log, system status, jobs, and their API."""
from django.contrib.auth import views as auth_views
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import account_views, api, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", account_views.Login.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account_views.PasswordChange.as_view(), name="password_change"),
    path("otp/setup/", account_views.otp_setup, name="otp_setup"),
    path("otp/verify/", account_views.otp_verify, name="otp_verify"),
    path("audit/", views.audit_log, name="audit_log"),
    path("system/", views.system_status, name="system_status"),
    path("system/worker-check/", views.worker_check_start, name="worker_check_start"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("api/whoami/", api.WhoAmI.as_view(), name="api_whoami"),
    path("api/patient-groups/", api.PatientGroupList.as_view(), name="api_patient_groups"),
    path("api/jobs/worker-check/", api.WorkerCheckCreate.as_view(), name="api_worker_check"),
    path("api/jobs/<int:job_id>/", api.JobDetail.as_view(), name="api_job_detail"),
    # The whole REST API's OpenAPI 3 schema, introspected from the URL configuration, and its browsable page.
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
