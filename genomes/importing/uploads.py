"""Uploaded case files: a size cap while they arrive, private storage in the data folder (0700 folders, 0600
files) where the import job (maybe on a worker) reads them, deletion of rejected ones at once, and a retention
rule for accepted ones (UPLOAD_RETENTION_DAYS after their import ended; settings and docs/security.md)."""
from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.db import transaction

from core.errors import InputFileError

FOLDER_MODE, FILE_MODE = 0o700, 0o600


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler (files under FILE_UPLOAD_TEMP_DIR), refusing a file once it passes
    UPLOAD_MAX_BYTES instead of writing it whole; the view names the refused file."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self.file.close()
            self.request.upload_refused = self.file_name
            raise SkipFile()
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as error:
            # The disk is full (or the folder gone): close the temporary file now, which deletes it, rather than
            # leave a partial file held open until the request object is collected.
            self.file.close()
            self.request.upload_refused = self.file_name
            self.request.upload_failed = error
            raise SkipFile() from None


class UploadNotStored(InputFileError):
    """An upload the server could not write (disk full): not the sender's fault, answered 507."""


def upload_refusal(request) -> InputFileError | None:
    """The error for a file the handler refused (too large, or not storable), if any."""
    name = getattr(request, "upload_refused", None)
    if name is None:
        return None
    failed = getattr(request, "upload_failed", None)
    if failed is not None:
        return UploadNotStored(Path(name).name, None, None, _not_stored_reason(failed))
    return InputFileError(Path(name).name, None, None, f"larger than the upload limit of "
                          f"{settings.UPLOAD_MAX_BYTES / 2**30:.3g} GiB (UPLOAD_MAX_BYTES)")


def _not_stored_reason(error: OSError) -> str:
    import errno

    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "could not be stored: the server's disk is full; nothing was kept, try again later"
    return "could not be stored on the server; nothing was kept, try again later"


def upload_folder() -> Path:
    root = Path(settings.UPLOAD_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(root, FOLDER_MODE)
    return root


def upload_store(uploaded) -> Path:
    """Write one uploaded file to a folder of its own, readable by this account only."""
    folder = upload_folder() / uuid.uuid4().hex
    folder.mkdir(mode=FOLDER_MODE)
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(uploaded.name).name) or "upload"
    target = folder / safe_name
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
    except OSError as error:
        shutil.rmtree(folder, ignore_errors=True)  # no partial file, no empty folder left behind
        raise UploadNotStored(Path(uploaded.name).name, None, None, _not_stored_reason(error)) from None
    return target


