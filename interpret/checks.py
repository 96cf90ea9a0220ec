"""Deployment checks of the project (``manage.py check --deploy``)."""
from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_accounts_in_production(app_configs=None, **kwargs):
    """The demo accounts' password is published in the README: a production installation must not have them."""
    if settings.DEBUG or not settings.HTTPS:
        return []
    from core.models import Department, User
    from interpret.demo.loading import DEMO_DEPARTMENTS, DEMO_USERS

    try:
        users = sorted(User.objects.filter(username__in=[u.username for u in DEMO_USERS])
                       .values_list("username", flat=True))
        departments = sorted(Department.objects.filter(code__in=[code for code, _, _ in DEMO_DEPARTMENTS])
                             .values_list("code", flat=True))
    except DatabaseError:  # no database yet: nothing to find
        return []
    if not users and not departments:
        return []
    return [Error(
        f"demo accounts ({', '.join(users) or '-'}) or departments ({', '.join(departments) or '-'}) exist, and "
        "their password is published",
        hint="Production is set up with `make setup` (no demo data). Remove the demo users and departments, "
             "or set up a fresh database.",
        id="interpret.E001")]
