"""REST API for cases; the department boundary and the audit come from the same selectors as the pages."""
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import departments_with_patient_access
from core.audit import Action
from core.errors import InputFileError
from core.models import Department
from core.web import audit_request, request_token
from genomes.forms import CaseImportForm
from genomes.importing.prepare import CaseImportError, QueueUnavailable
from genomes.importing.uploads import UploadNotStored, case_import_from_upload, upload_refusal
from genomes.models import Case
from genomes.selectors import case_evidence_sources, case_sample_qc, cases_visible_to
from genomes.web import case_for_request


class CaseSerializer(serializers.ModelSerializer):
    patient_group = serializers.CharField(source="patient_group.code")
    department = serializers.CharField(source="department.code")
    # "status" keeps the one word it always had (new, importing, then the workflow's state: Case.state); the two
    # states it joins are given apart too
    status = serializers.CharField(source="state", read_only=True)
    workflow_status = serializers.CharField(source="status", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "identifier", "patient_group", "department", "analysis_type", "status", "import_state",
                  "workflow_status", "created_at"]


class CaseList(APIView):
    def get(self, request):
        cases = cases_visible_to(request.user, token=request_token(request)).order_by("-created_at")
        group = request.query_params.get("patient_group")
        if group:
            cases = cases.filter(patient_group__code=group)
        audit_request(request, action=Action.VIEW, object_type="case_list", object_id=group or "",
                     details={"via": "api"})
        return Response(CaseSerializer(cases, many=True).data)


class CaseDetail(APIView):
    def get(self, request, case_id: int):
        case = case_for_request(request, case_id)
        return Response({**CaseSerializer(case).data, "sample_qc": case_sample_qc(case),
                         "evidence_sources": case_evidence_sources(case)})


class CaseImportCreate(APIView):
    """POST multipart: patient_group, department, pedigree (file), vcf (file), and optionally case_identifier,
    build, analysis_type, sample_map, replace. Answers 202 with the job to poll at /api/jobs/<id>/."""

    parser_classes = [MultiPartParser]

    def post(self, request):
        allowed = departments_with_patient_access(request.user, token=request_token(request))
        if not allowed:
            audit_request(request, action=Action.ACCESS_DENIED, object_type="case_import")
            refusal = PermissionDenied("Importing needs a clinical or laboratory role in a department.")
            refusal.audited = True
            raise refusal
        request.data  # noqa: B018 - parse the upload now: a file over the size cap is refused while it arrives
        refused = upload_refusal(request._request)
        if refused is not None:
            return Response({"error": str(refused), **refused.as_dict()},
                            status=status.HTTP_507_INSUFFICIENT_STORAGE if isinstance(refused, UploadNotStored)
                            else status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        form = CaseImportForm(request.data, request.FILES, departments=Department.objects.filter(pk__in=allowed))
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        data = form.cleaned_data
        try:
            case_import = case_import_from_upload(data, created_by=request.user)
        except UploadNotStored as exc:
            return Response({"error": str(exc), **exc.as_dict()}, status=status.HTTP_507_INSUFFICIENT_STORAGE)
        except InputFileError as exc:
            return Response({"error": str(exc), **exc.as_dict()}, status=status.HTTP_400_BAD_REQUEST)
        except QueueUnavailable as exc:
            return Response({"error": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except CaseImportError as exc:
            return Response({"error": str(exc)}, status=status.HTTP_409_CONFLICT)
        sv_import = getattr(case_import, "sv_import", None)
        return Response({"case": case_import.case.identifier, "case_id": case_import.case_id,
                         "job_id": case_import.job_id, "status": case_import.job.state,
                         "genome_build": case_import.genome_build, "warnings": case_import.warnings,
                         **({"sv_job_id": sv_import.job_id} if sv_import else {})},
                        status=status.HTTP_202_ACCEPTED)
