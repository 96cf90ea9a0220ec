from core.models import PatientGroup
from tests.public_data import public_file


def import_tumour_case(department, ped, vcf, *, group="CANCER-ADULT", analysis_type="tumour_normal", identifier=None,
                       tumour_type="AML", callable_mb=None, sample_map=None):
    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare

    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code=group), department=department, send_to_worker=False,
        ped_path=public_file(ped), vcf_path=public_file(vcf), analysis_type=analysis_type, case_identifier=identifier,
        tumour_type=tumour_type, callable_mb=callable_mb, sample_map=sample_map)
    job = job_run(case_import.job_id)
    assert job.state == "done", job.error
    return case_import.case, job
