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


TRIO_MT = """##fileformat=VCFv4.2
##contig=<ID=MT,length=16569>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tADM1059A1\tADM1059A2\tADM1059A3
MT\t3243\t.\tA\tG\t.\tPASS\t.\tGT:AF\t0:0\t0/1:0.41\t0/1:0.12
{bad}"""


@pytest.mark.django_db
def test_the_import_api_takes_repeat_and_mitochondrial_files_all_or_nothing(client, batch_token, settings, tmp_path):
    """Issue 28: the upload form and the API take repeat-expansion and mitochondrial files beside the main VCF;
    one failing on a record leaves no case, no queued import and no stored upload."""
    from genomes.models import MtImport, MtVariant, StrImport

    settings.UPLOAD_DIR = tmp_path / "uploads"

    def post(mt_text):
        (tmp_path / "trio.mt.vcf").write_text(mt_text)
        with open(public_file("scout-demo/643594.ped"), "rb") as p, \
                open(public_file("scout-demo/643594.clinical.vcf.gz"), "rb") as v, \
                open(public_file("str/scout-643594.clinical.str.stranger.vcf.gz"), "rb") as repeats, \
                open(tmp_path / "trio.mt.vcf", "rb") as mt:
            return client.post(reverse("api_case_import"), {
                "patient_group": "RARE", "department": "kg-a", "pedigree": p, "vcf": v, "str_vcf": repeats,
                "mt_vcf": mt, "case_identifier": "API-STR-MT"}, HTTP_AUTHORIZATION=f"Bearer {batch_token}")

    refused = post(TRIO_MT.format(bad="1\t1000\t.\tA\tG\t.\tPASS\t.\tGT:AF\t0:0\t0/1:0.5\t0:0\n"))
    assert refused.status_code == 400 and refused.json()["file"] == "trio.mt.vcf"
    assert "not the mitochondrial genome" in refused.json()["problem"] and refused.json()["line"] == 2
    assert not Case.objects.filter(identifier="API-STR-MT").exists() and not StrImport.objects.exists()
    assert not any(settings.UPLOAD_DIR.iterdir())
    accepted = post(TRIO_MT.format(bad=""))
    assert accepted.status_code == 202, accepted.content
    assert StrImport.objects.get(case__identifier="API-STR-MT").records_read == 80
    assert MtImport.objects.get(case__identifier="API-STR-MT").source == MtImport.Source.MT_VCF
    case = Case.objects.get(identifier="API-STR-MT")
    proband = case.samples.get(individual__individual_id="ADM1059A2").position
    assert MtVariant.objects.get(case=case).sample_calls[proband]["heteroplasmy"] == 0.41
    assert not any(settings.UPLOAD_DIR.iterdir()) or all(
        "trio.mt.vcf" not in str(p) for p in settings.UPLOAD_DIR.rglob("*"))


@pytest.mark.django_db
def test_the_import_api_registers_alignment_paths_only_under_the_allowed_folders(client, batch_token, settings,
                                                                                  tmp_path):
    """Issue 29: a pipeline names each person's BAM on the server; a path outside READ_ALIGNMENT_ROOTS (another
    department's files, /etc) is refused and nothing is kept; inside, it is registered, read in place."""
    from pathlib import Path

    import pysam

    from genomes.models import AlignmentFile

    settings.UPLOAD_DIR = tmp_path / "uploads"
    allowed = tmp_path / "alignments"
    allowed.mkdir()
    source = Path(__file__).resolve().parents[3] / "genomes" / "demo_data" / "NA12878.chrM.bam"
    with pysam.AlignmentFile(str(source)) as reads:
        header = reads.header.to_dict()
        for group in header["RG"]:
            group["SM"] = "ADM1059A2"
        with pysam.AlignmentFile(str(allowed / "proband.bam"), "wb", header=header) as out:
            for number, read in enumerate(reads):
                if number == 200:
                    break
                out.write(read)
    pysam.index(str(allowed / "proband.bam"))

    def post(path):
        with open(public_file("scout-demo/643594.ped"), "rb") as p, \
                open(public_file("scout-demo/643594.clinical.vcf.gz"), "rb") as v:
            return client.post(reverse("api_case_import"), {
                "patient_group": "RARE", "department": "kg-a", "pedigree": p, "vcf": v,
                "alignments": f"ADM1059A2={path}\n", "case_identifier": "API-BAM"},
                HTTP_AUTHORIZATION=f"Bearer {batch_token}")

    refused = post(allowed / "proband.bam")  # no folder allowed yet
    assert refused.status_code == 400 and "READ_ALIGNMENT_ROOTS" in refused.json()["problem"]
    assert not Case.objects.filter(identifier="API-BAM").exists() and not AlignmentFile.objects.exists()
    settings.READ_ALIGNMENT_ROOTS = [str(allowed)]
    assert post("/etc/hostname").status_code == 400
    accepted = post(allowed / "proband.bam")
    assert accepted.status_code == 202, accepted.content
    alignment = AlignmentFile.objects.get(sample__case__identifier="API-BAM")
    assert alignment.sample.individual.individual_id == "ADM1059A2" and alignment.path == str(allowed / "proband.bam")
