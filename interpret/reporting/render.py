"""A report as HTML (the browser view and the signed copy) and as an A4 PDF (WeasyPrint over Debian's Pango):
page numbers, the case identifier, the proband and the department on every page. Nothing is fetched: the only
resource a report may hold is the department's letterhead image, inlined as a data: URL."""
from __future__ import annotations

import base64
import hashlib

from django.template.loader import render_to_string

from interpret.reporting import defaults


def template_texts(department) -> dict:
    from interpret.reporting.models import ReportTemplate

    template = ReportTemplate.objects.filter(department=department).first()
    image = None
    if template is not None and template.letterhead_image:
        image = (f"data:{template.letterhead_image_type};base64,"
                 f"{base64.b64encode(bytes(template.letterhead_image)).decode()}")
    return {"letterhead": (template.letterhead if template and template.letterhead else
                           f"{defaults.LETTERHEAD}\n{department.name}").splitlines(),
            "letterhead_image": image,
            "methods": template.methods if template and template.methods else defaults.METHODS,
            "limitations": template.limitations if template and template.limitations else defaults.LIMITATIONS,
            "footer": template.footer if template and template.footer else defaults.FOOTER}


def report_html(report, facts: dict, *, signed_by: str = "", signed_at=None) -> str:
    proband = next((m["individual"] for m in facts.get("family", []) if m["relation"] == "proband"), "")
    return render_to_string("interpret/report_document.html", {
        "report": report, "facts": facts, "texts": template_texts(report.case.department), "proband": proband,
        "signed_by": signed_by, "signed_at": signed_at})


def _no_fetching(url: str, *args, **kwargs):
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"a report fetches nothing: {url[:80]}")


def report_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
