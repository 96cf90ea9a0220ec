"""REST API of the platform core (authenticated: API token or session): who am I, patient groups, jobs."""
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import departments_with_patient_access
from core.audit import Action
from core.jobs import job_create, jobs_reap
from core.models import Department, Job, PatientGroup
from core.selectors import jobs_visible_to
from core.web import audit_request, request_token


class PatientGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatientGroup
        fields = ["code", "number", "name", "kind", "description"]


class JobSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "state", "created_at", "started_at", "finished_at", "progress_done",
                  "progress_total", "progress_percent", "message", "result", "error", "worker"]


class PatientGroupList(generics.ListAPIView):
    serializer_class = PatientGroupSerializer
    queryset = PatientGroup.objects.all()
    pagination_class = None


class WhoAmI(APIView):
    def get(self, request):
        token = request_token(request)
        ids = departments_with_patient_access(request.user, token=token)
        return Response({
            "username": request.user.get_username(),
            "service_account": request.user.is_service_account,
            "token": token.prefix if token else None,
            "patient_data_departments": list(Department.objects.filter(id__in=ids).values_list("code", flat=True)),
        })


class WorkerCheckCreate(APIView):
    def post(self, request):
        job = job_create(kind="worker_check", created_by=request.user)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobDetail(APIView):
    def get(self, request, job_id: int):
        jobs_reap()
        job = get_object_or_404(jobs_visible_to(request.user, token=request_token(request)), pk=job_id)
        audit_request(request, action=Action.VIEW, object_type="job", object_id=job.pk,
                      department_code=job.department.code if job.department_id else "")
        return Response(JobSerializer(job).data)
