"""Work lists, case moves and case notes: thin views over interpret.workflow.services and selectors."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.audit import Action
from core.web import audit_context, audit_refusal, audit_request
from genomes.models import Case
from genomes.web import case_for_request
from interpret.workflow import services
from interpret.workflow.selectors import SORTS, VIEWS, turnaround_days, work_list, work_list_counts


def worklist(request):
    view = request.GET.get("view", "mine")
    view = view if view in VIEWS else "mine"
    filters = {key: request.GET.get(key, "") for key in ("patient_group", "status", "analysis_type")}
    sort = request.GET.get("sort", "-turnaround")
    cases = list(work_list(request.user, view, sort=sort, **filters))
    counts = work_list_counts(request.user)
    # case identifiers are patient data: the list is a read of them
    audit_request(request, action=Action.VIEW, object_type="worklist", object_id=view,
                  details={"cases": len(cases), **{k: v for k, v in filters.items() if v}})
    return render(request, "interpret/worklist.html", {
        "cases": cases, "view": view, "sort": sort,
        "tabs": [(key, label, counts.get(key)) for key, label in VIEWS.items()],
        "sorts": SORTS, "filters": filters, "statuses": Case.Status.choices,
        "analysis_types": Case.AnalysisType.choices, "turnaround_days": turnaround_days()})


ACTIONS = {
    "start": lambda case, by, post, audit: services.case_start_analysis(
        case=case, by=by, assignee=post.get("assignee") or None, audit=audit),
    "assign": lambda case, by, post, audit: services.case_assign(case=case, by=by, assignee=post.get("assignee"),
                                                                 audit=audit),
    "submit_for_review": lambda case, by, post, audit: services.case_submit_for_review(
        case=case, by=by, reviewer=post.get("reviewer"), audit=audit),
    "return": lambda case, by, post, audit: services.case_return_to_analysis(
        case=case, by=by, text=post.get("text", ""), audit=audit),
    "close": lambda case, by, post, audit: services.case_close(case=case, by=by, audit=audit),
    "reopen": lambda case, by, post, audit: services.case_reopen(
        case=case, by=by, reason=post.get("reason", ""), text=post.get("text", ""), audit=audit),
}


def case_move(request, case, data) -> Case:
    """One workflow action on a case for a page or the API; a WorkflowError says why not."""
    if not services.is_clinical_geneticist(request.user, case):
        error = services.WorkflowError(f"only a clinical geneticist of {case.department.code} moves its cases", 403)
        audit_refusal(request, PermissionDenied(str(error)), object_type="case", object_id=case.pk)
        raise error
    action = ACTIONS.get(data.get("action", ""))
    if action is None:
        raise services.WorkflowError(f"unknown action {data.get('action')!r}; one of {', '.join(ACTIONS)}", 400)
    try:
        return action(case, request.user, data, audit_context(request))
    except services.WorkflowError as error:
        if error.status == 403:
            audit_refusal(request, PermissionDenied(str(error)), object_type="case", object_id=case.pk)
        raise


@require_POST
def case_workflow(request, case_id: int):
    case = case_for_request(request, case_id)
    try:
        case_move(request, case, request.POST)
    except services.WorkflowError as error:
        if error.status == 403:
            raise PermissionDenied(str(error)) from None
        messages.error(request, str(error))
    return redirect("case_detail", case_id=case.pk)


@require_POST
def case_note_add(request, case_id: int):
    case = case_for_request(request, case_id)
    try:
        services.case_note_add(case=case, by=request.user, kind=request.POST.get("kind", "note"),
                               text=request.POST.get("text", ""), audit=audit_context(request))
    except services.WorkflowError as error:
        if error.status == 403:
            audit_refusal(request, PermissionDenied(str(error)), object_type="case", object_id=case.pk)
            raise PermissionDenied(str(error)) from None
        messages.error(request, str(error))
    return redirect("case_detail", case_id=case.pk)
