"""Reading panels: versions by label, a group's default panels, gene sets for analysis, exports."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q

from core.access import user_has_role
from core.errors import NotFound
from core.models import PatientGroup, Role
from panels.diff import panel_diff
from panels.models import Panel, PanelEntry, PanelVersion

ENTRY_EXPORT_FIELDS = ("symbol", "hgnc_id", "ensembl_ids", "confidence", "mode_of_inheritance", "penetrance",
                       "phenotypes", "hpo_ids", "evidence", "publications", "padding", "resolution_note")


def panels_for_group(group: PatientGroup | None = None):
    """Panels (with their newest published version annotated) serving a patient group, or all panels."""
    panels = Panel.objects.select_related("network").prefetch_related("patient_groups", "default_for")
    if group is not None:
        panels = panels.filter(Q(patient_groups=group) | Q(default_for=group)).distinct()
    return panels.annotate(version_count=Count("versions", distinct=True)).order_by("name")


class PanelNotFound(NotFound):
    """No panel, or no version, by that name."""


def panel_list(group: PatientGroup | None = None) -> list[Panel]:
    """Panels for the panel list, each with ``current`` (the newest published version, with ``gene_count``) and
    ``open_version`` (a draft or version in review), read in three queries whatever the number of panels."""
    versions = PanelVersion.objects.annotate(gene_count=Count("entries")).order_by("-major", "-minor")
    panels = list(panels_for_group(group).prefetch_related(
        Prefetch("versions", queryset=versions, to_attr="versions_newest_first")))
    open_statuses = (PanelVersion.Status.DRAFT, PanelVersion.Status.IN_REVIEW)
    for panel in panels:
        panel.current = next((v for v in panel.versions_newest_first if v.status == PanelVersion.Status.PUBLISHED),
                             None)
        panel.open_version = next((v for v in panel.versions_newest_first if v.status in open_statuses), None)
    return panels


def panel_get(code: str) -> Panel:
    panel = Panel.objects.select_related("network").filter(code=code).first()
    if panel is None:
        raise PanelNotFound(f"No panel {code}")
    return panel


def panel_find(name: str) -> Panel:
    """A panel by its code, else by its name (analyses and presets name panels either way)."""
    panel = Panel.objects.filter(code=name).first() or Panel.objects.filter(name=name).first()
    if panel is None:
        raise PanelNotFound(f"no panel {name!r}")
    return panel


def panel_version_get(panel: Panel, label: str | None = None) -> PanelVersion:
    """``label`` "1.2"; None or "current" is the newest published version (else the newest version)."""
    versions = panel.versions.select_related("created_by", "signed_off_by", "based_on")
    if label in (None, "", "current"):
        version = panel.current_version() or versions.order_by("-major", "-minor").first()
        if version is None:
            raise PanelNotFound(f"{panel.code} has no versions")
        return versions.get(pk=version.pk)
    try:
        major, minor = (int(part) for part in label.split("."))
    except ValueError:
        raise ValidationError(f"version {label!r} is not major.minor, e.g. 1.2") from None
    version = versions.filter(major=major, minor=minor).first()
    if version is None:
        raise PanelNotFound(f"{panel.code} has no version {label}")
    return version


def version_entries(version: PanelVersion) -> list[dict]:
    return list(version.entries.order_by("symbol").values(*ENTRY_EXPORT_FIELDS))


def versions_diff(old: PanelVersion | None, new: PanelVersion) -> dict:
    fields = ("symbol", "confidence", "mode_of_inheritance")
    before = list(old.entries.values(*fields)) if old is not None else []
    return panel_diff(before, list(new.entries.values(*fields)))


def default_panel_versions(group: PatientGroup) -> list[PanelVersion]:
    """What an analysis of a case in ``group`` uses unless told otherwise: the current version of each default
    panel."""
    versions = []
    for panel in Panel.objects.filter(default_for=group).order_by("name"):
        current = panel.current_version()
        if current is not None:
            versions.append(current)
    return versions


def gene_set(versions: list[PanelVersion], *, confidences: tuple[str, ...] = ("green", "amber", "red")) -> dict:
    """Several panel versions combined into one gene set: symbol -> the entries (per version) that put it there.
    Symbols are upper-cased keys; HGNC ids are included so callers can match either."""
    genes: dict[str, list[dict]] = {}
    entries = PanelEntry.objects.filter(version__in=versions, confidence__in=confidences).select_related(
        "version__panel")
    for entry in entries.order_by("symbol"):
        genes.setdefault(entry.symbol.upper(), []).append({
            "symbol": entry.symbol, "hgnc_id": entry.hgnc_id, "confidence": entry.confidence,
            "mode_of_inheritance": entry.mode_of_inheritance, "padding": entry.padding,
            "panel": entry.version.panel.code, "version": entry.version.label,
        })
    return genes


def user_curates(user, panel: Panel) -> bool:
    return user_has_role(user, Role.VARIANT_CURATOR, department=panel.network)


def panel_with_versions(panel: Panel):
    return Panel.objects.prefetch_related(
        Prefetch("versions", queryset=PanelVersion.objects.select_related("created_by", "signed_off_by")
                 .annotate(gene_count=Count("entries")).order_by("-major", "-minor"))
    ).get(pk=panel.pk)
