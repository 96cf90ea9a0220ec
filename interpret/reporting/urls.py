"""Routes of clinical reports."""
from django.urls import path

from interpret.reporting import views

urlpatterns = [
    path("cases/<int:case_id>/reports/", views.report_start, name="report_start"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/sign/", views.report_sign, name="report_sign"),
    path("reports/<int:report_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("report-template/", views.report_template_edit, name="report_template_edit"),
    path("cases/<int:case_id>/phenopacket.json", views.case_phenopacket, name="case_phenopacket"),
]
