"""Small factories for the objects tests need; named users live in tests/conftest.py."""
from __future__ import annotations

import itertools

from core.models import Department, Membership, PatientGroup, User
from genomes.models import Case

_sequence = itertools.count(1)
PASSWORD = "correct-horse-battery-staple-42"


def make_department(code: str | None = None, **fields) -> Department:
    code = code or f"dept-{next(_sequence)}"
    return Department.objects.create(code=code, name=fields.pop("name", f"Department {code}"), **fields)


def make_user(username: str | None = None, *, department: Department | None = None, role: str | None = None,
              **fields) -> User:
    user = User.objects.create_user(username=username or f"user{next(_sequence)}", password=PASSWORD, **fields)
    if department is not None and role is not None:
        Membership.objects.create(user=user, department=department, role=role)
    return user


def make_case(*, department: Department, patient_group: str = "RARE", analysis_type: str = "trio",
              identifier: str | None = None) -> Case:
    return Case.objects.create(
        identifier=identifier or f"CASE-{next(_sequence):05d}",
        patient_group=PatientGroup.objects.get(code=patient_group),
        department=department,
        analysis_type=analysis_type,
    )


def scramble_patient_group_storage() -> None:
    """Give the groups ids (and heap positions) that disagree with programme order.

    Recreating groups 1-8 puts them after 9-17 by id, so any query that forgets
    to order by programme number shows it.
    """
    from core.patient_groups import patient_groups_sync

    PatientGroup.objects.filter(number__lte=8, cases__isnull=True).delete()
    patient_groups_sync()
