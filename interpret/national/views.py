"""The national variant search page and its API: one lookup (interpret.national.lookup) behind both."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.web import audit_context, audit_refusal, request_token
from genomes.variant_search import SearchError
from interpret.national.lookup import variant_lookup

BUILDS = ("GRCh38", "GRCh37")


def variant_search(request):
    query, build = request.GET.get("q", "").strip(), request.GET.get("build", "GRCh38")
    answer, error = None, ""
    if query:
        try:
            answer = variant_lookup(query=query, build=build, user=request.user, audit=audit_context(request))
        except PermissionDenied as refusal:
            audit_refusal(request, refusal, object_type="variant_lookup", object_id=query[:100])
            raise
        except SearchError as problem:
            error = str(problem)
    return render(request, "interpret/variant_search.html",
                  {"query": query, "build": build, "builds": BUILDS, "answer": answer, "error": error})


class LookupQuery(serializers.Serializer):
    q = serializers.CharField(help_text="a position (chr1:1051352 G>A), region, rsID, gene or HGVS c./n./p.")
    build = serializers.ChoiceField(choices=BUILDS, default="GRCh38")


class VariantLookup(APIView):
    """GET ?q=...&build=...: the matched national variants with observations, every department's final
    classifications, and the caller's own cases carrying them (the contract of ``manage.py variant_lookup``)."""

    def get(self, request):
        params = LookupQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            return Response(variant_lookup(query=params.validated_data["q"], build=params.validated_data["build"],
                                           user=request.user, token=request_token(request),
                                           audit=audit_context(request)))
        except PermissionDenied as refusal:
            audit_refusal(request, refusal, object_type="variant_lookup", object_id=params.validated_data["q"][:100])
            raise
        except SearchError as problem:
            raise ValidationError({"q": [str(problem)]}) from None
