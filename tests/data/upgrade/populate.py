"""Run by make_fixture.sh with `manage.py shell` in a checkout of the commit the fixture is made from: a little of
everything the move of the core's models touches (users with a password, a permission and a token, memberships, a
job, audit rows, an admin log entry, an imported case, a classification)."""
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from core.jobs import job_run
from core.models import PatientGroup, Role, User
from core.tokens import api_token_create
from genomes.importing.prepare import case_import_prepare
from genomes.models import CaseVariant
from interpret.classification.services import classification_start
from tests.factories import make_department, make_user

department = make_department("kg-upgrade", name="Upgrade department")
gina = make_user("gina", department=department, role=Role.CLINICAL_GENETICIST)
root = make_user("root", is_superuser=True, is_staff=True)
gina.user_permissions.add(Permission.objects.get(codename="view_job"))
api_token_create(user=gina, name="batch", department_codes=["kg-upgrade"])
case_import = case_import_prepare(patient_group=PatientGroup.objects.get(code="RARE"), department=department,
                                  ped_path="tests/data/handmade/singleton.ped",
                                  vcf_path="tests/data/handmade/nfcore_raredisease.vcf", send_to_worker=False,
                                  case_identifier="UPGRADE-1")
assert job_run(case_import.job_id).state == "done"
row = CaseVariant.objects.filter(case=case_import.case).select_related("variant").first()
classification_start(variant=row.variant, gene="AGRN", condition="myasthenic syndrome", mode_of_inheritance="AR",
                     by=gina, department=department, case=case_import.case)
LogEntry.objects.create(user=root, content_type=ContentType.objects.get_for_model(User), object_id=str(gina.pk),
                        object_repr="gina", action_flag=ADDITION, change_message="made by the fixture")
# a case registered before its data arrive (the one field "status" said "new" then)
case_import.case.__class__.objects.create(identifier="UPGRADE-NO-DATA", patient_group=case_import.case.patient_group,
                                          department=department, analysis_type="singleton")
