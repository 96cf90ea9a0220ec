"""Selectors answering "may this person (or token) see that?".

One place decides which departments' patient data a user (narrowed by an API token) may see, who may export and
who administers; case selectors, views, API views, commands and tasks all ask here.
"""
from __future__ import annotations

from core.models import EXPORT_ROLES, PATIENT_DATA_ROLES, ApiToken, Department, Membership, Role


def departments_with_patient_access(user, *, token: ApiToken | None = None) -> list[int]:
    """Ids of departments whose cases ``user`` may open (narrowed to the token's scope)."""
    if not user or not user.is_authenticated:
        return []
    ids = set(
        Membership.objects.filter(user=user, role__in=PATIENT_DATA_ROLES).values_list("department_id", flat=True)
    )
    if token is not None:
        ids &= set(token.departments.values_list("id", flat=True))
    return sorted(ids)


def user_departments(user) -> list[Department]:
    if not user or not user.is_authenticated:
        return []
    return list(Department.objects.filter(memberships__user=user).distinct())


def user_has_role(user, role: str, *, department: Department | None = None) -> bool:
    if not user or not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, role=role)
    if department is not None:
        memberships = memberships.filter(department=department)
    return memberships.exists()


def user_may_export(user, department: Department) -> bool:
    """May ``user`` take patient data of ``department`` out of the platform in bulk (exports)?"""
    return bool(user and user.is_authenticated and Membership.objects.filter(
        user=user, department=department, role__in=EXPORT_ROLES).exists())


def user_is_administrator(user) -> bool:
    """Administrators manage users and search the audit log."""
    return bool(user and user.is_authenticated and (user.is_superuser or user_has_role(user, Role.ADMINISTRATOR)))
