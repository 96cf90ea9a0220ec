"""Writing panels. One service creates versions; published versions are immutable (also in the database)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.access import user_has_role
from core.audit import Action, AuditContext, audit_record
from core.models import Department, Membership, PatientGroup, Role, User
from panels.diff import panel_diff
from panels.models import Confidence, ModeOfInheritance, Panel, PanelEntry, PanelEvent, PanelVersion

ENTRY_FIELDS = ("hgnc_id", "ensembl_ids", "confidence", "mode_of_inheritance", "penetrance", "phenotypes", "hpo_ids",
                "evidence", "publications", "padding")


def _audit(version: PanelVersion, by, audit: AuditContext | None, what: str, action=Action.CHANGE, **details):
    """Every change of a panel version, by whom and from where (panels hold no patient data, but diagnoses
    depend on them)."""
    audit_record(action=action, user=by, audit=audit, object_type="panel_version",
                 object_id=f"{version.panel.code}:{version.label}", department_code=version.panel.network.code,
                 details={"change": what, **details})


def _require_curator(user, panel: Panel) -> None:
    if not user_has_role(user, Role.VARIANT_CURATOR, department=panel.network):
        raise PermissionDenied(f"Only curators of {panel.network.name} maintain the panel {panel.name}.")


@transaction.atomic
def panel_create(*, code: str, name: str, network: Department, created_by, description: str = "",
                 patient_groups: list[PatientGroup] = (), source: str = "",
                 audit: AuditContext | None = None) -> PanelVersion:
    """A new panel with its first draft, version 0.1."""
    if network.kind != Department.Kind.EXPERT_NETWORK:
        raise ValidationError(f"{network.code} is not a GenNet expert network")
    panel = Panel.objects.create(code=code, name=name, network=network, description=description, source=source)
    panel.patient_groups.set(patient_groups)
    _require_curator(created_by, panel)
    version = PanelVersion.objects.create(panel=panel, major=0, minor=1, created_by=created_by,
                                          edited_by=[created_by.pk] if created_by else [])
    _audit(version, created_by, audit, "panel created", action=Action.CREATE)
    return version


@transaction.atomic
def panel_version_draft(*, panel: Panel, created_by, major: bool = False, comment: str = "",
                        audit: AuditContext | None = None) -> PanelVersion:
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
                                        created_by=created_by, comment=comment, edited_by=[created_by.pk])
    if base is not None:
        PanelEntry.objects.bulk_create([
            PanelEntry(version=draft, entity_type=e.entity_type, symbol=e.symbol,
                       **{f: getattr(e, f) for f in ENTRY_FIELDS}) for e in base.entries.all()
        ])
    _audit(draft, created_by, audit, "draft created", action=Action.CREATE,
           based_on=base.label if base else None)
    return draft


def _require_draft(version: PanelVersion) -> None:
    if version.status != PanelVersion.Status.DRAFT:
        raise ValidationError(f"{version} is {version.get_status_display().lower()}: only drafts can change")


def _edited(version: PanelVersion, by) -> None:
    """Remember who changed the draft's genes: none of them may sign the version off."""
    if by is not None and by.pk not in version.edited_by:
        version.edited_by = [*version.edited_by, by.pk]
        version.save(update_fields=["edited_by"])


@transaction.atomic
def panel_entry_set(*, version: PanelVersion, symbol: str, by, audit: AuditContext | None = None,
                    **fields) -> PanelEntry:
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
    _edited(version, by)
    _audit(version, by, audit, "gene added" if created else "gene changed", symbol=symbol, **fields)
    return entry


@transaction.atomic
def panel_entry_remove(*, version: PanelVersion, symbol: str, by, audit: AuditContext | None = None) -> None:
    _require_curator(by, version.panel)
    _require_draft(version)
    deleted, _ = version.entries.filter(symbol=symbol).delete()
    if not deleted:
        raise ValidationError(f"{symbol} is not on {version}")
    _edited(version, by)
    _audit(version, by, audit, "gene removed", symbol=symbol)


