"""REST API for panels: list, read, export for every authenticated caller; drafts, gene edits, submit and publish
for curators of the owning GenNet network (a token must also be scoped to that network)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InputFileError
from core.models import Department, PatientGroup
from core.parsers import ObjectJSONParser
from core.web import audit_context, audit_refusal, request_token
from panels import services
from panels.export import CONTENT_TYPES, FORMATS, panel_version_export
from panels.genes import configured_gene_resolver
from panels.models import Panel, PanelVersion
from panels.selectors import panel_get, panel_version_get, panels_for_group, version_entries, versions_diff


class VersionSummarySerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="label")
    created_by = serializers.CharField(source="created_by.username", default=None)
    signed_off_by = serializers.CharField(source="signed_off_by.username", default=None)

    class Meta:
        model = PanelVersion
        fields = ["version", "status", "created_by", "created_at", "submitted_at", "signed_off_by", "published_at",
                  "comment"]


class PanelSerializer(serializers.ModelSerializer):
    network = serializers.CharField(source="network.code")
    patient_groups = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    default_for = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Panel
        fields = ["id", "code", "name", "description", "network", "patient_groups", "default_for", "source",
                  "current_version"]

    def get_current_version(self, panel) -> str | None:
        current = panel.current_version()
        return current.label if current else None


def _api_error(request, exc: Exception):
    if isinstance(exc, InputFileError):
        return Response({"error": str(exc), **exc.as_dict()}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        audit_refusal(request, exc)
        return Response({"error": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ValidationError):
        return Response({"error": "; ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    raise exc


def _require_token_scope(request, network: Department) -> None:
    token = request_token(request)
    if token is not None and not token.departments.filter(pk=network.pk).exists():
        raise PermissionDenied(f"This API token is not scoped to {network.code}.")


class PanelList(APIView):
    def get(self, request):
        group = None
        if request.query_params.get("patient_group"):
            group = PatientGroup.objects.filter(code=request.query_params["patient_group"]).first()
            if group is None:
                return Response({"error": "unknown patient group"}, status=status.HTTP_400_BAD_REQUEST)
        return Response(PanelSerializer(panels_for_group(group), many=True).data)


class PanelDetail(APIView):
    def get(self, request, code: str):
        panel = panel_get(code)
        data = PanelSerializer(panel).data
        data["versions"] = VersionSummarySerializer(panel.versions.order_by("-major", "-minor"), many=True).data
        return Response(data)


class PanelVersionDetail(APIView):
    def get(self, request, code: str, label: str):
        try:
            version = panel_version_get(panel_get(code), label)
        except ValidationError as exc:
            return _api_error(request, exc)
        data = VersionSummarySerializer(version).data
        data.update(panel=version.panel.code, genes=version_entries(version),
                    changes_from_previous=versions_diff(version.based_on, version) if version.based_on else None)
        return Response(data)


class PanelVersionExport(APIView):
    def get(self, request, code: str, label: str):
        fmt = request.query_params.get("format", "json")
        build = request.query_params.get("build", "GRCh38")
        if fmt not in FORMATS or build not in ("GRCh37", "GRCh38"):
            return Response({"error": f"format is one of {', '.join(FORMATS)}; build GRCh37 or GRCh38"},
                            status=status.HTTP_400_BAD_REQUEST)
        version = panel_version_get(panel_get(code), label)
        return HttpResponse(panel_version_export(version, fmt=fmt, build=build), content_type=CONTENT_TYPES[fmt])


class PanelImport(APIView):
    """POST multipart: file, and optionally format (panelapp|tsv), network, patient_group (repeatable), code, name.
    Creates a draft authored by the caller; publishing is a separate call by a second curator."""

    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"error": "file is required"}, status=status.HTTP_400_BAD_REQUEST)
        network = None
        if request.data.get("network"):
            network = Department.objects.filter(code=request.data["network"],
                                                kind=Department.Kind.EXPERT_NETWORK).first()
            if network is None:
                return Response({"error": f"{request.data['network']} is not a GenNet expert network"},
                                status=status.HTTP_400_BAD_REQUEST)
            _require_token_scope(request, network)
        groups = list(PatientGroup.objects.filter(code__in=request.data.getlist("patient_group")))
        with tempfile.TemporaryDirectory() as folder:
            # The file keeps the uploaded name, so errors name the file the caller knows.
            path = Path(folder) / Path(upload.name).name
            with open(path, "wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                if network is None:
                    existing = services.panel_owner(path, fmt=request.data.get("format") or None,
                                                    code=request.data.get("code", ""))
                    if existing is not None:
                        _require_token_scope(request, existing.network)
                summaries = services.panel_file_import(
                    path, fmt=request.data.get("format") or None, network=network, author=request.user,
                    patient_groups=groups, code=request.data.get("code", ""), name=request.data.get("name") or None,
                    resolver=configured_gene_resolver())
            except (InputFileError, ValidationError, DjangoPermissionDenied) as exc:
                return _api_error(request, exc)
        return Response(summaries, status=status.HTTP_201_CREATED)


class _VersionAction(APIView):
    parser_classes = [ObjectJSONParser, MultiPartParser]

    def version(self, request, code: str, label: str) -> PanelVersion:
        version = panel_version_get(panel_get(code), label)
        _require_token_scope(request, version.panel.network)
        return version


class PanelDraftCreate(_VersionAction):
    def post(self, request, code: str):
        panel = panel_get(code)
        _require_token_scope(request, panel.network)
        try:
            draft = services.panel_version_draft(panel=panel, created_by=request.user, audit=audit_context(request),
                                                 major=bool(request.data.get("major")),
                                                 comment=request.data.get("comment", ""))
        except (ValidationError, DjangoPermissionDenied) as exc:
            return _api_error(request, exc)
        return Response(VersionSummarySerializer(draft).data, status=status.HTTP_201_CREATED)


class PanelDraftGenes(_VersionAction):
    """POST {"symbol", "confidence", "mode_of_inheritance"} adds a gene to a draft (one gene: PanelDraftGene)."""

    def post(self, request, code: str, label: str):
        version = self.version(request, code, label)
        try:
            entry, note = services.panel_gene_add(
                version=version, symbol=request.data.get("symbol", ""), by=request.user,
                confidence=request.data.get("confidence", ""),
                mode_of_inheritance=request.data.get("mode_of_inheritance") or "unknown",
                resolver=configured_gene_resolver())
        except (ValidationError, DjangoPermissionDenied) as exc:
            return _api_error(request, exc)
        return Response({"symbol": entry.symbol, "hgnc_id": entry.hgnc_id, "confidence": entry.confidence,
                         "mode_of_inheritance": entry.mode_of_inheritance, "note": note},
                        status=status.HTTP_201_CREATED)



class PanelDraftGene(_VersionAction):
    """PATCH {"confidence"|"mode_of_inheritance"} changes a gene of a draft; DELETE removes it. (These were
    methods of the genes list view, so a PATCH of the list answered 500 for want of a symbol: schemathesis.)"""

    def patch(self, request, code: str, label: str, symbol: str):
        version = self.version(request, code, label)
        changes = {k: request.data[k] for k in ("confidence", "mode_of_inheritance") if k in request.data}
        try:
            if not version.entries.filter(symbol=symbol).exists():
                raise ValidationError(f"{symbol} is not on {version}")
            services.panel_entry_set(
                version=version, symbol=symbol, by=request.user, audit=audit_context(request), **changes
            )
        except (ValidationError, DjangoPermissionDenied) as exc:
            return _api_error(request, exc)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def delete(self, request, code: str, label: str, symbol: str):
        version = self.version(request, code, label)
        try:
            services.panel_entry_remove(version=version, symbol=symbol, by=request.user, audit=audit_context(request))
        except (ValidationError, DjangoPermissionDenied) as exc:
            return _api_error(request, exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PanelVersionTransition(_VersionAction):
    """POST .../submit/ (author), .../return/ (back to draft, with a "comment"), .../publish/ (sign-off by a
    second curator) or .../retire/ (a published version no longer offered to analyses)."""

    def post(self, request, code: str, label: str, action: str):
        version = self.version(request, code, label)
        try:
            if action == "submit":
                services.panel_version_submit(version=version, by=request.user, audit=audit_context(request))
            elif action == "return":
                services.panel_version_return_to_draft(version=version, by=request.user, audit=audit_context(request),
                                                       comment=request.data.get("comment", ""))
            elif action == "publish":
                services.panel_version_publish(
                    version=version, signed_off_by=request.user, audit=audit_context(request)
                )
            elif action == "retire":
                services.panel_version_retire(version=version, by=request.user, audit=audit_context(request))
            else:
                return Response({"error": f"unknown action {action}"}, status=status.HTTP_404_NOT_FOUND)
        except (ValidationError, DjangoPermissionDenied) as exc:
            return _api_error(request, exc)
        version.refresh_from_db()
        return Response(VersionSummarySerializer(version).data)
