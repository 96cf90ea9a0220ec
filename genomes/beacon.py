"""GA4GH Beacon v2 (framework v2.0.x), aggregate only: does the national store hold an allele, and in how many
variants and families. Endpoints info, configuration, map and g_variants (sequence queries by position and
alleles, range queries), granularity boolean or count; never a record, a case or an individual. Patient groups
whose consent does not cover sharing (PatientGroup.beacon_shared off) are left out of every count.

Coordinates follow Beacon v2: ``start`` is 0-based; a range is [start, end) in 0-based terms, i.e. positions
start+1 .. end. The response shapes are validated against the Beacon v2 JSON schemas in the tests.
"""
from __future__ import annotations

import re

from django.conf import settings
from django.db import connection

from genomes.variant_identity import GenomeBuild, is_primary_contig, normalize_contig, xpos

API_VERSION = "v2.0.1"
GRANULARITIES = ("boolean", "count")
REQUESTABLE = ("boolean", "count", "record")
RETURNED_SCHEMAS = [{"entityType": "genomicVariant", "schema": "beacon-g_variant-v2.0.0"}]
MAX_RANGE = 5_000_000
_BASES = re.compile(r"^[ACGTN]{1,1000}$")


class BeaconRequestError(ValueError):
    """A g_variants request the Beacon cannot answer (the message is the Beacon error's)."""


def beacon_id() -> str:
    return settings.BEACON_ID


def _meta(granularity: str, parameters: dict | None = None, requested: str | None = None) -> dict:
    return {"beaconId": beacon_id(), "apiVersion": API_VERSION, "returnedGranularity": granularity,
            "returnedSchemas": RETURNED_SCHEMAS,
            "receivedRequestSummary": {"apiVersion": API_VERSION, "requestedSchemas": RETURNED_SCHEMAS,
                                       "pagination": {"skip": 0, "limit": 0},
                                       # what was asked for, which may be more than is answered
                                       "requestedGranularity": requested if requested in REQUESTABLE else granularity,
                                       # the framework's placeholder is a dictionary of entity -> parameters
                                       **({"requestParameters": {"g_variant": parameters}} if parameters else {})}}


def _informational_meta() -> dict:
    return {"beaconId": beacon_id(), "apiVersion": API_VERSION, "returnedSchemas": RETURNED_SCHEMAS}


def info() -> dict:
    return {"meta": _informational_meta(), "response": {
        "id": beacon_id(), "name": settings.BEACON_NAME, "apiVersion": API_VERSION,
        "environment": settings.BEACON_ENVIRONMENT,
        "description": "Aggregate answers from the national variant database: whether an allele is observed, "
                       "in how many variants and families, across patient groups whose consent covers sharing.",
        "organization": {"id": settings.BEACON_ORGANIZATION_ID, "name": settings.BEACON_ORGANIZATION_NAME}}}


def configuration() -> dict:
    return {"meta": _informational_meta(), "response": {
        "$schema": "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main/framework/json/configuration/"
                   "beaconConfigurationSchema.json",
        "maturityAttributes": {"productionStatus": settings.BEACON_PRODUCTION_STATUS},
        "securityAttributes": {"defaultGranularity": "count", "securityLevels": ["REGISTERED"]},
        "entryTypes": {"genomicVariant": {
            "id": "genomicVariant", "name": "Genomic variants", "partOfSpecification": "Beacon v2.0.0",
            "description": "National variants with at least one observation in a shared patient group",
            "defaultSchema": {"id": "beacon-g_variant-v2.0.0", "name": "Default schema for a genomic variation",
                              "referenceToSchemaDefinition": "./genomicVariations/defaultSchema.json",
                              "schemaVersion": "v2.0.0"}}}}}


def beacon_map(root_url: str) -> dict:
    return {"meta": _informational_meta(), "response": {
        "$schema": "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main/framework/json/configuration/"
                   "beaconMapSchema.json",
        "endpointSets": {"genomicVariant": {"entryType": "genomicVariant", "rootUrl": f"{root_url}g_variants"}}}}


