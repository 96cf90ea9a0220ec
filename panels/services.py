"""Writing panels. One service creates versions; published versions are immutable (also in the database)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from interpret.access import user_has_role
from interpret.models import Department, PatientGroup, Role
from panels.diff import panel_diff
from panels.models import Confidence, ModeOfInheritance, Panel, PanelEntry, PanelEvent, PanelVersion

ENTRY_FIELDS = ("hgnc_id", "ensembl_ids", "confidence", "mode_of_inheritance", "penetrance", "phenotypes", "hpo_ids",
                "evidence", "publications", "padding")


def _require_curator(user, panel: Panel) -> None:
    if not user_has_role(user, Role.VARIANT_CURATOR, department=panel.network):
        raise PermissionDenied(f"Only curators of {panel.network.name} maintain the panel {panel.name}.")


@transaction.atomic
def panel_create(*, code: str, name: str, network: Department, created_by, description: str = "",
                 patient_groups: list[PatientGroup] = (), source: str = "") -> PanelVersion:
    """A new panel with its first draft, version 0.1."""
    if network.kind != Department.Kind.EXPERT_NETWORK:
        raise ValidationError(f"{network.code} is not a GenNet expert network")
    panel = Panel.objects.create(code=code, name=name, network=network, description=description, source=source)
    panel.patient_groups.set(patient_groups)
    _require_curator(created_by, panel)
    return PanelVersion.objects.create(panel=panel, major=0, minor=1, created_by=created_by)


@transaction.atomic
def panel_version_draft(*, panel: Panel, created_by, major: bool = False, comment: str = "") -> PanelVersion:
    """A new draft from the newest published version: minor+1, or (major+1).0 for a major revision."""
    _require_curator(created_by, panel)
    if panel.versions.filter(status__in=[PanelVersion.Status.DRAFT, PanelVersion.Status.IN_REVIEW]).exists():
        raise ValidationError(f"{panel.name} already has an open draft or a version in review")
    base = panel.current_version()
    newest = panel.versions.order_by("-major", "-minor").first()
    if newest is None:
        number = (0, 1)
    else:
        number = (newest.major + 1, 0) if major else (newest.major, newest.minor + 1)
    draft = PanelVersion.objects.create(panel=panel, major=number[0], minor=number[1], based_on=base,
                                        created_by=created_by, comment=comment)
    if base is not None:
        PanelEntry.objects.bulk_create([
            PanelEntry(version=draft, entity_type=e.entity_type, symbol=e.symbol,
                       **{f: getattr(e, f) for f in ENTRY_FIELDS}) for e in base.entries.all()
        ])
    return draft


def _require_draft(version: PanelVersion) -> None:
    if version.status != PanelVersion.Status.DRAFT:
        raise ValidationError(f"{version} is {version.get_status_display().lower()}: only drafts can change")


@transaction.atomic
def panel_entry_set(*, version: PanelVersion, symbol: str, by, **fields) -> PanelEntry:
    """Add a gene to a draft, or change it. Values are checked against the controlled vocabularies."""
    _require_curator(by, version.panel)
    _require_draft(version)
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError(f"unknown entry field(s): {', '.join(sorted(unknown))}")
    if "confidence" in fields and fields["confidence"] not in Confidence.values:
        raise ValidationError(f"{symbol}: confidence {fields['confidence']!r} is not green, amber or red")
    if "mode_of_inheritance" in fields and fields["mode_of_inheritance"] not in ModeOfInheritance.values:
        raise ValidationError(f"{symbol}: mode of inheritance {fields['mode_of_inheritance']!r} is not one of "
                              f"{', '.join(ModeOfInheritance.values)}")
    entry, created = PanelEntry.objects.get_or_create(version=version, entity_type=PanelEntry.EntityType.GENE,
                                                      symbol=symbol, defaults=fields)
    if not created and fields:
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save(update_fields=list(fields))
    return entry


@transaction.atomic
def panel_entry_remove(*, version: PanelVersion, symbol: str, by) -> None:
    _require_curator(by, version.panel)
    _require_draft(version)
    deleted, _ = version.entries.filter(symbol=symbol).delete()
    if not deleted:
        raise ValidationError(f"{symbol} is not on {version}")


@transaction.atomic
def panel_version_submit(*, version: PanelVersion, by) -> PanelVersion:
    _require_curator(by, version.panel)
    _require_draft(version)
    if not version.entries.exists():
        raise ValidationError(f"{version} has no genes")
    version.status, version.submitted_at = PanelVersion.Status.IN_REVIEW, timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    return version


@transaction.atomic
def panel_version_return_to_draft(*, version: PanelVersion, by, comment: str = "") -> PanelVersion:
    _require_curator(by, version.panel)
    if version.status != PanelVersion.Status.IN_REVIEW:
        raise ValidationError(f"{version} is not in review")
    version.status, version.submitted_at = PanelVersion.Status.DRAFT, None
    if comment:
        version.comment = f"{version.comment}\nReturned by {by.get_username()}: {comment}".strip()
    version.save(update_fields=["status", "submitted_at", "comment"])
    return version


def entries_as_dicts(version: PanelVersion | None) -> list[dict]:
    if version is None:
        return []
    return list(version.entries.values("symbol", "confidence", "mode_of_inheritance"))


@transaction.atomic
def panel_version_publish(*, version: PanelVersion, signed_off_by) -> PanelVersion:
    """Sign-off by a second curator of the owning network (never the author) publishes the version."""
    _require_curator(signed_off_by, version.panel)
    if version.status != PanelVersion.Status.IN_REVIEW:
        raise ValidationError(f"{version} must be submitted for review before it is published")
    if signed_off_by.pk == version.created_by_id:
        raise PermissionDenied("A panel version is signed off by a second curator, not by its author.")
    previous = version.panel.current_version()
    version.status, version.signed_off_by, version.published_at = (
        PanelVersion.Status.PUBLISHED, signed_off_by, timezone.now())
    version.save(update_fields=["status", "signed_off_by", "published_at"])
    PanelEvent.objects.create(kind=PanelEvent.Kind.PUBLISHED, version=version,
                              diff=panel_diff(entries_as_dicts(previous), entries_as_dicts(version)))
    return version


@transaction.atomic
def panel_version_retire(*, version: PanelVersion, by) -> PanelVersion:
    _require_curator(by, version.panel)
    if version.status != PanelVersion.Status.PUBLISHED:
        raise ValidationError(f"only a published version can be retired; {version} is {version.status}")
    version.status, version.retired_at = PanelVersion.Status.RETIRED, timezone.now()
    version.save(update_fields=["status", "retired_at"])
    PanelEvent.objects.create(kind=PanelEvent.Kind.RETIRED, version=version)
    return version
