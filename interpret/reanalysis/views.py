"""The alert inbox (a department's and the user's own), acting on an alert, asking for a reanalysis; and their
API. Views stay thin: interpret.reanalysis.services and selectors do the work."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import Action
from core.errors import NotFound
from core.models import PatientGroup
from core.web import audit_context, audit_refusal, audit_request, local_next, request_token
from interpret.reanalysis.models import Alert, Reanalysis
from interpret.reanalysis.selectors import alerts_for
from interpret.reanalysis.services import TRIGGER_CHECKS, alert_act, alert_departments, reanalysis_request


def alert_inbox(request):
    mine = request.GET.get("inbox") == "mine"
    state = request.GET.get("state", "open")
    state = state if state in Alert.State.values else None
    alerts = alerts_for(request.user, mine=mine, state=state)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    audit_request(request, action=Action.VIEW, object_type="alert_list", object_id="mine" if mine else "department",
                  details={"alerts": [a.pk for a in page.object_list]})
    reanalyses = Reanalysis.objects.filter(created_by=request.user).select_related("job")[:10]
    return render(request, "interpret/alerts.html", {
        "page": page, "mine": mine, "state": state or "", "states": Alert.State.choices,
        "patient_groups": PatientGroup.objects.order_by("number"), "triggers": list(TRIGGER_CHECKS),
        "reanalyses": reanalyses})


@require_POST
def alert_action(request, alert_id: int):
    alert = get_object_or_404(Alert, pk=alert_id, department_id__in=alert_departments(request.user))
    try:
        alert_act(alert=alert, by=request.user, action=request.POST.get("action", ""), audit=audit_context(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(local_next(request, default=reverse("alert_inbox")))


@require_POST
def reanalysis_start(request):
    try:
        reanalysis = reanalysis_request(by=request.user, checks=request.POST.get("trigger", "all"),
                                        patient_group=request.POST.get("patient_group") or None,
                                        department=request.POST.get("department") or None,
                                        audit=audit_context(request))
    except PermissionDenied as refusal:
        audit_refusal(request, refusal, object_type="reanalysis")
        raise
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("alert_inbox")
    messages.success(request, f"Reanalysis {reanalysis.pk} queued (job {reanalysis.job_id}).")
    return redirect("alert_inbox")


class AlertSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    case = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "department", "case", "kind", "subject", "title", "evidence", "state", "first_raised_at",
                  "evidence_changed_at", "last_seen_at"]

    def get_case(self, alert) -> dict | None:
        return {"id": alert.case_id, "identifier": alert.case.identifier} if alert.case_id else None


class AlertPages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class AlertList(APIView):
    """GET: the alerts of the caller's departments (``?inbox=mine`` their own cases', ``?state=open|acknowledged|
    dismissed|all``, ``?kind=``), newest evidence first, paginated."""

    def get(self, request):
        state = request.query_params.get("state", "open")
        alerts = alerts_for(
            request.user,
            token=request_token(request),
            mine=request.query_params.get("inbox") == "mine",
            state=None if state == "all" else state,
        )
        if request.query_params.get("kind"):
            alerts = alerts.filter(kind=request.query_params["kind"])
        paginator = AlertPages()
        page = paginator.paginate_queryset(alerts, request, view=self)
        audit_request(request, action=Action.VIEW, object_type="alert_list", object_id="api",
                      details={"alerts": [a.pk for a in page]})
        return paginator.get_paginated_response(AlertSerializer(page, many=True).data)


class AlertActionBody(serializers.Serializer):
    action = serializers.ChoiceField(choices=["acknowledge", "dismiss", "reopen"])


class AlertDetail(APIView):
    def post(self, request, alert_id: int):
        alert = Alert.objects.filter(pk=alert_id, department_id__in=alert_departments(
            request.user, token=request_token(request))).first()
        if alert is None:
            raise NotFound("No such alert.")
        body = AlertActionBody(data=request.data)
        body.is_valid(raise_exception=True)
        alert = alert_act(alert=alert, by=request.user, action=body.validated_data["action"],
                          audit=audit_context(request))
        return Response(AlertSerializer(alert).data)


class ReanalysisBody(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=list(TRIGGER_CHECKS), default="all")
    patient_group = serializers.CharField(required=False, allow_blank=True)
    department = serializers.CharField(required=False, allow_blank=True)
    cases = serializers.ListField(child=serializers.IntegerField(), required=False)


class ReanalysisCreate(APIView):
    """POST {trigger, patient_group, department, cases}: queue a reanalysis of the caller's departments' cases;
    202 with the reanalysis and the job to poll (GET /api/reanalyses/<id>/)."""

    def post(self, request):
        body = ReanalysisBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            reanalysis = reanalysis_request(by=request.user, checks=data["trigger"],
                                            patient_group=data.get("patient_group") or None,
                                            department=data.get("department") or None, cases=data.get("cases"),
                                            token=request_token(request), audit=audit_context(request))
        except PermissionDenied as refusal:
            audit_refusal(request, refusal, object_type="reanalysis")
            raise
        except ValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_reanalysis_json(reanalysis), status=status.HTTP_202_ACCEPTED)


class ReanalysisDetail(APIView):
    def get(self, request, reanalysis_id: int):
        reanalysis = Reanalysis.objects.filter(pk=reanalysis_id, created_by=request.user).select_related("job").first()
        token = request_token(request)
        if reanalysis is not None and token is not None:
            scoped = set(token.departments.values_list("code", flat=True))
            if not set(reanalysis.scope.get("departments", [])) <= scoped:
                reanalysis = None  # asked for with the user's other departments: not this token's to read
        if reanalysis is None:
            raise NotFound("No such reanalysis.")
        return Response(_reanalysis_json(reanalysis))


def _reanalysis_json(reanalysis: Reanalysis) -> dict:
    job = reanalysis.job
    return {"id": reanalysis.pk, "trigger": reanalysis.trigger, "checks": reanalysis.checks, "scope": reanalysis.scope,
            "job_id": reanalysis.job_id, "state": job.state if job else None,
            "progress": {"done": job.progress_done, "total": job.progress_total} if job else None,
            "summary": Reanalysis.objects.get(pk=reanalysis.pk).summary}
