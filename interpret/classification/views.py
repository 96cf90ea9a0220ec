"""ACMG/AMP classification pages. Thin: the workflow is interpret.classification.services, the rules interpret.acmg."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.audit import Action
from core.web import audit_context, audit_refusal, audit_request, error_text
from genomes.models import Variant
from genomes.web import case_for_request
from interpret.acmg.classes import class_label
from interpret.acmg.criteria import Strength
from interpret.classification.evaluation import criteria_of, evaluation, is_oncogenicity
from interpret.classification.models import Classification
from interpret.classification.selectors import (
    classification_conflicts,
    classification_get_for_user,
    classification_history,
    may_classify,
)
from interpret.classification.services import (
    ClassificationConflict,
    classification_accept_all_suggestions,
    classification_approve,
    classification_context_set,
    classification_criterion_set,
    classification_reclassify,
    classification_return_to_draft,
    classification_start,
    classification_submit,
)

STRENGTH_CHOICES = [(s.value, s.label) for s in Strength]



@require_POST
def classification_start_view(request, case_id: int, variant_id: int):
    case = case_for_request(request, case_id)
    variant = Variant.objects.filter(pk=variant_id).first()
    if variant is None:
        raise Http404("No such variant")
    try:
        classification = classification_start(
            variant=variant, gene=request.POST.get("gene", ""), condition=request.POST.get("condition", ""),
            mode_of_inheritance=request.POST.get("mode_of_inheritance", ""), by=request.user,
            department=case.department, case=case, transcript=request.POST.get("transcript", ""),
            audit=audit_context(request))
    except (ValidationError, PermissionDenied) as error:
        audit_refusal(request, error)
        messages.error(request, error_text(error))
        return redirect("variant_page", case_id=case.pk, variant_id=variant_id)
    return redirect("classification_detail", classification_id=classification.pk)


def _get(request, classification_id: int) -> Classification:
    try:
        return classification_get_for_user(classification_id=classification_id, user=request.user)
    except Classification.DoesNotExist:
        raise Http404("No such classification") from None


def _criteria_rows(classification: Classification) -> list[dict]:
    """One row per criterion. Another department sees the criteria applied and their strengths, not the
    justifications and suggestions, which can state facts about the patient ("de novo in the proband")."""
    own = getattr(classification, "is_own", False)
    considered = {c["criterion"]: c["reason"] for c in classification.considered} if own else {}
    rows = []
    for code, criterion in criteria_of(classification).items():
        entry = classification.criteria.get(code, {})
        if not own:
            entry = {k: v for k, v in entry.items() if k in ("decision", "strength")}
        rows.append({"code": code, "criterion": criterion, "entry": entry, "suggestion": entry.get("suggestion"),
                     "considered": considered.get(code), "decision": entry.get("decision", ""),
                     "strength": entry.get("strength") or (entry.get("suggestion") or {}).get("strength")
                     or criterion.default.value})
    return rows


def _context(request, classification: Classification, error: str = "") -> dict:
    classifier = classification.is_own and may_classify(request.user, classification.department,
                                                        origin=classification.origin)
    status = classification.status
    return {
        "classification": classification, "result": evaluation(classification), "rows": _criteria_rows(classification),
        "editable": classifier and status == Classification.Status.DRAFT,
        "strengths": STRENGTH_CHOICES, "error": error,
        "may_approve": (classifier and status == Classification.Status.SUBMITTED
                        and request.user.pk not in (classification.created_by_id, classification.submitted_by_id)),
        "may_reclassify": classifier and status == Classification.Status.FINAL,
        "class_label": class_label(classification.result_class),
        "oncogenicity": is_oncogenicity(classification),
        "lof_choices": Classification.LofMechanism.choices,
        "phenotype_choices": Classification.PhenotypeConsistency.choices,
        "moi_choices": Classification.Inheritance.choices,
    }


def classification_detail(request, classification_id: int):
    classification = _get(request, classification_id)
    audit_request(request, action=Action.VIEW, object_type="classification", object_id=classification.pk,
                 department_code=classification.department.code)
    return render(request, "interpret/classification.html", {
        **_context(request, classification), "history": classification_history(classification)})


def _editor(request, classification_id: int, change) -> HttpResponse:
    """Apply one change to a draft and return the editor (criteria + live result) for htmx to swap in."""
    try:
        classification = change()
        classification = _get(request, classification.pk)
        return render(request, "interpret/_classification_editor.html", _context(request, classification))
    except ClassificationConflict as conflict:
        current = _get(request, classification_id)
        response = render(request, "interpret/_classification_editor.html",
                          _context(request, current, error=str(conflict)))
        response.status_code = 409
        return response
    except (ValidationError, PermissionDenied) as error:
        audit_refusal(request, error)
        current = _get(request, classification_id)
        response = render(request, "interpret/_classification_editor.html",
                          _context(request, current, error=error_text(error)))
        response.status_code = 400 if isinstance(error, ValidationError) else 403
        return response


@require_POST
def classification_criterion(request, classification_id: int):
    return _editor(request, classification_id, lambda: classification_criterion_set(
        classification_id=classification_id, lock_version=request.POST.get("lock_version"), by=request.user,
        criterion=request.POST.get("criterion", ""), decision=request.POST.get("decision", ""),
        strength=request.POST.get("strength") or None, justification=request.POST.get("justification", ""),
        audit=audit_context(request)))


@require_POST
def classification_accept_all(request, classification_id: int):
    return _editor(request, classification_id, lambda: classification_accept_all_suggestions(
        classification_id=classification_id, lock_version=request.POST.get("lock_version"), by=request.user,
        audit=audit_context(request)))


@require_POST
def classification_context(request, classification_id: int):
    return _editor(request, classification_id, lambda: classification_context_set(
        classification_id=classification_id, lock_version=request.POST.get("lock_version"), by=request.user,
        lof_mechanism=request.POST.get("lof_mechanism") or None,
        phenotype_consistency=request.POST.get("phenotype_consistency") or None,
        mode_of_inheritance=request.POST.get("mode_of_inheritance") or None,
        system=request.POST.get("system") or None, audit=audit_context(request)))


@require_POST
def classification_transition(request, classification_id: int, action: str):
    audit, reason = audit_context(request), request.POST.get("reason", "")
    actions = {
        "submit": lambda: classification_submit(classification_id=classification_id, by=request.user,
                                                lock_version=request.POST.get("lock_version"), audit=audit),
        "approve": lambda: classification_approve(classification_id=classification_id, by=request.user, audit=audit),
        "return": lambda: classification_return_to_draft(classification_id=classification_id, by=request.user,
                                                         reason=reason, audit=audit),
        "reclassify": lambda: classification_reclassify(classification_id=classification_id, by=request.user,
                                                        reason=reason, audit=audit),
    }
    if action not in actions:
        raise Http404("Unknown action")
    _get(request, classification_id)
    try:
        result = actions[action]()
    except ClassificationConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("classification_detail", classification_id=classification_id)
    except (ValidationError, PermissionDenied) as error:
        audit_refusal(request, error)
        messages.error(request, error_text(error))
        return redirect("classification_detail", classification_id=classification_id)
    messages.success(request, {"submit": "Submitted for approval by a second curator.",
                               "approve": "Approved: the classification is final.",
                               "return": "Returned to draft.",
                               "reclassify": "A new version was started from the final one."}[action])
    return redirect("classification_detail", classification_id=result.pk)


def classification_conflict_list(request):
    audit_request(request, action=Action.VIEW, object_type="classification_conflicts")
    return render(request, "interpret/classification_conflicts.html", {"conflicts": classification_conflicts()})
