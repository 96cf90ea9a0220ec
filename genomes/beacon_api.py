"""Beacon v2 endpoints (genomes.beacon) under /api/beacon/: for signed-in users and API tokens, audited."""
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import Action
from core.parsers import BoundedJSONParser
from core.web import audit_request
from genomes import beacon


class BeaconInfo(APIView):
    def get(self, request):
        return Response(beacon.info())


class BeaconConfiguration(APIView):
    def get(self, request):
        return Response(beacon.configuration())


class BeaconMap(APIView):
    def get(self, request):
        return Response(beacon.beacon_map(request.build_absolute_uri("/api/beacon/")))


class BeaconGenomicVariants(APIView):
    """GET with the request parameters in the query string, or POST a Beacon request body
    ({"meta": {...}, "query": {"requestParameters": {...}, "requestedGranularity": "count"}})."""

    parser_classes = [BoundedJSONParser]  # a body of another shape gets a Beacon error answer, below

    def get(self, request):
        parameters = {key: request.query_params.get(key) for key in request.query_params}
        return self._answer(request, parameters, parameters.pop("requestedGranularity", None) or "count")

    def post(self, request):
        body = request.data if isinstance(request.data, dict) else None
        query = (body or {}).get("query")
        if body is None or not isinstance(query or {}, dict):
            return Response(beacon.error_response("the body must be a Beacon request: {\"meta\": {...}, "
                                                  "\"query\": {\"requestParameters\": {...}}}"), status=400)
        query = query or {}
        return self._answer(request, query.get("requestParameters") or {}, query.get("requestedGranularity") or "count")

    def _answer(self, request, parameters: dict, granularity: str):
        try:
            answer = beacon.g_variants(parameters, granularity)
        except beacon.BeaconRequestError as error:
            return Response(beacon.error_response(str(error)), status=400)
        audit_request(request, action=Action.VIEW, object_type="beacon_query", object_id="g_variants",
                      details={"parameters": {str(k)[:40]: str(v)[:100] for k, v in parameters.items()},
                               "exists": answer["responseSummary"]["exists"]})
        return Response(answer)
