"""The Beacon v2 endpoints answer in the shapes of the Beacon v2 JSON schemas (validated against the schemas
copied into tests/data/beacon-v2), with aggregates only, and leave out patient groups without consent."""
import json
from pathlib import Path

import pytest
from jsonschema.validators import validator_for
from referencing import Registry, Resource

from core.models import PatientGroup
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.interpret.national.test_variant_lookup import AGRN_SNV, write_vcf
from tests.public_data import public_file

FRAMEWORK = Path(public_file("beacon-v2/framework/json"))


def _retrieve(uri: str):
    path = Path(uri.removeprefix("file://"))
    return Resource.from_contents(json.loads(path.read_text()))


def validate(document: dict, schema_path: str) -> None:
    path = (FRAMEWORK / schema_path).resolve()
    schema = json.loads(path.read_text())
    registry = Registry(retrieve=_retrieve)
    resource = Resource.from_contents(schema)
    registry = registry.with_resource(path.as_uri(), resource)
    validator = validator_for(schema)({"$ref": path.as_uri()}, registry=registry)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.fixture
def beacon_client(client, alice, dept_a, tmp_path, settings):
    settings.BEACON_MIN_COUNT = 1  # these tests read the counts of one family; the threshold has its own test
    PatientGroup.objects.filter(code="RARE").update(beacon_shared=True)
    single = write_vcf(tmp_path, "s.vcf", ["S"], [(*AGRN_SNV, "0/1")])
    _, job = import_case(dept_a, write_ped(tmp_path, "FS\tS\t0\t0\t1\t2\n", "s.ped"), single,
                         case_identifier="BEACON-1")
    assert job.state == "done", job.error
    client.force_login(alice)
    return client


@pytest.mark.django_db
def test_info_configuration_and_map_follow_the_schemas(beacon_client):
    for url, schema in (("/api/beacon/", "responses/beaconInfoResponse.json"),
                        ("/api/beacon/info", "responses/beaconInfoResponse.json"),
                        ("/api/beacon/configuration", "responses/beaconConfigurationResponse.json"),
                        ("/api/beacon/map", "responses/beaconMapResponse.json")):
        response = beacon_client.get(url)
        assert response.status_code == 200, url
        validate(response.json(), schema)


@pytest.mark.django_db
def test_allele_and_range_queries_answer_with_counts_and_follow_the_schemas(beacon_client):
    chrom, pos, _, ref, alt = AGRN_SNV
    found = beacon_client.get("/api/beacon/g_variants", {"referenceName": "1", "start": pos - 1,
                                                        "referenceBases": ref, "alternateBases": alt,
                                                        "assemblyId": "GRCh38"}).json()
    validate(found, "responses/beaconCountResponse.json")
    assert found["responseSummary"] == {"exists": True, "numTotalResults": 1}
    assert found["info"] == {"germlineFamilies": 1, "somaticTumours": 0}
    assert "BEACON-1" not in json.dumps(found)  # aggregates: no case, no individual

    missing = beacon_client.get("/api/beacon/g_variants", {"referenceName": "chr1", "start": pos - 1,
                                                          "referenceBases": ref, "alternateBases": "T"}).json()
    assert missing["responseSummary"] == {"exists": False, "numTotalResults": 0}
    boolean = beacon_client.post("/api/beacon/g_variants", {"meta": {"apiVersion": "v2.0"}, "query": {
        "requestParameters": {"referenceName": "1", "start": pos - 100, "end": pos + 100},
        "requestedGranularity": "boolean"}}, content_type="application/json").json()
    validate(boolean, "responses/beaconBooleanResponse.json")
    assert boolean["responseSummary"] == {"exists": True}

    # the patient group's consent does not cover sharing: its observations are not counted
    PatientGroup.objects.filter(code="RARE").update(beacon_shared=False)
    hidden = beacon_client.get("/api/beacon/g_variants", {"referenceName": "1", "start": pos - 1,
                                                         "referenceBases": ref, "alternateBases": alt}).json()
    assert hidden["responseSummary"] == {"exists": False, "numTotalResults": 0}

    not_bases = beacon_client.get("/api/beacon/g_variants", {"referenceName": "1", "start": 5,
                                                            "referenceBases": "GX", "alternateBases": "A"})
    assert not_bases.status_code == 400 and "must be bases" in not_bases.json()["error"]["errorMessage"]
    with_nul = beacon_client.get("/api/beacon/g_variants", {"referenceName": "1", "start": 5,
                                                           "referenceBases": "G\x00", "alternateBases": "A"})
    assert with_nul.status_code == 400  # never reaches PostgreSQL, which would answer 500
    bad = beacon_client.get("/api/beacon/g_variants", {"referenceName": "1", "start": "x"})
    assert bad.status_code == 400
    validate(bad.json(), "responses/beaconErrorResponse.json")


@pytest.mark.django_db
def test_no_group_is_shared_by_default_small_counts_are_boolean_and_consent_changes_are_audited(
        beacon_client, settings, client):
    """Issue 25, item 6."""
    from core.models import AuditEvent

    assert PatientGroup.objects.filter(beacon_shared=True).count() == 1  # only what the fixture shared
    assert PatientGroup._meta.get_field("beacon_shared").default is False
    chrom, pos, _, ref, alt = AGRN_SNV
    query = {"referenceName": "1", "start": pos - 1, "referenceBases": ref, "alternateBases": alt}
    settings.BEACON_MIN_COUNT = 5
    few = beacon_client.get("/api/beacon/g_variants", query).json()
    validate(few, "responses/beaconBooleanResponse.json")
    assert few["responseSummary"] == {"exists": True} and "info" not in few
    assert few["meta"]["returnedGranularity"] == "boolean"
    record = beacon_client.post("/api/beacon/g_variants", {"meta": {"apiVersion": "v2.0"}, "query": {
        "requestParameters": query, "requestedGranularity": "record"}}, content_type="application/json").json()
    assert record["meta"]["receivedRequestSummary"]["requestedGranularity"] == "record"
    assert record["meta"]["returnedGranularity"] == "boolean" and "numTotalResults" not in record["responseSummary"]
    settings.BEACON_MIN_COUNT = 1
    record = beacon_client.post("/api/beacon/g_variants", {"meta": {"apiVersion": "v2.0"}, "query": {
        "requestParameters": query, "requestedGranularity": "record"}}, content_type="application/json").json()
    assert record["meta"]["returnedGranularity"] == "count" and "resultSets" not in record
    for body in ([], {"query": []}, {"query": {"requestParameters": [1]}}):
        refused = beacon_client.post("/api/beacon/g_variants", body, content_type="application/json")
        assert refused.status_code == 400, body
        validate(refused.json(), "responses/beaconErrorResponse.json")
    # a change of consent, through the admin site, is audited with its actor
    root = __import__("tests.factories", fromlist=["make_user"]).make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    foetal = PatientGroup.objects.get(code="FOETAL")
    answer = client.post(f"/admin/core/patientgroup/{foetal.pk}/change/", {
        "name": foetal.name, "kind": foetal.kind, "description": foetal.description or "-",
        "retention_popmax": foetal.retention_popmax, "beacon_shared": "on"})
    assert answer.status_code == 302
    row = AuditEvent.objects.get(object_type="patient_group", object_id="FOETAL")
    assert row.username == "root" and row.details == {"changed": {"beacon_shared": [False, True]}}