def g_variants(parameters: dict, granularity: str = "count") -> dict:
    """Answer a g_variants query: a sequence query (referenceName, start, referenceBases, alternateBases) or a
    range query (referenceName, start, end), on assemblyId GRCh38 (default) or GRCh37.

    Record granularity is never offered (aggregates only): asked for, it is answered as a count, and the meta says
    so (returnedGranularity beside the requestedGranularity). A count is given only when the families and tumours
    behind it are at least BEACON_MIN_COUNT; below that the answer is boolean (exists, no numbers), since a count
    of one family in a small patient group points at a person."""
    if not isinstance(parameters, dict):
        raise BeaconRequestError("requestParameters must be an object of parameter names and values")
    requested = granularity or "count"
    if requested not in REQUESTABLE:
        raise BeaconRequestError(f"requestedGranularity {str(granularity)[:20]!r}: boolean, count or record")
    granularity = requested if requested in GRANULARITIES else "count"
    build, chrom, low, high, ref, alt = _read(parameters)
    where = ["v.build = %s", "v.xpos BETWEEN %s AND %s"]
    params: list = [build, xpos(chrom, low), xpos(chrom, high)]
    if ref:
        where.append("v.ref = %s")
        params.append(ref)
    if alt and alt != "N":
        where.append("v.alt = %s")
        params.append(alt)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT v.id), coalesce(sum(o.families) FILTER (WHERE o.origin = 'germline'), 0), "
            "coalesce(sum(o.families) FILTER (WHERE o.origin = 'somatic'), 0) FROM genomes_variant v "
            "JOIN genomes_variantobservation o ON o.variant_id = v.id "
            "JOIN interpret_patientgroup pg ON pg.id = o.patient_group_id AND pg.beacon_shared "
            f"WHERE {' AND '.join(where)}", params)
        variants, families, tumours = cursor.fetchone()
    summary = {"exists": variants > 0}
    if granularity == "count" and 0 < families + tumours < settings.BEACON_MIN_COUNT:
        granularity = "boolean"  # too few to count without pointing at someone
    response = {"meta": _meta(granularity, parameters, requested), "responseSummary": summary}
    if granularity == "count":
        summary["numTotalResults"] = variants
        response["info"] = {"germlineFamilies": int(families), "somaticTumours": int(tumours)}
    return response


def _read(parameters: dict) -> tuple[str, str, int, int, str, str]:
    try:
        build = str(GenomeBuild(parameters.get("assemblyId") or "GRCh38"))
    except ValueError:
        raise BeaconRequestError(f"assemblyId {parameters.get('assemblyId')!r}: GRCh38 or GRCh37") from None
    name = str(parameters.get("referenceName") or "")
    chrom = normalize_contig(name)
    if not name or not is_primary_contig(chrom):
        raise BeaconRequestError(f"referenceName {name!r} is not a chromosome")
    start = _integer(parameters, "start")
    ref = str(parameters.get("referenceBases") or "").upper()
    alt = str(parameters.get("alternateBases") or "").upper()
    for name, bases in (("referenceBases", ref), ("alternateBases", alt)):
        if bases and not _BASES.match(bases):
            raise BeaconRequestError(f"{name} must be bases (A, C, G, T, N)")
    if parameters.get("end") not in (None, ""):
        end = _integer(parameters, "end")
        if end <= start or end - start > MAX_RANGE:
            raise BeaconRequestError(f"a range query needs start < end and at most {MAX_RANGE:,} bases")
        return build, chrom, start + 1, end, ref, alt
    if not (ref and alt):
        raise BeaconRequestError("a sequence query needs referenceBases and alternateBases (or give end for a range)")
    return build, chrom, start + 1, start + 1, ref, alt


def _integer(parameters: dict, name: str) -> int:
    value = parameters.get(name)
    if isinstance(value, list):  # start and end may be given as arrays (bracket queries): their first value
        value = value[0] if value else None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BeaconRequestError(f"{name} must be a 0-based integer position") from None
    if number < 0:
        raise BeaconRequestError(f"{name} must not be negative")
    return number


def error_response(message: str, code: int = 400) -> dict:
    return {"meta": _meta("boolean"), "error": {"errorCode": code, "errorMessage": message}}
