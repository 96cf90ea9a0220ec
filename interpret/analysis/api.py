"""REST API of case analysis: the variant table's filter engine for scripts."""
from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.patient_reads import patient_rows_read
from core.web import audit_context
from genomes.web import case_for_request
from interpret.analysis.engine import run_analysis
from interpret.analysis.models import FilterRun
from interpret.analysis.output import candidates_as_dicts
from interpret.analysis.presets import preset_or_default
from interpret.rules.scoring import score_weights


class CaseAnalysis(APIView):
    """POST {"preset": name|id, "filters": {...}, "page": 1, "page_size": 100}: the variant table's filter engine
    for scripts. Answers the candidates (same objects as analyse_case --json), the panel versions used and the
    recorded filter run."""

    def post(self, request, case_id: int):
        case = case_for_request(request, case_id)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            page = max(1, int(data.get("page") or 1))
            page_size = min(1000, max(1, int(data.get("page_size") or 100)))
            preset = preset_or_default(data.get("preset"), request.user, case, data.get("filters"))
            result = run_analysis(case, data.get("filters") or {}, preset=preset, user=request.user,
                                  via=FilterRun.Via.API)
        except (ValidationError, ValueError, TypeError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return Response({"error": message}, status=status.HTTP_400_BAD_REQUEST)
        chosen = result.candidates[(page - 1) * page_size: page * page_size]
        patient_rows_read(user=request.user, department=case.department, rows=len(chosen), object_type="case_variants",
                          object_id=case.pk, audit=audit_context(request),
                          details={"filter_run": result.filter_run.pk, "via": "api", "page": page})
        return Response({
            "case": case.identifier, "filter_run": result.filter_run.pk, "settings": result.settings,
            "panel_versions": [{"panel": v.panel.code, "version": v.label} for v in result.panel_versions],
            "count": len(result.candidates), "page": page, "page_size": page_size, "truncated": result.truncated,
            "milliseconds": result.milliseconds, "score_weights": score_weights(),
            "candidates": candidates_as_dicts(result, chosen),
        })


class CaseStructuralVariants(APIView):
    """POST {"filters": {types, min_length, max_length, pass_only, region, genes, overlaps, max_population_af},
    "inheritance": [...], "sort": "position|length|quality", "page": 1, "page_size": 100}: the case's SV/CNV calls
    as the SV tab shows them (interpret.analysis.structural). More than VIEW_PAGE_ROWS at once is an export."""

    def post(self, request, case_id: int):
        from interpret.analysis.kinds import AnalysisInputError, analyse

        case = case_for_request(request, case_id)
        data = request.data
        filters = data.get("filters")
        filters = {} if filters is None else filters
        if not isinstance(filters, dict):
            return Response({"error": "filters: an object of filter names and values"},
                            status=status.HTTP_400_BAD_REQUEST)
        values = {**filters, **{k: data[k] for k in ("inheritance", "sort", "all_calls") if k in data}}
        try:
            page = max(1, int(data.get("page") or 1))
            page_size = min(1000, max(1, int(data.get("page_size") or 100)))
            result = analyse(case, "sv", values, user=request.user, via=FilterRun.Via.API, page=page,
                             page_size=page_size)
        except (AnalysisInputError, ValueError, TypeError) as exc:
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        patient_rows_read(user=request.user, department=case.department, rows=len(result.rows),
                          object_type="structural_variants", object_id=case.pk, audit=audit_context(request),
                          details={"via": "api", "page": page, "filter_run": result.filter_run.pk})
        return Response({"case": case.identifier, "count": result.count, "page": page, "page_size": page_size,
                         "filter_run": result.filter_run.pk, "settings": result.settings, "calls": result.rows})


class CaseRepeatExpansions(APIView):
    """POST {"min_status": "any|pre_mutation|full_mutation", "panel_genes": bool, "panels": [...],
    "disagreements_only": bool, "segregating_only": bool, "reduced_penetrance": bool}: the case's repeat loci as
    the tab shows them (interpret.analysis.repeats), the run recorded; every locus at once (a case has at most a
    few hundred)."""

    def post(self, request, case_id: int):
        from interpret.analysis.kinds import AnalysisInputError, analyse

        case = case_for_request(request, case_id)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            result = analyse(case, "str", data, user=request.user, via=FilterRun.Via.API)
        except (AnalysisInputError, ValueError, TypeError) as exc:
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        patient_rows_read(user=request.user, department=case.department, rows=len(result.rows),
                          object_type="repeat_expansions", object_id=case.pk, audit=audit_context(request),
                          details={"via": "api", "filter_run": result.filter_run.pk})
        return Response({"case": case.identifier, "count": result.count, "filter_run": result.filter_run.pk,
                         "settings": result.settings, "loci": result.rows})


class CaseMitochondrialVariants(APIView):
    """POST {"min_heteroplasmy": 0.05, "pass_only": bool, "genes": [...], "panel_genes": bool,
    "segregating_only": bool, "reduced_penetrance": bool}: the case's mitochondrial alleles as the tab shows them
    (interpret.analysis.mito), the run recorded."""

    def post(self, request, case_id: int):
        from interpret.analysis.kinds import AnalysisInputError, analyse

        case = case_for_request(request, case_id)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            result = analyse(case, "mt", data, user=request.user, via=FilterRun.Via.API)
        except (AnalysisInputError, ValueError, TypeError) as exc:
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        patient_rows_read(user=request.user, department=case.department, rows=len(result.rows),
                          object_type="mitochondrial_variants", object_id=case.pk, audit=audit_context(request),
                          details={"via": "api", "filter_run": result.filter_run.pk})
        return Response({"case": case.identifier, "count": result.count, "filter_run": result.filter_run.pk,
                         "settings": result.settings, "alleles": result.rows})
