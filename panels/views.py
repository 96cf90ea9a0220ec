"""Panel pages: browse by patient group, a version's gene table, compare, and the curator's draft workflow.

Panels hold no patient data, so every signed-in user may read them; only curators of the owning GenNet network
change them (the services decide, the views pass on their answers).
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.models import PatientGroup
from core.web import audit_context, audit_refusal, error_text
from panels import services
from panels.export import CONTENT_TYPES, FORMATS, export_filename, panel_version_export
from panels.genes import configured_gene_resolver
from panels.models import Confidence, ModeOfInheritance, PanelVersion
from panels.selectors import panel_get, panel_version_get, panel_with_versions, user_curates, versions_diff
from panels.selectors import panel_list as panel_list_of_group


def panel_list(request):
    group = None
    if request.GET.get("group"):
        group = get_object_or_404(PatientGroup, code=request.GET["group"])
    panels = panel_list_of_group(group)
    return render(request, "panels/panel_list.html", {
        "panels": panels, "group": group, "groups": PatientGroup.objects.order_by("number"),
        "active_group": group.code if group else None,
    })


def panel_detail(request, code: str):
    panel = panel_with_versions(panel_get(code))
    versions = list(panel.versions.all())
    return render(request, "panels/panel_detail.html", {
        "panel": panel, "versions": versions, "can_curate": user_curates(request.user, panel),
        "has_open_version": any(v.status in ("draft", "in_review") for v in versions),
        "groups": panel.patient_groups.order_by("number"), "defaults": panel.default_for.order_by("number"),
    })


def _version_context(request, version: PanelVersion, **extra) -> dict:
    can_curate = user_curates(request.user, version.panel)
    return {
        "panel": version.panel, "version": version, "entries": version.entries.order_by("symbol"),
        "can_edit": can_curate and version.status == PanelVersion.Status.DRAFT,
        "can_sign_off": can_curate and version.status == PanelVersion.Status.IN_REVIEW
        and version.created_by_id != request.user.pk,
        "is_author": version.created_by_id == request.user.pk, "can_curate": can_curate,
        "confidences": Confidence.choices, "modes": ModeOfInheritance.choices, "formats": FORMATS,
        "counts": {c: version.entries.filter(confidence=c).count() for c in Confidence.values},
        **extra,
    }


def panel_version_detail(request, code: str, label: str):
    try:
        version = panel_version_get(panel_get(code), label)
    except ValidationError as exc:
        return HttpResponse(error_text(exc), status=400)
    return render(request, "panels/version_detail.html", _version_context(request, version))


def _draft_genes_partial(request, version: PanelVersion, *, error: str = "", note: str = ""):
    version.refresh_from_db()
    return render(request, "panels/_gene_table.html", _version_context(request, version, error=error, note=note))


@require_POST
def draft_gene_add(request, code: str, label: str):
    version = panel_version_get(panel_get(code), label)
    note = error = ""
    try:
        entry, note = services.panel_gene_add(
            version=version, symbol=request.POST.get("symbol", ""), by=request.user,
            confidence=request.POST.get("confidence", ""),
            mode_of_inheritance=request.POST.get("mode_of_inheritance") or ModeOfInheritance.UNKNOWN,
            resolver=configured_gene_resolver())
        if note:
            note = f"{entry.symbol} added. {note}."
    except (ValidationError, PermissionDenied) as exc:
        audit_refusal(request, exc)
        error = error_text(exc)
    return _draft_genes_partial(request, version, error=error, note=note)


@require_POST
def draft_gene_change(request, code: str, label: str, symbol: str):
    version = panel_version_get(panel_get(code), label)
    error = ""
    try:
        if request.POST.get("action") == "remove":
            services.panel_entry_remove(version=version, symbol=symbol, by=request.user, audit=audit_context(request))
        else:
            changes = {name: request.POST[name] for name in ("confidence", "mode_of_inheritance")
                       if request.POST.get(name)}
            if not version.entries.filter(symbol=symbol).exists():
                raise ValidationError(f"{symbol} is not on {version}")
            services.panel_entry_set(
                version=version, symbol=symbol, by=request.user, audit=audit_context(request), **changes
            )
    except (ValidationError, PermissionDenied) as exc:
        audit_refusal(request, exc)
        error = error_text(exc)
    return _draft_genes_partial(request, version, error=error)


@require_POST
def version_transition(request, code: str, label: str, action: str):
    """submit, return (to draft), publish (sign off) or retire (a published version)."""
    version = panel_version_get(panel_get(code), label)
    try:
        if action == "submit":
            services.panel_version_submit(version=version, by=request.user, audit=audit_context(request))
            messages.success(request, f"Version {version.label} submitted for review by a second curator.")
        elif action == "return":
            services.panel_version_return_to_draft(version=version, by=request.user, audit=audit_context(request),
                                                   comment=request.POST.get("comment", ""))
            messages.info(request, f"Version {version.label} returned to draft.")
        elif action == "publish":
            previous = version.panel.current_version()
            services.panel_version_publish(version=version, signed_off_by=request.user, audit=audit_context(request))
            messages.success(request, f"Version {version.label} signed off and published.")
            if previous is not None:
                return redirect(reverse("panel_compare", args=[code]) + f"?from={previous.label}&to={version.label}")
        elif action == "retire":
            services.panel_version_retire(version=version, by=request.user, audit=audit_context(request))
            messages.info(request, f"Version {version.label} retired: analyses no longer use it by default.")
        else:
            return HttpResponse(status=404)
    except (ValidationError, PermissionDenied) as exc:
        audit_refusal(request, exc)
        messages.error(request, error_text(exc))
    return redirect("panel_version_detail", code=code, label=version.label)


@require_POST
def draft_create(request, code: str):
    panel = panel_get(code)
    try:
        draft = services.panel_version_draft(panel=panel, created_by=request.user, audit=audit_context(request),
                                             major=request.POST.get("major") == "1",
                                             comment=request.POST.get("comment", ""))
    except (ValidationError, PermissionDenied) as exc:
        audit_refusal(request, exc)
        messages.error(request, error_text(exc))
        return redirect("panel_detail", code=code)
    return redirect("panel_version_detail", code=code, label=draft.label)


def panel_compare(request, code: str):
    panel = panel_with_versions(panel_get(code))
    versions = list(panel.versions.all())
    context = {"panel": panel, "versions": versions, "diff": None}
    if len(versions) >= 2:
        old_label = request.GET.get("from") or versions[1].label
        new_label = request.GET.get("to") or versions[0].label
        try:
            old, new = panel_version_get(panel, old_label), panel_version_get(panel, new_label)
        except ValidationError as exc:
            return HttpResponse(error_text(exc), status=400)
        context.update(old=old, new=new, diff=versions_diff(old, new))
    return render(request, "panels/compare.html", context)


def panel_version_download(request, code: str, label: str, fmt: str):
    version = panel_version_get(panel_get(code), label)
    if fmt not in FORMATS:
        return HttpResponse(f"format {fmt} is not one of {', '.join(FORMATS)}", status=404)
    build = request.GET.get("build", "GRCh38")
    if build not in ("GRCh37", "GRCh38"):
        return HttpResponse("build is GRCh37 or GRCh38", status=400)
    response = HttpResponse(panel_version_export(version, fmt=fmt, build=build), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(version, fmt, build)}"'
    return response
