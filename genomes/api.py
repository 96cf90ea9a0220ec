"""REST API for cases; the department boundary and the audit come from the same selectors as the pages."""
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from genomes.models import Case
from genomes.selectors import case_get_for_view, cases_visible_to
from interpret.access import request_token
from interpret.audit import Action, audit_record


class CaseSerializer(serializers.ModelSerializer):
    patient_group = serializers.CharField(source="patient_group.code")
    department = serializers.CharField(source="department.code")

    class Meta:
        model = Case
        fields = ["id", "identifier", "patient_group", "department", "analysis_type", "status", "created_at"]


class CaseList(APIView):
    def get(self, request):
        cases = cases_visible_to(request.user, token=request_token(request)).order_by("-created_at")
        group = request.query_params.get("patient_group")
        if group:
            cases = cases.filter(patient_group__code=group)
        audit_record(action=Action.VIEW, request=request, object_type="case_list", object_id=group or "",
                     details={"via": "api"})
        return Response(CaseSerializer(cases, many=True).data)


class CaseDetail(APIView):
    def get(self, request, case_id: int):
        case = case_get_for_view(request=request, case_id=case_id, token=request_token(request))
        return Response(CaseSerializer(case).data)
