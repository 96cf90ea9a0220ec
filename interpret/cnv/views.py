"""CNV classification pages (ACMG/ClinGen 2020 points). Thin: the workflow is
interpret.cnv.services, the scoresheets interpret.acmg.cnv."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.audit import Action
from core.web import audit_context, audit_refusal, audit_request, error_text, request_token
from genomes.web import case_for_request
from interpret.acmg.cnv import cnv_codes
from interpret.classification.models import CnvClassification
from interpret.classification.selectors import cnv_classification_for_user, may_classify
from interpret.classification.services import ClassificationConflict
from interpret.cnv.services import (
    cnv_approve,
    cnv_classification_start,
    cnv_points_set,
    cnv_reclassify,
    cnv_return_to_draft,
    cnv_submit,
)


@require_POST
def cnv_classification_start_view(request, case_id: int, call_id: int):
    case = case_for_request(request, case_id)
    try:
        classification = cnv_classification_start(case=case, call_id=call_id,
                                                   condition=request.POST.get("condition", ""), by=request.user,
                                                   audit=audit_context(request))
    except (ValidationError, PermissionDenied) as error:
        audit_refusal(request, error)
        messages.error(request, error_text(error))
        return redirect("structural_variants", case_id=case.pk)
    return redirect("cnv_classification_detail", classification_id=classification.pk)


def _get(request, classification_id: int) -> CnvClassification:
    try:
        return cnv_classification_for_user(classification_id, request.user, token=request_token(request))
    except CnvClassification.DoesNotExist:
        audit_refusal(request, Http404("no such CNV classification, or not this department's"),
                      object_type="cnv_classification", object_id=classification_id)
        raise Http404("No such CNV classification") from None


def cnv_scoresheet(classification: CnvClassification) -> list[dict]:
    """One row per code of the scoresheet: its suggested points, range, the platform's suggestion and the
    curator's decision."""
    rows = []
    suggested_elsewhere = {code: entry["suggestion"] for code, entry in classification.points.items()
                           if entry.get("suggestion") and code not in cnv_codes(classification.direction)}
    for code, (points, least, most) in cnv_codes(classification.direction).items():
        entry = classification.points.get(code, {})
        rows.append({"code": code, "points": points, "least": least, "most": most, "entry": entry,
                     "suggestion": entry.get("suggestion"), "decision": entry.get("decision", ""),
                     "fixed": least == most})
    return rows + [{"code": code, "suggestion": suggestion, "to_assess": True}
                   for code, suggestion in suggested_elsewhere.items()]


def cnv_classification_detail(request, classification_id: int):
    classification = _get(request, classification_id)
    audit_request(request, action=Action.VIEW, object_type="cnv_classification", object_id=classification.pk,
                  department_code=classification.department.code)
    classifier = may_classify(request.user, classification.department)
    status = classification.status
    history = CnvClassification.objects.filter(cluster_id=classification.cluster_id,
                                               condition=classification.condition,
                                               department=classification.department).order_by("-version")
    return render(request, "interpret/cnv_classification.html", {
        "classification": classification, "rows": cnv_scoresheet(classification), "history": history,
        "editable": classifier and status == "draft",
        "may_approve": classifier and status == "submitted" and request.user.pk not in (
            classification.created_by_id, classification.submitted_by_id, *classification.edited_by),
        "may_reclassify": classifier and status == "final"})


@require_POST
def cnv_classification_points(request, classification_id: int):
    _get(request, classification_id)
    return _act(request, classification_id, lambda: cnv_points_set(
        classification_id=classification_id, lock_version=request.POST.get("lock_version"), by=request.user,
        code=request.POST.get("code", ""), decision=request.POST.get("decision", ""),
        points=request.POST.get("points"), justification=request.POST.get("justification", ""),
        audit=audit_context(request)), "Saved.")


@require_POST
def cnv_classification_transition(request, classification_id: int, action: str):
    audit, reason = audit_context(request), request.POST.get("reason", "")
    actions = {
        "submit": (lambda: cnv_submit(classification_id=classification_id, by=request.user, audit=audit,
                                      lock_version=request.POST.get("lock_version")),
                   "Submitted for approval by a second curator."),
        "approve": (lambda: cnv_approve(classification_id=classification_id, by=request.user, audit=audit),
                    "Approved: the CNV classification is final."),
        "return": (lambda: cnv_return_to_draft(classification_id=classification_id, by=request.user, reason=reason,
                                               audit=audit), "Returned to draft."),
        "reclassify": (lambda: cnv_reclassify(classification_id=classification_id, by=request.user, reason=reason,
                                              audit=audit), "A new version was started from the final one."),
    }
    if action not in actions:
        raise Http404("Unknown action")
    _get(request, classification_id)
    change, done = actions[action]
    return _act(request, classification_id, change, done)


def _act(request, classification_id: int, change, done: str):
    try:
        result = change()
    except ClassificationConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("cnv_classification_detail", classification_id=classification_id)
    except (ValidationError, PermissionDenied) as error:
        audit_refusal(request, error)
        messages.error(request, error_text(error))
        return redirect("cnv_classification_detail", classification_id=classification_id)
    messages.success(request, done)
    return redirect("cnv_classification_detail", classification_id=result.pk)
