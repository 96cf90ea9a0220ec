"""Alert inboxes: a department's (every department where the user holds a clinical role) and the user's own (the
cases assigned to them)."""
from __future__ import annotations

from django.db.models import QuerySet

from interpret.reanalysis.models import Alert
from interpret.reanalysis.services import alert_departments


def alerts_for(user, *, token=None, mine: bool = False, state: str | None = "open") -> QuerySet[Alert]:
    alerts = Alert.objects.filter(department_id__in=alert_departments(user, token=token))
    if mine:
        alerts = alerts.filter(user=user)
    if state:
        alerts = alerts.filter(state=state)
    return alerts.select_related("department", "case", "user").order_by("-evidence_changed_at", "-pk")
