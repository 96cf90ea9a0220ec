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


@pytest.mark.django_db
def test_the_import_api_takes_the_cases_sv_file_and_refuses_one_of_other_samples(client, batch_token, settings,
                                                                                  tmp_path):
    """Issue 26: the upload form and the API take an SV file beside the small-variant file, with the same checks
    as import_case --sv-vcf; a file of other samples stops the whole import and nothing is kept."""
    from genomes.models import StructuralVariantImport

    settings.UPLOAD_DIR = tmp_path / "uploads"

    def post(sv_name):
        with open(public_file("scout-demo/643594.ped"), "rb") as p, \
                open(public_file("scout-demo/643594.clinical.vcf.gz"), "rb") as v, \
                open(public_file(sv_name), "rb") as sv:
            return client.post(reverse("api_case_import"), {
                "patient_group": "RARE", "department": "kg-a", "pedigree": p, "vcf": v, "sv_vcf": sv,
                "case_identifier": "API-SV"}, HTTP_AUTHORIZATION=f"Bearer {batch_token}")

    refused = post("sv-cnv/varfish-delly2-NA12878-trio.vcf")
    assert refused.status_code == 400 and refused.json()["file"] == "varfish-delly2-NA12878-trio.vcf"
    assert "not in the pedigree" in refused.json()["problem"]
    assert not Case.objects.filter(identifier="API-SV").exists() and not any(settings.UPLOAD_DIR.iterdir())
    accepted = post("sv-cnv/scout-643594.clinical.SV.vcf.gz")
    assert accepted.status_code == 202, accepted.content
    sv_import = StructuralVariantImport.objects.get(case__identifier="API-SV")
    assert sv_import.vcf_name == "643594.clinical.SV.vcf.gz" and accepted.json()["sv_job_id"] == sv_import.job_id
