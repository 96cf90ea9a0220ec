"""Phenotypes (issue 27): HPO terms per individual, validated against the pinned ontology, entered on the case page
(search by label, synonym or id), with import_case --hpo/--phenopacket and through the API; bad input named and
nothing stored; every change audited; the Phenopacket export carries them."""
import io
import json

import pytest
from django.core.management import call_command

from core.models import AuditEvent, Role
from genomes.hpo import HpoTermError, term_resolve, term_search
from genomes.models import Case, PhenotypeTerm
from genomes.phenotypes import phenotype_entries
from tests.factories import make_department, make_user
from tests.interpret.phenotype.conftest import phenopacket_file

pytestmark = pytest.mark.django_db


def test_terms_are_checked_against_the_pinned_ontology_and_obsolete_ids_replaced_with_a_note():
    assert term_resolve("HP:0001250", field="x").label == "Seizure"
    with pytest.raises(HpoTermError, match=r"--hpo\[0\]: 'HP:12' is not an HPO term id"):
        phenotype_entries(["HP:12"], observed_field="--hpo")
    with pytest.raises(HpoTermError, match="HP:9999999 is not a term of the HPO version used"):
        term_resolve("HP:9999999", field="term")
    obsolete = term_resolve("HP:0000057", field="term")  # obsolete in the pinned HPO
    assert (obsolete.term_id, obsolete.given_id) == ("HP:0008665", "HP:0000057")
    assert obsolete.note.startswith("HP:0000057 is obsolete; replaced by HP:0008665")
    with pytest.raises(HpoTermError, match="HP:0001250 \\(Seizure\\) is both observed and excluded"):
        phenotype_entries(["HP:0001250"], ["HP:0001250"])
    # the search box: a synonym finds its term, an exact label first
    assert term_search("epilepsy")[0] == {"id": "HP:0001250", "label": "Seizure", "matched": "synonym: Epilepsy"}
    assert term_search("Seizure")[0]["id"] == "HP:0001250"
    assert term_search("HP:0000057")[0]["id"] == "HP:0008665"


def test_import_case_takes_terms_and_phenopackets_and_refuses_bad_ones_before_storing_anything(dept_a, tmp_path):
    from tests.genomes.importing.test_import_case import write_ped
    from tests.interpret.phenotype.conftest import HEADER, record

    vcf = tmp_path / "kid.vcf"
    vcf.write_text(HEADER + record("AGRN", 1_040_000))
    ped = write_ped(tmp_path, "PH-2\tKID\t0\t0\t2\t2\n", "ph.ped")
    base = ["import_case", "--patient-group", "RARE", "--department", dept_a.code, "--ped", str(ped), "--vcf",
            str(vcf), "--wait"]
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(*base, "--hpo", "HP:0001250", "--hpo", "HP:123", stdout=io.StringIO(), stderr=err)
    assert "--hpo[1]: 'HP:123' is not an HPO term id" in err.getvalue() and not Case.objects.exists()
    out = io.StringIO()
    call_command(*base, "--hpo", "HP:0001250", "--hpo", "HP:0000057", stdout=out)
    outcome = json.loads(out.getvalue())
    assert outcome["phenotype"]["observed"] == ["HP:0001250", "HP:0008665"]
    assert outcome["phenotype"]["replaced_obsolete"][0].startswith("HP:0000057 is obsolete")
    assert PhenotypeTerm.objects.get(term_id="HP:0008665").given_id == "HP:0000057"
    # a Phenopacket: its subject is not an individual of the case, so its terms go to the proband
    path, packet = phenopacket_file(tmp_path)
    out = io.StringIO()
    call_command(*base, "--replace", "--phenopacket", str(path), stdout=out)
    stored = json.loads(out.getvalue())["phenotype"]
    assert stored["individual"] == "KID" and sorted(stored["observed"]) == sorted(
        f["type"]["id"] for f in packet["phenotypicFeatures"] if not f.get("excluded"))
    assert set(PhenotypeTerm.objects.values_list("source", flat=True)) == {"phenopacket"}
    # another schema version: refused naming the field, the terms kept as they were
    packet["metaData"]["phenopacketSchemaVersion"] = "1.0"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(packet))
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(*base, "--replace", "--phenopacket", str(old), stdout=io.StringIO(), stderr=err)
    assert "old.json: metaData.phenopacketSchemaVersion is '1.0'" in err.getvalue()
    assert PhenotypeTerm.objects.count() == len(stored["observed"]) + len(stored["excluded"])


