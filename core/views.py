from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.access import user_departments, user_is_administrator
from core.audit import Action
from core.health import broker_status, database_status
from core.jobs import job_create, jobs_reap
from core.models import AuditEvent
from core.selectors import audit_events_search, jobs_visible_to
from core.web import audit_request


def home(request):
    return render(request, "core/home.html", {"departments": user_departments(request.user)})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: no login, no patient data."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


class AuditSearchForm(forms.Form):
    username = forms.CharField(required=False)
    action = forms.ChoiceField(required=False, choices=[("", "any action"), *AuditEvent.Action.choices])
    object_type = forms.CharField(required=False)
    object_id = forms.CharField(required=False)
    ip_address = forms.GenericIPAddressField(required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)


def audit_log(request):
    if not user_is_administrator(request.user):
        audit_request(request, action=Action.ACCESS_DENIED, object_type="audit_log")
        refusal = PermissionDenied("The audit log is for administrators.")
        refusal.audited = True
        raise refusal
    form = AuditSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    events = audit_events_search(**{k: v for k, v in criteria.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit_request(request, action=Action.VIEW, object_type="audit_log",
                 details={k: str(v) for k, v in criteria.items() if v})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


def system_status(request):
    checks = {"database": database_status(), "broker": broker_status()}
    jobs = jobs_visible_to(request.user).filter(kind="worker_check")[:10]
    return render(request, "core/system_status.html", {"checks": checks, "jobs": jobs})


@require_POST
def worker_check_start(request):
    job = job_create(kind="worker_check", created_by=request.user)
    return redirect("job_detail", job_id=job.pk)


def job_detail(request, job_id: int):
    jobs_reap()  # a job whose process died shows as failed, with why, not as running forever
    job = get_object_or_404(jobs_visible_to(request.user), pk=job_id)
    if not request.headers.get("HX-Request"):  # the page once, not each progress poll
        audit_request(request, action=Action.VIEW, object_type="job", object_id=job.pk,
                      department_code=job.department.code if job.department_id else "")
    template = "core/_job_status.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job})


def server_error(request):
    """handler500: a database that is down (stopped, restarting) is a 503 with "try again" on every page and API
    call, whichever layer met it first (the session, the login, a view); anything else is a plain 500 without
    details."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.http import HttpResponseServerError

    from core.middleware import database_unavailable

    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return database_unavailable(error)
    return HttpResponseServerError("Something went wrong on the server; it is logged. Try again, or tell support.",
                                   content_type="text/plain; charset=utf-8")
