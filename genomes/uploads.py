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
