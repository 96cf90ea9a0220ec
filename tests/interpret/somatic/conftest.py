import pytest

from core.models import PatientGroup, Role
from tests.factories import make_user
from tests.shared_data import shared


def import_tumour_case(department, ped, vcf, *, group="CANCER-ADULT", analysis_type="tumour_normal", identifier=None,
                       tumour_type="AML", callable_mb=None, sample_map=None):
    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare

    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code=group), department=department, send_to_worker=False,
        ped_path=shared(ped), vcf_path=shared(vcf), analysis_type=analysis_type, case_identifier=identifier,
        tumour_type=tumour_type, callable_mb=callable_mb, sample_map=sample_map)
    job = job_run(case_import.job_id)
    assert job.state == "done", job.error
    return case_import.case, job


@pytest.fixture
def cancer_knowledge(patient_groups, django_user_model):
    """The shipped demo cancer gene list, hotspots and biomarker table (published by two curators)."""
    from interpret.somatic.biomarkers import demo_knowledge_publish
    from interpret.somatic.knowledge import demo_knowledge_load
    from tests.factories import make_department

    network = make_department("kb-net", name="Knowledge curators")
    author = make_user("kb-author", department=network, role=Role.VARIANT_CURATOR)
    approver = make_user("kb-approver", department=network, role=Role.VARIANT_CURATOR)
    demo_knowledge_load()
    demo_knowledge_publish(author, approver)
    return author, approver


@pytest.fixture
def tumour_case(dept_a, cancer_knowledge):
    """Scout's cancer_test tumour/normal pair (freebayes/mutect/pindel, VEP-annotated), an AML."""
    case, _ = import_tumour_case(dept_a, "scout-demo/cancer_test.ped", "scout-demo/cancer_test.vcf.gz",
                                 callable_mb=0.14)
    return case


@pytest.fixture
def oncologist(dept_a):
    return make_user("otto", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
