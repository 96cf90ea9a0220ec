"""Reads of the platform core: audit search, jobs."""
from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from core.access import departments_with_patient_access
from core.models import AuditEvent, Job


def audit_events_search(
    *,
    username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    ip_address: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(username__icontains=username)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if ip_address:
        events = events.filter(ip_address=ip_address)
    if since:
        events = events.filter(timestamp__date__gte=since)
    if until:
        events = events.filter(timestamp__date__lte=until)
    return events


def jobs_visible_to(user, *, token=None) -> QuerySet[Job]:
    """A user's own jobs and the jobs of departments whose patient data they may see. Jobs name cases, so an
    administrator sees no more than their own roles allow; through an API token, only jobs of the token's
    departments (or of none: a worker check)."""
    departments = departments_with_patient_access(user, token=token)
    own = Q(created_by=user)
    if token is not None:
        own &= Q(department_id__in=departments) | Q(department__isnull=True)
    return Job.objects.filter(own | Q(department_id__in=departments))
