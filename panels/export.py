"""Writing a panel version as TSV, PanelApp JSON or BED (one function per format, one entry list for all)."""
from __future__ import annotations

import json

from panels.genes import configured_gene_resolver, panel_bed_lines
from panels.models import PanelVersion
from panels.panelapp import panelapp_document
from panels.selectors import version_entries
from panels.tsv import panel_tsv

FORMATS = ("tsv", "json", "bed")
CONTENT_TYPES = {"tsv": "text/tab-separated-values", "json": "application/json", "bed": "text/plain"}


def panel_version_export(version: PanelVersion, *, fmt: str, build: str = "GRCh38") -> str:
    entries = version_entries(version)
    panel = version.panel
    if fmt == "tsv":
        return panel_tsv(metadata={"name": panel.name, "code": panel.code, "version": version.label,
                                   "source": panel.source}, entries=entries)
    if fmt == "json":
        document = panelapp_document(
            panel_id=panel.code, name=panel.name, version=version.label, entries=entries,
            extra={"status": version.status, "disease_group": ", ".join(g.code for g in panel.patient_groups.all()),
                   "version_created": (version.published_at or version.created_at).isoformat(),
                   "source": panel.source})
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if fmt == "bed":
        return "\n".join(panel_bed_lines(entries, build=build, resolver=configured_gene_resolver(),
                                         title=f"{panel.name} v{version.label}")) + "\n"
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def export_filename(version: PanelVersion, fmt: str, build: str = "GRCh38") -> str:
    suffix = f"{build}.bed" if fmt == "bed" else fmt
    return f"{version.panel.code}_v{version.label}.{suffix}"
