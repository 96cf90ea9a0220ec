"""Routes of the case workflow: work lists, case moves, case notes."""
from django.urls import path

from interpret.workflow import api, views

urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("cases/<int:case_id>/workflow/", views.case_workflow, name="case_workflow"),
    path("cases/<int:case_id>/notes/", views.case_note_add, name="case_note_add"),
    path("api/worklist/", api.WorkList.as_view(), name="api_worklist"),
    path("api/cases/<int:case_id>/workflow/", api.CaseWorkflow.as_view(), name="api_case_workflow"),
]
