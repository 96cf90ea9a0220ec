"""REST API for cases; the department boundary and the audit come from the same selectors as the pages."""
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from genomes.errors import InputFileError
from genomes.forms import CaseImportForm
from genomes.importing import CaseImportError
from genomes.models import Case
from genomes.selectors import case_get_for_view, cases_visible_to
from genomes.uploads import case_import_from_upload
from interpret.access import departments_with_patient_access, request_token
from interpret.audit import Action, audit_record
from interpret.models import Department


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


class CaseImportCreate(APIView):
    """POST multipart: patient_group, department, pedigree (file), vcf (file), and optionally case_identifier,
    build, analysis_type, sample_map, replace. Answers 202 with the job to poll at /api/jobs/<id>/."""

    parser_classes = [MultiPartParser]

    def post(self, request):
        allowed = departments_with_patient_access(request.user, token=request_token(request))
        if not allowed:
            audit_record(action=Action.ACCESS_DENIED, request=request, object_type="case_import")
            raise PermissionDenied("Importing needs a clinical or laboratory role in a department.")
        form = CaseImportForm(request.data, request.FILES, departments=Department.objects.filter(pk__in=allowed))
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        data = form.cleaned_data
        try:
            case_import = case_import_from_upload(data, created_by=request.user)
        except InputFileError as exc:
            return Response({"error": str(exc), **exc.as_dict()}, status=status.HTTP_400_BAD_REQUEST)
        except CaseImportError as exc:
            return Response({"error": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({"case": case_import.case.identifier, "case_id": case_import.case_id,
                         "job_id": case_import.job_id, "status": case_import.job.state,
                         "genome_build": case_import.genome_build, "warnings": case_import.warnings},
                        status=status.HTTP_202_ACCEPTED)


class CaseAnalysis(APIView):
    """POST {"preset": name|id, "filters": {...}, "page": 1, "page_size": 100}: the variant table's filter engine
    for scripts. Answers the candidates (same objects as analyse_case --json), the panel versions used and the
    recorded filter run."""

    def post(self, request, case_id: int):
        from django.core.exceptions import ValidationError

        from interpret.analysis import candidates_as_dicts, run_analysis
        from interpret.models import FilterRun
        from interpret.presets import preset_get

        case = case_get_for_view(request=request, case_id=case_id, token=request_token(request))
        data = request.data if isinstance(request.data, dict) else {}
        try:
            page = max(1, int(data.get("page") or 1))
            page_size = min(1000, max(1, int(data.get("page_size") or 100)))
            preset = preset_get(data["preset"], request.user) if data.get("preset") else None
            result = run_analysis(case, data.get("filters") or {}, preset=preset, user=request.user,
                                  via=FilterRun.Via.API)
        except (ValidationError, ValueError, TypeError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return Response({"error": message}, status=status.HTTP_400_BAD_REQUEST)
        chosen = result.candidates[(page - 1) * page_size: page * page_size]
        audit_record(action=Action.VIEW, request=request, object_type="case_variants", object_id=case.pk,
                     department_code=case.department.code, details={"filter_run": result.filter_run.pk, "via": "api"})
        return Response({
            "case": case.identifier, "filter_run": result.filter_run.pk, "settings": result.settings,
            "panel_versions": [{"panel": v.panel.code, "version": v.label} for v in result.panel_versions],
            "count": len(result.candidates), "page": page, "page_size": page_size, "truncated": result.truncated,
            "milliseconds": result.milliseconds,
            "candidates": candidates_as_dicts(result, chosen),
        })