def test_the_case_page_adds_and_removes_terms_audited_and_the_api_reads_and_replaces_them(thirteen_genes, alice,
                                                                                         client):
    case = thirteen_genes
    client.force_login(alice)
    assert "HP:0001250" in client.get("/hpo/search/", {"q": "epilepsy"}).content.decode()
    page = client.post(f"/cases/{case.pk}/phenotype/change/", {"term": "HP:0000545", "individual": "KID"})
    assert page.status_code == 200 and "Myopia" in page.content.decode()
    excluded = client.post(f"/cases/{case.pk}/phenotype/change/", {"term": "HP:0001250", "excluded": "1"})
    assert "not Seizure" in excluded.content.decode()
    bad = client.post(f"/cases/{case.pk}/phenotype/change/", {"term": "HP:00"})
    assert bad.status_code == 400 and "is not an HPO term id" in bad.content.decode()
    client.post(f"/cases/{case.pk}/phenotype/change/", {"remove": "HP:0001250", "individual": "KID"})
    assert list(PhenotypeTerm.objects.values_list("term_id", "excluded")) == [("HP:0000545", False)]
    assert AuditEvent.objects.filter(object_type="phenotype_terms", username="alice").count() == 3
    # the API: read, replace all at once (refused whole when one term is bad), and the gene ranking
    api = f"/api/cases/{case.pk}/phenotype/"
    assert client.get(api).json()["individuals"]["KID"]["observed"][0]["id"] == "HP:0000545"
    refused = client.put(api, {"observed": ["HP:0000175", "HP:0000000x"]}, content_type="application/json")
    assert refused.status_code == 400 and "observed[1]" in refused.json()["error"]
    replaced = client.put(api, {"observed": ["HP:0000545", "HP:0000175", "HP:0000365", "HP:0001382"],
                                "excluded": ["HP:0001250"]}, content_type="application/json").json()
    assert len(replaced["individuals"]["KID"]["observed"]) == 4 and "Human Phenotype Ontology" in \
        replaced["acknowledgement"]
    genes = client.get(f"/api/cases/{case.pk}/phenotype/genes/", {"top": 10}).json()["genes"]
    assert "COL11A1" in [g["symbol"] for g in genes] and genes[0]["matched_terms"]
    # the case page's section shows the ranking and the HPO version
    section = client.get(f"/cases/{case.pk}/phenotype/").content.decode()
    assert 'data-testid="ranked-gene"' in section and "Human Phenotype Ontology (version" in section
    # another department learns nothing, a tumour board member of the department may not enter terms
    client.force_login(make_user("bo", department=make_department("kg-x"), role=Role.CLINICAL_GENETICIST))
    assert client.get(api).status_code == 404


def test_the_phenopacket_export_carries_observed_and_excluded_terms(thirteen_genes, alice, client):
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    client.force_login(alice)
    client.put(f"/api/cases/{thirteen_genes.pk}/phenotype/", {"observed": ["HP:0000545"], "excluded": ["HP:0001250"]},
               content_type="application/json")
    packet = json_format.Parse(client.get(f"/cases/{thirteen_genes.pk}/phenopacket.json").content.decode(),
                               Phenopacket())
    assert [(f.type.id, f.excluded) for f in packet.phenotypic_features] == [("HP:0000545", False),
                                                                              ("HP:0001250", True)]
