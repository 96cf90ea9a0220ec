"""REST API of phenotypes: the HPO term search, a case's terms per individual (read, replaced, or taken from a
GA4GH Phenopacket v2), and the genes ranked by the proband's terms. The same services, rights and audit rows as
the case page."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.web import audit_context, audit_refusal, error_text
from genomes.hpo import HpoTermError, hpo_acknowledgement, ontology_version, term_search
from genomes.phenotypes import (
    case_phenotype,
    phenopacket_phenotype,
    phenotype_entries,
    phenotypes_replace,
    proband_terms,
)
from genomes.web import case_for_request
from interpret.phenotype.ranking import METHODS, RankingError, gene_ranking


def _terms_json(case) -> dict:
    return {"case": case.identifier, "hpo_version": ontology_version(), "acknowledgement": hpo_acknowledgement(),
            "individuals": {individual: {kind: [{"id": t.term_id, "label": t.label, "onset": t.onset,
                                                 "given_id": t.given_id, "note": t.note, "source": t.source}
                                                for t in listed] for kind, listed in kinds.items()}
                            for individual, kinds in case_phenotype(case).items()}}


class HpoTerms(APIView):
    """GET ?q=TEXT: HPO terms whose id, label or synonym matches (the pinned ontology's; no patient data)."""

    def get(self, request):
        return Response({"hpo_version": ontology_version(), "acknowledgement": hpo_acknowledgement(),
                         "terms": term_search(str(request.query_params.get("q", ""))[:100])})


class CasePhenotype(APIView):
    """GET: every individual's observed and excluded terms. PUT {"individual": ID (default the proband),
    "observed": [HP:...], "excluded": [HP:...]}: the individual's terms replaced, all or nothing. POST
    {"phenopacket": {...}}: the terms of a GA4GH Phenopacket v2 for its subject (an individual of the case, else
    the proband)."""

    def get(self, request, case_id: int):
        return Response(_terms_json(case_for_request(request, case_id)))

    def _replace(self, request, case, entries, individual, source):
        try:
            phenotypes_replace(case=case, entries=entries, by=request.user, source=source,
                               individual_id=individual, audit=audit_context(request))
        except (HpoTermError, PermissionDenied) as error:
            audit_refusal(request, error)
            return Response({"error": error_text(error)},
                            status=403 if isinstance(error, PermissionDenied) else 400)
        return Response(_terms_json(case))

    def put(self, request, case_id: int):
        case = case_for_request(request, case_id)
        data = request.data if isinstance(request.data, dict) else {}
        observed, excluded = data.get("observed") or [], data.get("excluded") or []
        if not isinstance(observed, list) or not isinstance(excluded, list):
            return Response({"error": "observed and excluded are lists of HPO ids"}, status=400)
        try:
            entries = phenotype_entries([str(t) for t in observed], [str(t) for t in excluded])
        except HpoTermError as error:
            return Response({"error": str(error)}, status=400)
        return self._replace(request, case, entries, data.get("individual") or None, "api")

    def post(self, request, case_id: int):
        case = case_for_request(request, case_id)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            packet = phenopacket_phenotype(data.get("phenopacket"), name="phenopacket")
        except HpoTermError as error:
            return Response({"error": str(error)}, status=400)
        subject = packet.subject_id if case.individuals.filter(individual_id=packet.subject_id).exists() else None
        return self._replace(request, case, packet.entries, subject, "phenopacket")


class CasePhenotypeGenes(APIView):
    """GET ?method=resnik|lin|count&top=N: the annotated genes ranked by the proband's observed terms."""

    def get(self, request, case_id: int):
        case = case_for_request(request, case_id)
        method = request.query_params.get("method") or "resnik"
        try:
            top = min(max(int(request.query_params.get("top") or 50), 1), 500)
            ranking = gene_ranking(proband_terms(case), method=method, top=top, explain=min(top, 50))
        except (ValueError, RankingError) as error:
            return Response({"error": str(error), "methods": list(METHODS)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"case": case.identifier, "terms": proband_terms(case), "method": method,
                         "hpo_version": ontology_version(), "genes": ranking})