@transaction.atomic
def panel_version_submit(*, version: PanelVersion, by, audit: AuditContext | None = None) -> PanelVersion:
    _require_curator(by, version.panel)
    _require_draft(version)
    if not version.entries.exists():
        raise ValidationError(f"{version} has no genes")
    version.status, version.submitted_at = PanelVersion.Status.IN_REVIEW, timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    _audit(version, by, audit, "submitted for review")
    return version


@transaction.atomic
def panel_version_return_to_draft(*, version: PanelVersion, by, comment: str = "",
                                  audit: AuditContext | None = None) -> PanelVersion:
    _require_curator(by, version.panel)
    if version.status != PanelVersion.Status.IN_REVIEW:
        raise ValidationError(f"{version} is not in review")
    version.status, version.submitted_at = PanelVersion.Status.DRAFT, None
    if comment:
        version.comment = f"{version.comment}\nReturned by {by.get_username()}: {comment}".strip()
    version.save(update_fields=["status", "submitted_at", "comment"])
    _audit(version, by, audit, "returned to draft", comment=comment)
    return version


def entries_as_dicts(version: PanelVersion | None) -> list[dict]:
    if version is None:
        return []
    return list(version.entries.values("symbol", "confidence", "mode_of_inheritance"))


@transaction.atomic
def panel_version_publish(*, version: PanelVersion, signed_off_by, audit: AuditContext | None = None) -> PanelVersion:
    """Sign-off by a second curator of the owning network (never the author) publishes the version."""
    _require_curator(signed_off_by, version.panel)
    if version.status != PanelVersion.Status.IN_REVIEW:
        raise ValidationError(f"{version} must be submitted for review before it is published")
    if signed_off_by.pk == version.created_by_id:
        raise PermissionDenied("A panel version is signed off by a second curator, not by its author.")
    if signed_off_by.pk in version.edited_by:
        raise PermissionDenied("A panel version is signed off by a second curator: you changed its genes, so "
                               "another curator of the network signs it off.")
    previous = version.panel.current_version()
    version.status, version.signed_off_by, version.published_at = (
        PanelVersion.Status.PUBLISHED, signed_off_by, timezone.now())
    version.save(update_fields=["status", "signed_off_by", "published_at"])
    PanelEvent.objects.create(kind=PanelEvent.Kind.PUBLISHED, version=version,
                              diff=panel_diff(entries_as_dicts(previous), entries_as_dicts(version)))
    _audit(version, signed_off_by, audit, "signed off and published")
    return version


@transaction.atomic
def panel_version_retire(*, version: PanelVersion, by, audit: AuditContext | None = None) -> PanelVersion:
    _require_curator(by, version.panel)
    if version.status != PanelVersion.Status.PUBLISHED:
        raise ValidationError(f"only a published version can be retired; {version} is {version.status}")
    version.status, version.retired_at = PanelVersion.Status.RETIRED, timezone.now()
    version.save(update_fields=["status", "retired_at"])
    PanelEvent.objects.create(kind=PanelEvent.Kind.RETIRED, version=version)
    _audit(version, by, audit, "retired")
    return version


IMPORT_ACCOUNT = "panel-import"


def panel_import_account(network: Department):
    """The service account that authors command-line imports: an import is never signed off by the account
    that wrote it, so publishing one still needs a named curator (the two-person rule holds for imports).

    The account is made here (with no role and no password); its variant-curator role in a network it gets as
    every account does (core.roles: asked for by an administrator, approved by a second), so a command-line import
    into a network nobody has granted it fails and says how to grant it."""
    account, created = User.objects.get_or_create(
        username=IMPORT_ACCOUNT,
        defaults={"first_name": "Panel", "last_name": "import", "is_service_account": True})
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
        audit_record(action=Action.CREATE, user=None, username="manage.py import_panel", object_type="account",
                     object_id=account.pk, details={"account": IMPORT_ACCOUNT, "service_account": True})
    if not Membership.objects.filter(user=account, department=network, role=Role.VARIANT_CURATOR).exists():
        raise PermissionDenied(
            f"the {IMPORT_ACCOUNT} service account has no variant-curator role in {network.code}: an administrator "
            f"asks for it (manage.py grant_role --by ADMIN --user {IMPORT_ACCOUNT} --department {network.code} "
            "--role variant_curator --reason ...) and a second administrator approves it (--approve GRANT_ID), as "
            "for every account; or name the authoring curator with --author")
    return account


