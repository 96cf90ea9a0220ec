"""Uploaded case files: a size cap while they arrive, private modes, deleted when rejected or failed, kept
UPLOAD_RETENTION_DAYS after their import, and leftovers of interrupted uploads cleaned."""
import os
import stat
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tokens import api_token_create
from genomes.importing.uploads import uploads_clean
from tests.public_data import public_file

PED, VCF = "scout-demo/643594.ped", "scout-demo/643594.clinical.vcf.gz"


@pytest.fixture
def uploads(tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    return settings.UPLOAD_DIR


def post_import(client, token, ped=PED, vcf=VCF, **fields):
    with open(public_file(ped), "rb") as p, open(public_file(vcf), "rb") as v:
        return client.post(reverse("api_case_import"), {"patient_group": "RARE", "department": "kg-a",
                                                       "pedigree": p, "vcf": v, **fields},
                           HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_a_file_over_the_cap_is_refused_while_it_arrives_and_nothing_is_kept(client, alice, uploads, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    response = post_import(client, token)
    assert response.status_code == 413
    body = response.json()
    assert body["file"] == "643594.clinical.vcf.gz" and "upload limit" in body["problem"]
    assert not uploads.exists() or not any(uploads.iterdir())
    assert not any(os.scandir(settings.FILE_UPLOAD_TEMP_DIR))


@pytest.mark.django_db(transaction=True)  # the upload is stored by a commit, then read by the job
def test_accepted_uploads_are_private_and_rejected_ones_deleted(client, alice, uploads, patient_groups):
    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    accepted = post_import(client, token)
    assert accepted.status_code == 202, accepted.content
    folders = list(uploads.iterdir())  # one for the pedigree, one for the VCF
    assert len(folders) == 2 and stat.S_IMODE(uploads.stat().st_mode) == 0o700
    assert {stat.S_IMODE(folder.stat().st_mode) for folder in folders} == {0o700}
    assert {stat.S_IMODE(f.stat().st_mode) for folder in folders for f in folder.iterdir()} == {0o600}
    refused = post_import(client, token)  # the same file into the same case: refused
    assert refused.status_code == 409 and sorted(uploads.iterdir()) == sorted(folders)
    bad = post_import(client, token, ped="gemini-inheritance/test.de_novo.ped")  # pedigree does not match
    assert bad.status_code == 400 and "uploads" not in bad.content.decode()
    assert sorted(uploads.iterdir()) == sorted(folders)


@pytest.mark.django_db
def test_the_retention_rule_removes_old_uploads_and_leftovers(uploads, settings, trio):
    from core.models import Job
    from genomes.models import CaseImport

    settings.UPLOAD_RETENTION_DAYS = 7
    uploads.mkdir(mode=0o700)
    kept, expired, orphan = (uploads / name for name in ("kept", "expired", "orphan"))
    for folder in (kept, expired, orphan):
        folder.mkdir()
        (folder / "case.vcf.gz").write_bytes(b"x")
    case_import = CaseImport.objects.get(case=trio)
    job = case_import.job
    for folder, days in ((kept, 2), (expired, 8)):
        other = CaseImport.objects.create(case=trio, job=Job.objects.create(kind="vcf_import", state="done",
                                          finished_at=timezone.now() - timedelta(days=days)),
                                          vcf_path=str(folder / "case.vcf.gz"), vcf_sha256="0", vcf_size=1,
                                          genome_build="GRCh37", build_evidence="")
        assert other.pk != case_import.pk and job.pk
    old = time.time() - 2 * 86400
    os.utime(orphan, (old, old))
    leftover = os.path.join(settings.FILE_UPLOAD_TEMP_DIR, "tmpupload.upload")
    open(leftover, "w").close()
    os.utime(leftover, (old, old))
    assert uploads_clean() == {"uploads": 2, "temporary": 1}
    assert kept.exists() and not expired.exists() and not orphan.exists() and not os.path.exists(leftover)


def open_files_under(folder) -> list[str]:
    fds = Path("/proc/self/fd")
    found = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.django_db
def test_a_full_disk_while_a_file_arrives_keeps_nothing_open_or_on_disk(client, alice, uploads, settings,
                                                                        monkeypatch):
    """Issue 25, item 15: the temporary file is closed (and so deleted) at once, and the answer says why."""
    import errno

    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    written = {"chunks": 0}
    real = TemporaryFileUploadHandler.receive_data_chunk

    def disk_fills(self, raw_data, start):
        written["chunks"] += 1
        if written["chunks"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", disk_fills)
    response = post_import(client, token)
    assert response.status_code == 507
    assert "disk is full" in response.json()["problem"]
    assert not any(os.scandir(settings.FILE_UPLOAD_TEMP_DIR))
    assert open_files_under(settings.FILE_UPLOAD_TEMP_DIR) == []
    assert not uploads.exists() or not any(uploads.iterdir())


@pytest.mark.django_db
def test_when_the_second_file_cannot_be_written_neither_upload_folder_is_left(client, alice, uploads,
                                                                             monkeypatch):
    import errno

    import genomes.importing.uploads as upload_module

    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    real_fdopen, opened = os.fdopen, {"files": 0}

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, chunk):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(descriptor, mode="r", *args, **kwargs):
        handle = real_fdopen(descriptor, mode, *args, **kwargs)
        opened["files"] += 1
        return FullDisk(handle) if opened["files"] == 2 else handle

    monkeypatch.setattr(upload_module.os, "fdopen", fdopen)
    response = post_import(client, token)
    monkeypatch.undo()
    assert response.status_code == 507 and "disk is full" in response.json()["problem"]
    assert response.json()["file"] == "643594.clinical.vcf.gz"
    assert opened["files"] == 2 and not any(uploads.iterdir())
