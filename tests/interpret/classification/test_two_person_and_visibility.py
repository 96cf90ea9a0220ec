"""The approver of a classification made no decision in it; drafts, justifications and case links stay with the
department's clinical roles; other departments see the class and the criteria applied, not facts about the
patient."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import Role
from core.tokens import api_token_create
from genomes.models import Variant
from interpret.classification.models import Classification
from interpret.classification.selectors import classification_get_for_user, classifications_of_variant
from interpret.classification.services import (
    classification_approve,
    classification_criterion_set,
    classification_start,
    classification_submit,
)
from tests.factories import make_user

SEMA4A = dict(build="GRCh37", chrom="1", pos=156146640, ref="G", alt="A")


def start(trio, user):
    return classification_start(variant=Variant.objects.get(**SEMA4A), gene="SEMA4A", condition="RP35",
                                mode_of_inheritance="AD", by=user, department=trio.department, case=trio)


def apply(classification, user, criterion="PS3", justification="de novo in the proband, confirmed by trio"):
    return classification_criterion_set(classification_id=classification.pk, lock_version=classification.lock_version,
                                        by=user, criterion=criterion, decision="applied", strength="strong",
                                        justification=justification)


@pytest.mark.django_db
def test_a_curator_who_made_the_decisions_cannot_approve_them(trio, alice, dept_a):
    carl = make_user("carl", department=dept_a, role=Role.VARIANT_CURATOR)
    cecilie = make_user("cecilie", department=dept_a, role=Role.VARIANT_CURATOR)
    draft = start(trio, alice)  # an empty draft ...
    draft = apply(draft, carl)  # ... whose decisions a second curator made
    draft = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=alice)
    with pytest.raises(PermissionDenied, match="you made or changed decisions"):
        classification_approve(classification_id=draft.pk, by=carl)
    final = classification_approve(classification_id=draft.pk, by=cecilie)
    assert final.status == "final" and set(final.edited_by) == {alice.pk, carl.pk}


@pytest.fixture
def final_with_patient_facts(trio, alice, dept_a):
    cecilie = make_user("cecilie", department=dept_a, role=Role.VARIANT_CURATOR)
    draft = apply(start(trio, alice), alice)
    draft = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=alice)
    return classification_approve(classification_id=draft.pk, by=cecilie)


@pytest.mark.django_db
def test_researchers_and_administrators_of_the_department_see_no_drafts(trio, alice, rita, adam):
    draft = start(trio, alice)
    for user in (rita, adam):
        with pytest.raises(Classification.DoesNotExist):
            classification_get_for_user(classification_id=draft.pk, user=user)
        assert classifications_of_variant(variant_id=draft.variant_id, user=user) == []
    assert classification_get_for_user(classification_id=draft.pk, user=alice).is_own


@pytest.mark.django_db
def test_another_department_sees_the_criteria_applied_but_not_the_facts_about_the_patient(
        client, final_with_patient_facts, bob, rita):
    final = final_with_patient_facts
    for user in (bob, rita):
        client.force_login(user)
        page = client.get(reverse("classification_detail", args=[final.pk]))
        assert page.status_code == 200 and b"PS3" in page.content
        assert b"de novo in the proband" not in page.content and b"643594" not in page.content
    token = api_token_create(user=bob, name="b", department_codes=["kg-b"])[1]
    body = client.get(reverse("api_classification_detail", args=[final.pk]),
                      HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {c["code"] for c in body["codes"]} == {"PS3"} and all(c["justification"] == "" for c in body["codes"])
    listed = client.get(reverse("api_classifications") + "?gene=SEMA4A", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert listed and all(c["justification"] == "" for item in listed for c in item["codes"])


@pytest.mark.django_db
def test_an_administrator_sees_no_case_identifiers_in_jobs(client, trio, adam, alice):
    from core.models import Job

    job = Job.objects.filter(kind="vcf_import").first()
    client.force_login(adam)
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("api_job_detail", args=[job.pk])).status_code == 404
    from django.contrib import admin

    assert Job not in admin.site._registry  # jobs name cases: not on the admin site
    Job.objects.filter(pk=job.pk).update(created_by=alice)
    client.force_login(alice)
    assert client.get(reverse("api_job_detail", args=[job.pk])).status_code == 200
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="view", object_type="job", object_id=str(job.pk), username="alice").exists()
