"""The case page's phenotype: HPO terms per individual (searched by label, synonym or id), added, switched
between observed and excluded, removed; the genes ranked by them. Thin: genomes.phenotypes stores, the ranking is
interpret.phenotype.ranking."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.web import audit_context, audit_refusal, error_text
from genomes.hpo import HpoTermError, ontology_version, term_search
from genomes.phenotypes import (
    case_phenotype,
    may_edit_phenotype,
    phenotype_term_add,
    phenotype_term_remove,
    proband_terms,
)
from genomes.web import case_for_request
from interpret.phenotype.ranking import METHODS, RankingError, gene_ranking

TOP_GENES = 15


def phenotype_context_of(case, user, *, error: str = "", method: str = "resnik") -> dict:
    terms = proband_terms(case)
    ranking = []
    if terms:
        try:
            ranking = gene_ranking(terms, method=method, top=TOP_GENES, explain=TOP_GENES)
        except RankingError as exc:
            error = error or str(exc)
    return {"case": case, "phenotype": case_phenotype(case), "hpo_version": ontology_version(), "error": error,
            "may_edit": may_edit_phenotype(user, case), "ranking": ranking, "method": method, "methods": METHODS}


def hpo_term_search(request):
    """The search box's suggestions (no patient data: the ontology's terms)."""
    return render(request, "interpret/_hpo_search_results.html",
                  {"terms": term_search(request.GET.get("q", "")[:100]), "target": request.GET.get("target", "")})


def case_phenotype_view(request, case_id: int):
    case = case_for_request(request, case_id)
    method = request.GET.get("method") if request.GET.get("method") in METHODS else "resnik"
    return render(request, "interpret/_case_phenotype.html", phenotype_context_of(case, request.user, method=method))


@require_POST
def case_phenotype_change(request, case_id: int):
    case = case_for_request(request, case_id)
    error = ""
    try:
        if request.POST.get("remove"):
            phenotype_term_remove(case=case, term_id=request.POST["remove"], by=request.user,
                                  individual_id=request.POST.get("individual") or None, audit=audit_context(request))
        else:
            phenotype_term_add(case=case, term=request.POST.get("term", ""), by=request.user,
                               excluded=request.POST.get("excluded") in ("1", "true", "on"),
                               individual_id=request.POST.get("individual") or None, audit=audit_context(request))
    except (HpoTermError, PermissionDenied) as exc:
        audit_refusal(request, exc)
        error = error_text(exc)
    response = render(request, "interpret/_case_phenotype.html", phenotype_context_of(case, request.user, error=error))
    if error:
        response.status_code = 403 if error.startswith("Phenotypes are entered") else 400
    return response