def is_upload(path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(Path(settings.UPLOAD_DIR).resolve())
    except (OSError, ValueError):
        return False


def upload_discard(*paths) -> None:
    """Delete uploaded files and their folders (not files the caller pointed to elsewhere)."""
    for path in paths:
        if path and is_upload(path):
            shutil.rmtree(Path(path).parent, ignore_errors=True)


def case_import_from_upload(data: dict, *, created_by):
    """Store the uploaded files of a valid CaseImportForm and prepare their import (page and API alike). A
    rejected upload is deleted at once; errors name the files as uploaded, not where they are stored."""
    from genomes.importing.prepare import case_import_prepare

    names = {}
    ped_path = vcf_path = sv_path = None
    other_paths: dict[str, Path] = {}  # repeat-expansion and mitochondrial files: read during the request
    try:
        # One at a time, so that a failure storing a later one removes the earlier ones too (below).
        ped_path = upload_store(data["pedigree"])
        vcf_path = upload_store(data["vcf"])
        names = {str(ped_path): Path(data["pedigree"].name).name, str(vcf_path): Path(data["vcf"].name).name}
        if data.get("sv_vcf"):
            sv_path = upload_store(data["sv_vcf"])
            names[str(sv_path)] = Path(data["sv_vcf"].name).name
            from genomes.pedigree import read_ped
            from genomes.sv.importing import sv_header_check

            # a bad SV file stops the whole import before anything is stored, as import_case --sv-vcf does
            sv_header_check(sv_path, {i.individual_id for i in read_ped(ped_path).individuals}
                            | set((data.get("sample_map") or {}).values()))
        for kind in ("str_vcf", "mt_vcf"):
            if data.get(kind):
                other_paths[kind] = upload_store(data[kind])
                names[str(other_paths[kind])] = Path(data[kind].name).name
                from genomes.pedigree import read_ped
                from genomes.str.importing import str_header_check

                str_header_check(other_paths[kind], {i.individual_id for i in read_ped(ped_path).individuals}
                                 | set((data.get("sample_map") or {}).values()))
        # One transaction: a repeat or mitochondrial file failing on a record leaves no case and no queued import
        with transaction.atomic():
            case_import = case_import_prepare(
                patient_group=data["patient_group"], department=data["department"], ped_path=ped_path,
                vcf_path=vcf_path, build=data["build"] or None, analysis_type=data["analysis_type"] or None,
                case_identifier=data["case_identifier"] or None, replace=data["replace"],
                sample_map=data["sample_map"], created_by=created_by, tumour_type=data.get("tumour_type") or "",
                callable_mb=data.get("callable_mb"), tumour_purity=data.get("tumour_purity"),
            )
            _other_files_import(case_import.case, other_paths, names, data.get("sample_map") or {}, created_by)
            if (data.get("alignments") or "").strip():
                from genomes.reads import alignment_pairs, alignment_register

                lines = [line for line in data["alignments"].splitlines() if line.strip()]
                for individual, path in alignment_pairs(lines):
                    alignment_register(case=case_import.case, individual=individual, path=path, by=created_by,
                                       from_the_web=True)
        upload_discard(*other_paths.values())
        if sv_path is not None:
            from genomes.sv.importing import sv_import_prepare

            case_import.sv_import = sv_import_prepare(case=case_import.case, vcf_path=sv_path,
                                                      vcf_name=names[str(sv_path)], created_by=created_by)
        return case_import
    except InputFileError as error:
        upload_discard(ped_path, vcf_path, sv_path, *other_paths.values())
        raise error.naming_file(names.get(error.source, Path(error.source).name)) from None
    except BaseException:
        upload_discard(ped_path, vcf_path, sv_path, *other_paths.values())
        raise


def _other_files_import(case, paths: dict[str, Path], names: dict, sample_map: dict, by) -> None:
    """The uploaded repeat-expansion and mitochondrial files, into the case just registered (their samples are
    the pedigree's): small files, read at once, as import_case --str-vcf / --mt-vcf do."""
    from core.audit import AuditContext
    from genomes.mt.importing import mt_file_import
    from genomes.str.importing import str_file_import

    audit = AuditContext(method="POST", path="case import upload")
    if "str_vcf" in paths:
        str_file_import(case=case, path=paths["str_vcf"], name=names[str(paths["str_vcf"])],
                        sample_map=sample_map, by=by, audit=audit)
    if "mt_vcf" in paths:
        mt_file_import(case=case, path=paths["mt_vcf"], name=names[str(paths["mt_vcf"])],
                       sample_map=sample_map, by=by, audit=audit)


def uploads_clean(*, now: float | None = None) -> dict:
    """Apply the retention rule: delete uploads whose import ended more than UPLOAD_RETENTION_DAYS ago, uploads
    no import refers to (left by a crash) after a day, and temporary upload files older than a day."""
    from core.models import Job
    from genomes.models import CaseImport

    now = now or time.time()
    removed = {"uploads": 0, "temporary": 0}
    root = Path(settings.UPLOAD_DIR)
    if root.is_dir():
        imports = {str(Path(path).parent): (state, finished) for path, state, finished in CaseImport.objects.filter(
            vcf_path__startswith=str(root.resolve())).values_list("vcf_path", "job__state", "job__finished_at")}
        for folder in root.iterdir():
            age_days = (now - folder.stat().st_mtime) / 86400
            state, finished = imports.get(str(folder.resolve()), (None, None))
            if state in (Job.State.QUEUED, Job.State.RUNNING):
                continue
            ended_days = (now - finished.timestamp()) / 86400 if finished else age_days
            if (state is None and age_days > 1) or (state is not None and ended_days > settings.UPLOAD_RETENTION_DAYS):
                shutil.rmtree(folder, ignore_errors=True)
                removed["uploads"] += 1
    temporary = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if temporary.is_dir():
        for leftover in temporary.iterdir():
            if (now - leftover.stat().st_mtime) > 86400:
                leftover.unlink(missing_ok=True)
                removed["temporary"] += 1
    return removed
