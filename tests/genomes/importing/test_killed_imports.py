"""Fault tests with real processes: an import whose process is killed (kill -9) in the middle, on both import
paths and in a Celery worker, leaves a failed job with the reason and nothing partial; the case imports again."""
import os
import signal
import subprocess
import sys
import time

import pytest

from core.jobs import jobs_reap
from core.models import Department, Job
from genomes.models import Case, CaseImport, CaseVariant, Individual, Sample, Variant
from tests.processes import ROOT, process_env, start_worker, stop
from tests.public_data import public_file


@pytest.fixture(scope="module")
def slow_trio(tmp_path_factory):
    """A synthetic trio of only rare variants: every record is kept, so reading takes seconds to kill into."""
    from genomes.synthetic import CohortSpec, generate_cohort

    out = tmp_path_factory.mktemp("slow-trio")
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[public_file("gtf/grch38_chr1_head.ensembl.gtf.gz")],
                               records=60_000, rare_only=True, seed=11))
    return out / "SYNTRIO0001.ped", out / "SYNTRIO0001.vcf.gz"


@pytest.fixture
def department(transactional_db, patient_groups):
    return Department.objects.create(code="kg-kill", name="Kill test")


def import_command(ped, vcf, *more):
    return [sys.executable, "manage.py", "import_case", "--patient-group", "RARE", "--department", "kg-kill",
            "--ped", str(ped), "--vcf", str(vcf), "--case-id", "KILLED-1", *more]


def wait_until_reading(timeout=60) -> tuple[Job, int, int]:
    """The running import job, its import id and its case id, once it has read records."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.filter(kind="vcf_import", state=Job.State.RUNNING, progress_done__gt=0).first()
        if job is not None:
            case_import = CaseImport.objects.get(job=job)
            return job, case_import.pk, case_import.case_id
        time.sleep(0.05)
    raise TimeoutError("the import did not start reading")


def nothing_partial(import_id: int, case_id: int, national_before: int):
    """No staging rows, case, pedigree, import or variants of the killed import (case variants are not flushed
    between tests: counted by the import's ids)."""
    staging = CaseVariant.objects.raw("SELECT 1 AS id FROM genomes_importstaging WHERE import_id = %s", [import_id])
    assert list(staging) == []
    assert not Case.objects.filter(pk=case_id).exists() and not CaseImport.objects.filter(pk=import_id).exists()
    assert (
        not Individual.objects.filter(case_id=case_id).exists() and not Sample.objects.filter(case_id=case_id).exists()
    )
    assert not CaseVariant.objects.filter(case_id=case_id).exists()
    assert Variant.objects.count() == national_before


def helpers_of(vcf) -> list[str]:
    found = subprocess.run(["pgrep", "-f", f"genomes.(importing.worker|vcf.screen|vcf.limits).*{vcf.name}"],
                           capture_output=True, text=True)
    return found.stdout.split()


@pytest.mark.worker
@pytest.mark.parametrize("path_kind", ["in-process", "parallel workers"])
def test_an_import_killed_in_the_middle_is_failed_with_the_reason_and_leaves_nothing(slow_trio, department,
                                                                                     path_kind):
    ped, vcf = slow_trio
    env = {**process_env(), "IMPORT_WORKERS": "1",
           "IMPORT_PARALLEL_MIN_BYTES": "0" if path_kind == "parallel workers" else str(10 ** 12)}
    national_before = Variant.objects.count()
    process = subprocess.Popen(import_command(ped, vcf, "--wait"), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    job, import_id, case_id = wait_until_reading()
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while helpers_of(vcf):  # the import's helper processes die with it (prctl parent-death signal)
        assert time.monotonic() < deadline, f"orphaned helpers: {helpers_of(vcf)}"
        time.sleep(0.2)

    assert jobs_reap() == [job.pk]  # its process is gone: failed at once, not a lease later
    job.refresh_from_db()
    assert job.state == "failed" and "stopped" in job.error and job.worker in job.error
    nothing_partial(import_id, case_id, national_before)

    again = subprocess.run(import_command(ped, vcf, "--wait"), cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert Case.objects.get(identifier="KILLED-1").import_state == "imported"


@pytest.mark.worker
def test_a_worker_killed_during_an_import_is_replaced_and_the_job_failed_and_cleaned_up(slow_trio, department,
                                                                                        tmp_path):
    from core.models import PatientGroup
    from genomes.importing.prepare import CaseImportError, case_import_prepare

    ped, vcf = slow_trio
    worker = start_worker(tmp_path / "worker-1.log")
    try:
        national_before = Variant.objects.count()
        case_import_prepare(patient_group=PatientGroup.objects.get(code="RARE"), department=department,
                            ped_path=ped, vcf_path=vcf, case_identifier="KILLED-1")
        job, import_id, case_id = wait_until_reading()
        with pytest.raises(CaseImportError, match="already queued or running"):
            case_import_prepare(patient_group=PatientGroup.objects.get(code="RARE"), department=department,
                                ped_path=ped, vcf_path=vcf, case_identifier="KILLED-1", replace=True)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        stop(worker)
    replacement = start_worker(tmp_path / "worker-2.log")  # reaps at start
    try:
        deadline = time.monotonic() + 30
        while Job.objects.get(pk=job.pk).state == "running":
            assert time.monotonic() < deadline, "the new worker did not fail the abandoned job"
            time.sleep(0.3)
        job.refresh_from_db()
        assert job.state == "failed" and "no sign of life" in job.error
        nothing_partial(import_id, case_id, national_before)
    finally:
        stop(replacement)