def panel_code_of(parsed) -> str:
    """The code a parsed panel is stored under: its own, panelapp-<id> for PanelApp panels, else from its name."""
    from django.utils.text import slugify

    return parsed.code or (f"panelapp-{parsed.panelapp_id}" if parsed.panelapp_id else slugify(parsed.name))


def panel_owner(path, *, fmt: str | None = None, code: str = "") -> Panel | None:
    """The existing panel a file's (first matching) panel would become a new version of."""
    codes = {code} if code else {panel_code_of(p) for p in panel_file_read(path, fmt=fmt)}
    return Panel.objects.filter(code__in=codes).select_related("network").first()


@transaction.atomic
def panel_import(parsed, *, network: Department | None, author, patient_groups: list[PatientGroup] = (),
                 default_for: list[PatientGroup] = (), code: str = "", name: str = "", source: str = "",
                 signed_off_by=None, resolver=None, audit: AuditContext | None = None) -> dict:
    """A parsed panel file (panels.panelapp / panels.tsv) becomes a new draft version: of the panel with the same
    code if there is one, else of a new panel. Genes are resolved (current HGNC symbol, Ensembl ids per build);
    genes that do not resolve are kept, flagged and reported. With ``signed_off_by`` the version is submitted and
    published by that second curator. One transaction: on any error nothing is imported."""
    code = code or panel_code_of(parsed)
    name = name or parsed.name
    source = source or parsed.source or (
        f"PanelApp panel {parsed.panelapp_id} v{parsed.version}" if parsed.panelapp_id else "")
    panel = Panel.objects.filter(code=code).first()
    if panel is not None and network is not None and panel.network_id != network.pk:
        raise ValidationError(f"panel {code} belongs to {panel.network.code}, not {network.code}")
    if panel is None:
        if network is None:
            raise ValidationError(f"panel {code} is new: name the GenNet network that owns it")
        version = panel_create(code=code, name=name, network=network, created_by=author, source=source,
                               patient_groups=patient_groups)
        panel = version.panel
    else:
        version = panel_version_draft(panel=panel, created_by=author, comment=f"Imported from {source or 'a file'}")
        version.entries.all().delete()  # the file is the whole new content, not a patch
        panel.patient_groups.add(*patient_groups)
        if source:
            panel.source = source
            panel.save(update_fields=["source"])
    panel.default_for.add(*default_for)

    entries, unknown, renamed, seen = [], [], [], {}
    for item in parsed.entries:
        fields = {f: item[f] for f in ENTRY_FIELDS if f in item}
        symbol = item["symbol"]
        note = ""
        if resolver is not None:
            resolution = resolver.resolve(symbol, hgnc_id=fields.get("hgnc_id", ""),
                                          ensembl_ids=fields.get("ensembl_ids"))
            note = resolution.note
            if resolution.known:
                if resolution.symbol != symbol:
                    renamed.append({"from": symbol, "to": resolution.symbol})
                symbol = resolution.symbol
                fields["hgnc_id"] = resolution.hgnc_id
                fields["ensembl_ids"] = resolution.ensembl_ids
            else:
                unknown.append({"symbol": symbol, "reason": note})
        if symbol.upper() in seen:
            raise ValidationError(f"{item['symbol']} and {seen[symbol.upper()]} are the same gene ({symbol})")
        seen[symbol.upper()] = item["symbol"]
        if fields.get("confidence") not in Confidence.values:
            raise ValidationError(f"{symbol}: confidence {fields.get('confidence')!r} is not green, amber or red")
        entries.append(PanelEntry(version=version, symbol=symbol, resolution_note=note[:300], **fields))
    if not entries:
        raise ValidationError(f"{name}: the file has no genes")
    PanelEntry.objects.bulk_create(entries)
    _audit(version, author, audit, "genes imported", genes=len(entries), source=source)

    if signed_off_by is not None:
        panel_version_submit(version=version, by=author, audit=audit)
        panel_version_publish(version=version, signed_off_by=signed_off_by, audit=audit)
    version.refresh_from_db()
    return {
        "panel_id": panel.pk, "panel": panel.code, "name": panel.name, "version": version.label,
        "status": version.status, "genes_imported": len(entries),
        "unknown_genes": unknown, "renamed_genes": renamed,
        "diff": panel_diff(entries_as_dicts(version.based_on), entries_as_dicts(version)),
    }


