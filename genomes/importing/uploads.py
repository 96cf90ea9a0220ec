"""Uploaded files are written to the data folder, where the import job (maybe on a worker) reads them."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings


def upload_store(uploaded) -> Path:
    folder = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(uploaded.name).name) or "upload"
    target = folder / safe_name
    with open(target, "wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return target


def case_import_from_upload(data: dict, *, created_by):
    """Store the uploaded files of a valid CaseImportForm and prepare their import (page and API alike)."""
    from genomes.importing.prepare import case_import_prepare

    return case_import_prepare(
        patient_group=data["patient_group"], department=data["department"],
        ped_path=upload_store(data["pedigree"]), vcf_path=upload_store(data["vcf"]),
        build=data["build"] or None, analysis_type=data["analysis_type"] or None,
        case_identifier=data["case_identifier"] or None, replace=data["replace"],
        sample_map=data["sample_map"], created_by=created_by,
    )
