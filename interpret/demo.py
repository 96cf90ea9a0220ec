"""Demo content for `make run`: two departments, users of every role, a few cases.

Idempotent: running it again changes nothing that exists (passwords included).
Clearly demo content: department codes start with "demo", case ids with "DEMO-".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from genomes.models import Case, CaseShare
from interpret.models import Department, Membership, PatientGroup, Role, User

DEMO_PASSWORD = "demo-interpret-2026"
DEMO_FILES = Path(__file__).resolve().parent.parent / "genomes" / "demo_data"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    department: str
    role: str
    staff: bool = False


DEMO_DEPARTMENTS = (
    ("demo", "Demo Department of Clinical Genetics", Department.Kind.CLINICAL_GENETICS),
    ("demo-onc", "Demo Department of Oncology", Department.Kind.ONCOLOGY),
)

DEMO_USERS = (
    DemoUser("geneticist", "Gita Geneticist", "demo", Role.CLINICAL_GENETICIST),
    DemoUser("curator", "Carl Curator", "demo", Role.VARIANT_CURATOR),
    DemoUser("lab", "Lis Lab", "demo", Role.LAB_BIOINFORMATICIAN),
    DemoUser("researcher", "Rasmus Researcher", "demo", Role.RESEARCHER),
    DemoUser("admin", "Anna Administrator", "demo", Role.ADMINISTRATOR, staff=True),
    DemoUser("oncologist", "Otto Oncologist", "demo-onc", Role.TUMOR_BOARD_MEMBER),
)

# Real demo cases imported from genomes/demo_data (identifier, group, department, analysis type, ped, vcf).
DEMO_IMPORTS = (
    ("DEMO-RARE-643594", "RARE", "demo", "trio", "643594.ped", "643594.clinical.vcf.gz"),
    ("DEMO-CANCER-0001", "CANCER-ADULT", "demo-onc", "tumour_normal", "cancer_test.ped", "cancer_test.vcf.gz"),
)

# (identifier, patient group, department, analysis type); the imported ones get their data below.
DEMO_CASES = (
    ("DEMO-RARE-643594", "RARE", "demo", Case.AnalysisType.TRIO),
    ("DEMO-FOETAL-0001", "FOETAL", "demo", Case.AnalysisType.FOETAL),
    ("DEMO-HEART-0001", "HEART", "demo", Case.AnalysisType.SINGLETON),
    ("DEMO-CANCER-0001", "CANCER-ADULT", "demo-onc", Case.AnalysisType.TUMOUR_NORMAL),
)


def demo_data_load() -> dict:
    summary = _demo_people_and_cases()
    summary["imported"] = _demo_imports()
    return summary


def _demo_imports() -> list[str]:
    """Import the shipped demo VCFs in this process, once (a case with variants is left alone)."""
    from genomes.importing import case_import_prepare
    from interpret.jobs import job_run

    imported = []
    for identifier, group, department, analysis_type, ped, vcf in DEMO_IMPORTS:
        case = Case.objects.filter(identifier=identifier).first()
        if case is not None and case.imports.filter(is_current=True).exists():
            continue
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code=group), department=Department.objects.get(code=department),
            ped_path=DEMO_FILES / ped, vcf_path=DEMO_FILES / vcf, analysis_type=analysis_type,
            case_identifier=identifier, send_to_worker=False,
        )
        job = job_run(case_import.job_id)
        if job.state != job.State.DONE:
            raise RuntimeError(f"demo import of {identifier} failed: {job.error}")
        imported.append(identifier)
    return imported


@transaction.atomic
def _demo_people_and_cases() -> dict:
    departments = {}
    for code, name, kind in DEMO_DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "region": "Demo region"}
        )
    for spec in DEMO_USERS:
        first, last = spec.full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"first_name": first, "last_name": last, "is_staff": spec.staff, "is_superuser": spec.staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, department=departments[spec.department], role=spec.role)
    batch, created = User.objects.get_or_create(
        username="batch", defaults={"first_name": "Reanalysis", "last_name": "batch job", "is_service_account": True}
    )
    if created:
        batch.set_unusable_password()
        batch.save(update_fields=["password"])
    Membership.objects.get_or_create(user=batch, department=departments["demo"], role=Role.LAB_BIOINFORMATICIAN)

    for identifier, group_code, department_code, analysis_type in DEMO_CASES:
        Case.objects.get_or_create(
            identifier=identifier,
            defaults={"patient_group": PatientGroup.objects.get(code=group_code),
                      "department": departments[department_code], "analysis_type": analysis_type},
        )
    CaseShare.objects.get_or_create(
        case=Case.objects.get(identifier="DEMO-CANCER-0001"), department=departments["demo"],
        defaults={"reason": "Germline follow-up of a hereditary cancer finding"},
    )
    return {
        "departments": [code for code, _, _ in DEMO_DEPARTMENTS],
        "users": [(u.username, u.role, u.department) for u in DEMO_USERS],
        "password": DEMO_PASSWORD,
        "cases": [c[0] for c in DEMO_CASES],
    }
