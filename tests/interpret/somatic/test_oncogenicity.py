"""Oncogenicity (ClinGen/CGC/VICC 2022): points at every class boundary, suggestions only where the data allow,
and the store's draft -> submitted -> final with two people, kept apart from germline classifications."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Role
from interpret.cancer.oncogenicity import OncogenicityFacts, combine, oncogenicity_class, protein_change, suggest
from interpret.classification.models import Classification
from tests.factories import make_user


@pytest.mark.parametrize("points, expected", [
    (10, "oncogenic"), (9, "likely_oncogenic"), (6, "likely_oncogenic"), (5, "uncertain_significance"),
    (0, "uncertain_significance"), (-1, "likely_benign"), (-6, "likely_benign"), (-7, "benign")])
def test_every_class_boundary(points, expected):
    assert oncogenicity_class(points) == expected


@pytest.mark.parametrize("codes, points, expected", [
    (["OVS1", "OM3"], 10, "oncogenic"),
    (["OVS1", "OP1"], 9, "likely_oncogenic"),
    (["OS3", "OM1"], 6, "likely_oncogenic"),
    (["OS3", "OP4"], 5, "uncertain_significance"),
    (["SBP1"], -1, "likely_benign"),
    (["SBS1", "SBP1", "SBP2"], -6, "likely_benign"),
    (["SBVS1"], -8, "benign"),
    (["SBS1", "SBS2"], -8, "benign"),
])
def test_combined_points(codes, points, expected):
    result = combine(codes)
    assert (result["points"], result["class"]) == (points, expected)


def facts(**changes):
    base = dict(gene="TP53", consequence="stop_gained", gene_role="tsg", protein_change="R196*", hotspot=None,
                frequencies_annotated=True, popmax=None, revel=None, revel_annotated=True, spliceai=None,
                spliceai_annotated=True)
    return OncogenicityFacts(**{**base, **changes})


def codes(f):
    return sorted(s["code"] for s in suggest(f)[0])


def test_null_in_tumour_suppressor_is_ovs1_but_not_in_an_oncogene():
    assert "OVS1" in codes(facts())
    assert "OVS1" not in codes(facts(gene="KRAS", gene_role="oncogene"))
    assert "OVS1" not in codes(facts(gene_role=None))


def test_hotspot_counts_choose_os3_om3_or_op3():
    spot = {"residue": "V617", "residue_samples": 115, "change_samples": 115}
    assert "OS3" in codes(facts(consequence="missense_variant", hotspot=spot))
    assert "OM3" in codes(facts(consequence="missense_variant", hotspot={**spot, "residue_samples": 40,
                                                                          "change_samples": 28}))
    assert "OP3" in codes(facts(consequence="missense_variant", hotspot={**spot, "change_samples": 3}))


def test_frequency_criteria_and_nothing_on_missing_data():
    assert "OP4" in codes(facts())
    assert "SBS1" in codes(facts(popmax=0.02))
    assert "SBVS1" in codes(facts(popmax=0.2))
    missing = facts(consequence=None, protein_change=None, frequencies_annotated=False, revel_annotated=False,
                    spliceai_annotated=False)
    assert codes(missing) == []
    reasons = {c["criterion"]: c["reason"] for c in suggest(missing)[1]}
    assert "not annotated" in reasons["OP4"] and "not annotated" in reasons["OVS1"]


def test_predictors_and_synonymous():
    assert "OP1" in codes(facts(consequence="missense_variant", revel=0.9))
    assert "SBP1" in codes(facts(consequence="missense_variant", revel=0.05))
    assert "SBP2" in codes(facts(consequence="synonymous_variant", spliceai=0.01))
    assert "SBP2" not in codes(facts(consequence="synonymous_variant", spliceai_annotated=False))


def test_protein_change_parsing():
    assert protein_change("ENSP00000371067.3:p.Val617Phe") == ("V617", 617, "V617F")
    assert protein_change("p.Trp288CysfsTer12") == ("W288", 288, "W288fs")
    assert protein_change("p.R132") == ("R132", 132, "R132")
    assert protein_change(None) is None


@pytest.mark.django_db
def test_oncogenicity_in_the_store_two_people_and_apart_from_germline(tumour_case, oncologist, alice):
    from genomes.models import Variant
    from interpret.classification.services import (
        classification_approve,
        classification_criterion_set,
        classification_start,
        classification_submit,
    )

    jak2 = Variant.objects.get(build="GRCh37", chrom="9", pos=5073770, ref="G", alt="T")
    draft = classification_start(variant=jak2, gene="JAK2", condition="AML", mode_of_inheritance="", by=oncologist,
                                 department=tumour_case.department, case=tumour_case, origin="somatic")
    suggested = {code for code, e in draft.criteria.items() if e.get("suggestion")}
    assert "OS3" in suggested  # hotspot V617: 115 samples, all V617F
    assert "OP4" not in suggested  # V617F is in gnomAD (popmax 3.6e-4, clonal haematopoiesis): not absent
    with pytest.raises(ValidationError):
        classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=oncologist,
                                     criterion="PVS1", decision="applied", justification="x")
    with pytest.raises(ValidationError):  # no strength modification in the oncogenicity SOP
        classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=oncologist,
                                     criterion="OS2", decision="applied", strength="supporting", justification="x")
    for code, justification in (("OS3", ""), ("OS2", "JAK2 V617F is constitutively active (James 2005)"),
                                ("OM1", "JH2 pseudokinase domain")):
        draft = classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version,
                                             by=oncologist, criterion=code, decision="applied",
                                             justification=justification)
    assert (draft.points, draft.result_class) == (10, "oncogenic")
    draft = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=oncologist)
    with pytest.raises(PermissionDenied):
        classification_approve(classification_id=draft.pk, by=oncologist)
    second = make_user("olga", department=tumour_case.department, role=Role.TUMOR_BOARD_MEMBER)
    final = classification_approve(classification_id=draft.pk, by=second)
    assert final.status == "final" and final.origin == "somatic"
    # a germline classification of the same variant, gene and condition is another lineage, not superseded by it
    germline = classification_start(variant=jak2, gene="JAK2", condition="AML", mode_of_inheritance="AD", by=alice,
                                    department=tumour_case.department, case=tumour_case)
    assert germline.pk != final.pk and germline.origin == "germline"
    final.refresh_from_db()
    assert final.status == "final"
    # a tumor board member classifies oncogenicity, not germline pathogenicity
    with pytest.raises(PermissionDenied):
        classification_start(variant=jak2, gene="JAK2", condition="MPN", mode_of_inheritance="AD", by=oncologist,
                             department=tumour_case.department, case=tumour_case)
    # the somatic view shows it
    from interpret.analysis.engine import run_analysis
    from interpret.analysis.output import candidates_as_dicts
    from interpret.analysis.presets import preset_get

    result = run_analysis(tumour_case, None, preset=preset_get("Haematological cancer somatic", alice), user=alice)
    row = next(r for r in candidates_as_dicts(result, result.candidates) if r["gene"] == "JAK2")
    assert row["oncogenicity"]["class"] == "oncogenic"
    assert Classification.objects.filter(variant=jak2, status="final").count() == 1


@pytest.mark.django_db
def test_oncogenicity_on_the_page_the_htmx_editor_and_the_api(tumour_case, oncologist, client):
    from genomes.models import Variant

    jak2 = Variant.objects.get(build="GRCh37", chrom="9", pos=5073770, ref="G", alt="T")
    client.force_login(oncologist)
    started = client.post(f"/cases/{tumour_case.pk}/variants/{jak2.pk}/oncogenicity/",
                          {"gene": "JAK2", "condition": "AML"})
    assert started.status_code == 302
    draft = Classification.objects.get(variant=jak2, origin="somatic")
    page = client.get(f"/classifications/{draft.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "oncogenic &ge; 10" in text and 'data-criterion="OVS1"' in text
    assert 'data-criterion="PVS1"' not in text  # the ACMG criteria are not offered
    edited = client.post(f"/classifications/{draft.pk}/criterion/",
                         {"lock_version": draft.lock_version, "criterion": "OS3", "decision": "applied"},
                         HTTP_HX_REQUEST="true")
    assert edited.status_code == 200 and 'data-testid="live-points">4<' in edited.content.decode()
    # curator tools: the API takes oncogenicity codes for origin somatic (another tumour type: another lineage)
    answer = client.post("/api/classifications/", {
        "variant": str(jak2), "gene": "JAK2", "condition": "MPN", "origin": "somatic",
        "department": tumour_case.department.code, "submit": True,
        "codes": [{"code": "OS3", "justification": "hotspot"}, {"code": "OS2", "justification": "functional"},
                  {"code": "OM1", "justification": "JH2 domain"}]}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["origin"] == "somatic" and body["status"] == "submitted"
    assert body["result"]["class"] == "oncogenic" and body["result"]["points"] == 10
    assert sorted(c["code"] for c in body["codes"]) == ["OM1", "OS2", "OS3"]
    refused = client.post("/api/classifications/", {
        "variant": str(jak2), "gene": "JAK2", "condition": "MPN", "department": tumour_case.department.code,
        "codes": [{"code": "PS3", "justification": "x"}]}, content_type="application/json")
    assert refused.status_code == 403  # a tumor board member does not classify germline pathogenicity
