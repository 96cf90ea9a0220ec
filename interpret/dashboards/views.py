"""Programme dashboards: figures for the period and departments chosen, each downloadable as CSV by roles allowed
to export aggregates (export roles and researchers). Aggregates only: no case identifier leaves here."""
from __future__ import annotations

import csv
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from core.audit import Action
from core.models import AGGREGATE_EXPORT_ROLES, Department, Membership
from core.web import audit_refusal, audit_request
from interpret.dashboards.selectors import FIGURES, Period, plots


def _month(text: str, default: date) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except (ValueError, AttributeError):
        return default


def _period(request) -> Period:
    today = date.today()
    first = date(today.year - 1, today.month, 1)
    start = _month(request.GET.get("from", ""), first)
    last = _month(request.GET.get("to", ""), date(today.year, today.month, 1))
    end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    codes = [c for c in request.GET.getlist("department") if c]
    ids = tuple(Department.objects.filter(code__in=codes).values_list("pk", flat=True)) if codes else ()
    return Period(start, end, ids)


def _require_member(request) -> None:
    if not Membership.objects.filter(user=request.user).exists():
        refusal = PermissionDenied("The programme figures are for members of a department or network.")
        audit_refusal(request, refusal, object_type="dashboard")
        raise refusal


def dashboard(request):
    _require_member(request)
    period = _period(request)
    data = {key: function(period) for key, (_, function) in FIGURES.items()}
    audit_request(request, action=Action.VIEW, object_type="dashboard",
                  details={"from": str(period.start), "to": str(period.end), "departments": list(period.departments)})
    may_export = Membership.objects.filter(user=request.user, role__in=AGGREGATE_EXPORT_ROLES).exists()
    return render(request, "interpret/dashboard.html", {
        "panels": [(key, FIGURES[key][0], figure, f"figure-data-{key}") for key, figure in plots(data).items()],
        "period": period, "departments": Department.objects.order_by("code"),
        "chosen": request.GET.getlist("department"), "query": request.GET.urlencode(), "may_export": may_export,
        "from": period.start.strftime("%Y-%m"), "to": request.GET.get("to", date.today().strftime("%Y-%m"))})


def dashboard_csv(request, figure: str):
    _require_member(request)
    if figure not in FIGURES:
        raise Http404("no such figure")
    if not Membership.objects.filter(user=request.user, role__in=AGGREGATE_EXPORT_ROLES).exists():
        refusal = PermissionDenied("Downloading programme figures follows the aggregate export roles.")
        audit_refusal(request, refusal, object_type="dashboard", object_id=figure)
        raise refusal
    period = _period(request)
    rows = FIGURES[figure][1](period)
    audit_request(request, action=Action.EXPORT, object_type="dashboard", object_id=figure,
                  details={"rows": len(rows), "from": str(period.start), "to": str(period.end)})
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="programme-{figure}.csv"'
    if rows:
        writer = csv.DictWriter(response, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return response
