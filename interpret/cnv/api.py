"""REST API of CNV classifications (ACMG/ClinGen 2020 points): start one from a case's call, read it, and act on
it (points, submit, approve, return, reclassify) with the same services, rights and audit as the pages."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import Action
from core.web import audit_context, audit_refusal, audit_request, error_text, request_token
from genomes.web import case_for_request
from interpret.classification.models import CnvClassification
from interpret.classification.selectors import cnv_classification_for_user
from interpret.classification.services import ClassificationConflict
from interpret.cnv.services import (
    cnv_approve,
    cnv_classification_start,
    cnv_points_set,
    cnv_reclassify,
    cnv_return_to_draft,
    cnv_submit,
)


class CnvClassificationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    case = serializers.CharField(source="case.identifier", default=None)
    created_by = serializers.CharField(source="created_by.username", default=None)
    approved_by = serializers.CharField(source="approved_by.username", default=None)
    result = serializers.SerializerMethodField()

    class Meta:
        model = CnvClassification
        fields = ["id", "cluster", "condition", "department", "case", "structural_variant", "direction",
                  "genome_build", "chrom", "start", "end", "genes", "hgvs", "iscn", "version", "status", "reason",
                  "points", "total", "result", "rule_set", "rule_set_version", "lock_version", "created_by",
                  "created_at", "approved_by", "approved_at"]

    def get_result(self, classification) -> dict:
        return {"class": classification.result_class, "label": classification.class_text,
                "points": classification.total}


def _refused(request, error, classification_id=None):
    audit_refusal(request, error, object_type="cnv_classification", object_id=classification_id or "")
    code = {ClassificationConflict: 409, PermissionDenied: 403}.get(type(error), 400)
    return Response({"error": error_text(error) if not isinstance(error, ClassificationConflict) else str(error)},
                    status=code)


class CnvClassificationStart(APIView):
    """POST {"condition": ...}: the department's draft CNV classification of the call's event (an open draft of
    the same event and condition is answered instead of a second)."""

    def post(self, request, case_id: int, call_id: int):
        case = case_for_request(request, case_id)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            classification = cnv_classification_start(case=case, call_id=call_id, condition=str(
                data.get("condition") or ""), by=request.user, audit=audit_context(request))
        except (ValidationError, PermissionDenied) as error:
            return _refused(request, error)
        return Response(CnvClassificationSerializer(classification).data, status=status.HTTP_201_CREATED)


class CnvClassificationDetail(APIView):
    """GET: the classification (its department's patient-data members only: its evidence names a patient's
    call). POST {"action": "points", "code", "decision", "points", "justification", "lock_version"} or
    {"action": "submit", "lock_version"} | {"action": "approve"} | {"action": "return"|"reclassify", "reason"}."""

    def _get(self, request, classification_id: int):
        try:
            return cnv_classification_for_user(classification_id, request.user, token=request_token(request))
        except CnvClassification.DoesNotExist:
            audit_refusal(request, Http404("no such CNV classification, or not this department's"),
                          object_type="cnv_classification", object_id=classification_id)
            return None

    def get(self, request, classification_id: int):
        classification = self._get(request, classification_id)
        if classification is None:
            return Response({"error": "not found"}, status=404)
        audit_request(request, action=Action.VIEW, object_type="cnv_classification", object_id=classification.pk,
                      department_code=classification.department.code)
        return Response(CnvClassificationSerializer(classification).data)

    def post(self, request, classification_id: int):
        if self._get(request, classification_id) is None:
            return Response({"error": "not found"}, status=404)
        data = request.data if isinstance(request.data, dict) else {}
        audit, by = audit_context(request), request.user
        actions = {
            "points": lambda: cnv_points_set(
                classification_id=classification_id, lock_version=data.get("lock_version"), by=by,
                code=str(data.get("code") or ""), decision=str(data.get("decision") or ""),
                points=data.get("points"), justification=str(data.get("justification") or ""), audit=audit),
            "submit": lambda: cnv_submit(classification_id=classification_id, lock_version=data.get("lock_version"),
                                         by=by, audit=audit),
            "approve": lambda: cnv_approve(classification_id=classification_id, by=by, audit=audit),
            "return": lambda: cnv_return_to_draft(classification_id=classification_id, by=by,
                                                  reason=str(data.get("reason") or ""), audit=audit),
            "reclassify": lambda: cnv_reclassify(classification_id=classification_id, by=by,
                                                 reason=str(data.get("reason") or ""), audit=audit),
        }
        action = data.get("action")
        if action not in actions:
            return Response({"error": f"action: one of {', '.join(actions)}"}, status=400)
        try:
            classification = actions[action]()
        except (ValidationError, PermissionDenied, ClassificationConflict) as error:
            return _refused(request, error, classification_id)
        return Response(CnvClassificationSerializer(classification).data)
