"""The REST import: same service, department scope of the token."""
import pytest
from django.urls import reverse

from core.models import Membership, Role
from core.tokens import api_token_create
from genomes.models import Case
from tests.factories import make_user
from tests.public_data import public_file


@pytest.fixture
def batch_token(dept_a, dept_b):
    user = make_user("batch", is_service_account=True)
    Membership.objects.create(user=user, department=dept_a, role=Role.LAB_BIOINFORMATICIAN)
    Membership.objects.create(user=user, department=dept_b, role=Role.LAB_BIOINFORMATICIAN)
    return api_token_create(user=user, name="pipeline", department_codes=["kg-a"])[1]


def post_import(client, token, department, ped="scout-demo/643594.ped", case_identifier="API-643594"):
    with open(public_file(ped), "rb") as p, open(public_file("scout-demo/643594.clinical.vcf.gz"), "rb") as v:
        return client.post(reverse("api_case_import"), {
            "patient_group": "RARE", "department": department, "pedigree": p, "vcf": v,
            "case_identifier": case_identifier,
        }, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_a_pipeline_token_queues_an_import_for_its_department(client, batch_token):
    response = post_import(client, batch_token, "kg-a")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["genome_build"] == "GRCh37"
    assert Case.objects.get(identifier="API-643594").import_state == "importing"


@pytest.mark.django_db
def test_a_token_cannot_import_into_a_department_outside_its_scope(client, batch_token):
    response = post_import(client, batch_token, "kg-b")
    assert response.status_code == 400 and "department" in response.json()["errors"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_bad_input_answers_400_with_file_line_and_field(client, batch_token, tmp_path):
    response = post_import(client, batch_token, "kg-a", ped="gemini-inheritance/test.mendel.ped")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "#CHROM samples" and "NA12889" in body["problem"]
    assert not Case.objects.exists()
