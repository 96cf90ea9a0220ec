"""REST API of the national classification store: read classifications, and (curator tools) submit drafts."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import Action
from core.models import Department
from core.web import audit_context, audit_refusal, audit_request, request_token
from genomes.models import Variant
from genomes.selectors import variant_find
from genomes.variant_identity import VariantIdentityError, VariantKey, parse_build, variant_key
from interpret.acmg.criteria import Evidence, EvidenceCodeError, parse_code
from interpret.cancer.oncogenicity import ONCOGENICITY_CRITERIA
from interpret.classification.evaluation import applied_evidence, evaluation
from interpret.classification.models import Classification
from interpret.classification.selectors import (
    classification_get_for_user,
    classifications_of_variant,
    final_classifications_in_gene,
    may_classify,
)
from interpret.classification.services import classification_draft_with_codes


class ClassificationSerializer(serializers.ModelSerializer):
    variant = serializers.CharField(source="variant.__str__")
    department = serializers.CharField(source="department.code")
    created_by = serializers.CharField(source="created_by.username", default=None)
    approved_by = serializers.CharField(source="approved_by.username", default=None)
    codes = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = Classification
        fields = [
            "id",
            "variant",
            "gene",
            "condition",
            "origin",
            "mode_of_inheritance",
            "department",
            "version",
            "status",
            "reason",
            "transcript",
            "hgvsc",
            "hgvsp",
            "codes",
            "result",
            "rule_set",
            "rule_set_version",
            "lock_version",
            "created_by",
            "created_at",
            "approved_by",
            "approved_at",
        ]

    def get_codes(self, classification) -> list[dict]:
        """The applied codes; their justifications only for the department's clinical members (they can state
        facts about the patient)."""
        own = getattr(classification, "is_own", False)
        if classification.origin == Classification.Origin.SOMATIC:  # oncogenicity codes carry fixed points
            return [{"code": code, "justification": entry.get("justification", "") if own else ""}
                    for code, entry in sorted(classification.criteria.items()) if entry.get("decision") == "applied"]
        return [{"code": e.code,
                 "justification": classification.criteria[e.criterion].get("justification", "") if own else ""}
                for e in applied_evidence(classification)]

    def get_result(self, classification) -> dict:
        return evaluation(classification)


def _variant_from(data) -> Variant | None:
    """The national variant named by BUILD-CHROM-POS-REF-ALT or by {build, chrom, pos, ref, alt}."""
    try:
        if isinstance(data, str):
            key = VariantKey.parse(data)
        else:
            data = data or {}
            key = variant_key(build=parse_build(str(data.get("build", ""))), chrom=str(data.get("chrom", "")),
                              pos=int(data.get("pos", 0)), ref=str(data.get("ref", "")), alt=str(data.get("alt", "")))
    except (VariantIdentityError, ValueError, TypeError, AttributeError) as error:
        raise ValidationError(f"variant: {error}") from None
    return variant_find(key)


def _error(request, exc):
    if isinstance(exc, DjangoPermissionDenied):
        audit_refusal(request, exc)
        return Response({"error": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    return Response({"error": "; ".join(getattr(exc, "messages", [str(exc)]))}, status=status.HTTP_400_BAD_REQUEST)


class ClassificationList(APIView):
    def get(self, request):
        """?variant=BUILD-CHROM-POS-REF-ALT (every department's final plus your own versions), or ?gene=SYMBOL
        (final classifications in the gene)."""
        try:
            if request.query_params.get("variant"):
                variant = _variant_from(request.query_params["variant"])
                items = classifications_of_variant(variant_id=variant.pk, user=request.user) if variant else []
            elif request.query_params.get("gene"):
                items = final_classifications_in_gene(gene=request.query_params["gene"], user=request.user)
            else:
                return Response({"error": "give ?variant=BUILD-CHROM-POS-REF-ALT or ?gene=SYMBOL"}, status=400)
        except ValidationError as error:
            return _error(request, error)
        audit_request(request, action=Action.VIEW, object_type="classification",
                     details={k: v for k, v in request.query_params.items()})
        return Response(ClassificationSerializer(items, many=True).data)

    def post(self, request):
        """Submit a draft for curator tools: {variant, gene, condition, mode_of_inheritance, department,
        codes: [{code, justification}], submit: bool, origin: germline|somatic}. All or nothing. An oncogenicity
        (origin somatic; condition: the tumour type) takes the 2022 standard's codes (OVS1 ... SBP2)."""
        data = request.data
        origin = data.get("origin") or Classification.Origin.GERMLINE
        if origin not in Classification.Origin.values:
            return Response({"error": f"origin: {origin!r} is not germline or somatic"}, status=400)
        department = Department.objects.filter(code=data.get("department", "")).first()
        if department is None:
            return Response({"error": "department: unknown department code"}, status=400)
        token = request_token(request)
        if token is not None and not token.departments.filter(pk=department.pk).exists():
            return _error(request, DjangoPermissionDenied(f"this token is not scoped to {department.code}"))
        if not may_classify(request.user, department, origin=origin):
            return _error(request, DjangoPermissionDenied(
                "only clinical geneticists and variant curators of the department classify"
                + (" (and its tumor board members, oncogenicity)" if origin == "somatic" else "")))
        try:
            variant = _variant_from(data.get("variant"))
            if variant is None:
                raise ValidationError("variant: not in the national variant database (import a case carrying it)")
            codes = []
            for index, item in enumerate(data.get("codes") or []):
                try:
                    if origin == Classification.Origin.SOMATIC:
                        criterion = ONCOGENICITY_CRITERIA.get(str(item.get("code", "")).strip().upper())
                        if criterion is None:
                            raise EvidenceCodeError(f"{item.get('code')!r} is not an oncogenicity criterion")
                        codes.append((Evidence(criterion.code, criterion.strength), item.get("justification", "")))
                    else:
                        codes.append((parse_code(item.get("code", "")), item.get("justification", "")))
                except (EvidenceCodeError, AttributeError) as error:
                    raise ValidationError(f"codes[{index}]: {error}") from None
            classification = classification_draft_with_codes(
                variant=variant, gene=data.get("gene", ""), condition=data.get("condition", ""),
                mode_of_inheritance=data.get("mode_of_inheritance", ""), department=department, codes=codes,
                submit=bool(data.get("submit")), by=request.user, origin=origin, audit=audit_context(request))
        except (ValidationError, DjangoPermissionDenied) as error:
            return _error(request, error)
        classification = classification_get_for_user(classification_id=classification.pk, user=request.user)
        return Response(ClassificationSerializer(classification).data, status=status.HTTP_201_CREATED)


class ClassificationDetail(APIView):
    def get(self, request, classification_id: int):
        try:
            classification = classification_get_for_user(classification_id=classification_id, user=request.user)
        except Classification.DoesNotExist:
            classification = None
        token = request_token(request)
        if classification is None or (token is not None and classification.status not in ("final", "superseded")
                                      and not token.departments.filter(pk=classification.department_id).exists()):
            audit_refusal(request, Http404("no such classification, or not this department's"),
                          object_type="classification", object_id=classification_id)
            return Response({"error": "not found"}, status=404)
        audit_request(request, action=Action.VIEW, object_type="classification", object_id=classification.pk,
                     department_code=classification.department.code)
        return Response(ClassificationSerializer(classification).data)



