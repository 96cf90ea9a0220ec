"""The work list and case moves for scripts (token or session)."""
from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import Action
from core.web import audit_request, request_token
from genomes.web import case_for_request
from interpret.workflow.selectors import VIEWS, work_list
from interpret.workflow.services import WorkflowError
from interpret.workflow.views import case_move


def _case_json(case) -> dict:
    return {"id": case.pk, "identifier": case.identifier, "patient_group": case.patient_group.code,
            "department": case.department.code, "analysis_type": case.analysis_type, "status": case.status,
            "import_state": case.import_state,
            "assigned_to": case.assigned_to.username if case.assigned_to else None,
            "reviewer": case.reviewer.username if case.reviewer else None,
            "data_ready_at": case.data_ready_at, "reported_at": case.reported_at}


class WorkList(APIView):
    def get(self, request):
        view = request.query_params.get("view", "mine")
        if view not in VIEWS:
            return Response({"error": f"view: one of {', '.join(VIEWS)}"}, status=400)
        cases = list(work_list(request.user, view, token=request_token(request),
                               **{k: request.query_params.get(k, "") for k in ("patient_group", "status",
                                                                               "analysis_type")}))
        audit_request(request, action=Action.VIEW, object_type="worklist", object_id=view,
                      details={"cases": len(cases), "via": "api"})
        return Response([{**_case_json(c), "turnaround_days": c.turnaround.days if c.turnaround else None}
                         for c in cases])


class CaseWorkflow(APIView):
    """POST {"action": "start"|"assign"|"submit_for_review"|"return"|"close"|"reopen", "assignee",
    "reviewer", "reason", "text"}: the case after the move; 403 / 409 / 400 with the reason."""

    def post(self, request, case_id: int):
        case = case_for_request(request, case_id)
        try:
            case = case_move(request, case, request.data)
        except WorkflowError as error:
            return Response({"error": str(error)}, status=error.status)
        return Response(_case_json(case))