PANEL_FILE_FORMATS = ("panelapp", "tsv")


def panel_file_read(path, *, fmt: str | None = None, name: str | None = None) -> list:
    """Parse a panel file; the format defaults from the extension (.tsv/.txt: tsv, otherwise PanelApp JSON)."""
    from pathlib import Path

    from panels.panelapp import read_panelapp_file
    from panels.tsv import read_panel_tsv

    fmt = fmt or ("tsv" if Path(path).suffix.lower() in (".tsv", ".txt") else "panelapp")
    if fmt not in PANEL_FILE_FORMATS:
        raise ValidationError(f"format {fmt!r} is not one of {', '.join(PANEL_FILE_FORMATS)}")
    if fmt == "tsv":
        return [read_panel_tsv(path, name=name)]
    panels = read_panelapp_file(path)
    if name and len(panels) == 1:
        panels[0].name = name
    return panels


@transaction.atomic
def panel_file_import(path, *, fmt: str | None = None, network: Department | None, author,
                      patient_groups: list[PatientGroup] = (), default_for: list[PatientGroup] = (),
                      signed_off_by=None, name: str | None = None, code: str = "", resolver=None,
                      audit: AuditContext | None = None) -> list[dict]:
    """Every panel of a file, in one transaction: a bad panel anywhere imports none."""
    parsed_panels = panel_file_read(path, fmt=fmt, name=name)
    if code and len(parsed_panels) > 1:
        raise ValidationError(f"{path} holds {len(parsed_panels)} panels; a code names one")
    return [panel_import(parsed, network=network, author=author, patient_groups=patient_groups,
                         default_for=default_for, signed_off_by=signed_off_by, code=code, resolver=resolver,
                         audit=audit)
            for parsed in parsed_panels]


@transaction.atomic
def panel_gene_add(*, version: PanelVersion, symbol: str, by, confidence: str,
                   mode_of_inheritance: str = ModeOfInheritance.UNKNOWN, resolver=None,
                   audit: AuditContext | None = None) -> tuple[PanelEntry, str]:
    """A curator adds a gene to a draft by symbol: resolved like an import (current symbol, HGNC id, Ensembl ids);
    a gene that does not resolve is added, flagged, and the note returned for the curator to see."""
    _require_curator(by, version.panel)  # who may, before what they asked
    symbol = symbol.strip()
    if not symbol:
        raise ValidationError("a gene symbol is needed")
    fields = {"confidence": confidence, "mode_of_inheritance": mode_of_inheritance}
    note = ""
    if resolver is not None:
        resolution = resolver.resolve(symbol)
        note = resolution.note
        if resolution.known:
            symbol = resolution.symbol
            fields.update(hgnc_id=resolution.hgnc_id, ensembl_ids=resolution.ensembl_ids)
    if version.entries.filter(symbol__iexact=symbol).exists():
        raise ValidationError(f"{symbol} is already on {version}")
    entry = panel_entry_set(version=version, symbol=symbol, by=by, audit=audit, **fields)
    if note:
        entry.resolution_note = note[:300]
        entry.save(update_fields=["resolution_note"])
    return entry, note
