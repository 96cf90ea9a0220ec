"""ACMG/AMP curation on the real Scout demo trio: suggestions, live evaluation, optimistic locking, the
two-person rule, reclassification history, the national store across departments, conflicts, REST API."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent, Role
from genomes.models import Variant
from interpret.classification.models import Classification
from interpret.classification.selectors import (
    classification_conflicts,
    classification_get_for_user,
    classification_history,
    classifications_of_variant,
)
from interpret.classification.services import (
    ClassificationConflict,
    classification_accept_all_suggestions,
    classification_approve,
    classification_criterion_set,
    classification_reclassify,
    classification_start,
    classification_submit,
)
from tests.factories import make_user

# SEMA4A c.2138G>A p.Arg713Gln, heterozygous in the proband and the father of the demo trio (GRCh37).
SEMA4A = dict(build="GRCh37", chrom="1", pos=156146640, ref="G", alt="A")




@pytest.fixture
def carl(dept_a):
    return make_user("carl", department=dept_a, role=Role.VARIANT_CURATOR)


@pytest.fixture
def variant(trio):
    return Variant.objects.get(**SEMA4A)


def start(trio, variant, user, **extra):
    return classification_start(variant=variant, gene="SEMA4A", condition="Retinitis pigmentosa 35",
                                mode_of_inheritance="AD", by=user, department=trio.department, case=trio, **extra)


@pytest.mark.django_db
def test_a_draft_starts_with_suggestions_from_the_stored_values_and_nothing_applied(trio, variant, alice):
    draft = start(trio, variant, alice)
    assert draft.status == "draft" and draft.version == 1 and draft.hgvsp.endswith("p.Arg713Gln")
    assert draft.rule_set == "ACMG/AMP 2015 with ClinGen SVI"
    suggested = {code: entry["suggestion"] for code, entry in draft.criteria.items() if "suggestion" in entry}
    assert all(s["justification"] for s in suggested.values())
    # the Scout trio carries Scout/MIP's frequencies: SEMA4A p.Arg713Gln is 6.4% in a 1000 Genomes population,
    # a stand-alone benign frequency, named with the databases it comes from
    assert set(suggested) & {"BA1", "BS1", "PM2"} == {"BA1"}
    assert "popmax 0.0636" in suggested["BA1"]["justification"]
    assert "1000 Genomes" in suggested["BA1"]["justification"]
    assert not any(entry.get("decision") for entry in draft.criteria.values())
    assert draft.points == 0 and draft.result_class == "uncertain_significance"
    # the transcript the classification is made on is frozen with it
    assert draft.transcript.startswith("ENST") and draft.hgvsc.startswith(draft.transcript.split(".")[0])
    # the same variant, gene and condition: the open draft comes back, no second one
    assert start(trio, variant, alice).pk == draft.pk
    assert AuditEvent.objects.filter(object_type="classification", object_id=str(draft.pk), action="create").exists()


@pytest.mark.django_db
def test_decisions_recompute_points_and_a_stale_edit_is_refused_not_lost(trio, variant, alice, carl):
    draft = start(trio, variant, alice)
    lock = draft.lock_version
    draft = classification_criterion_set(classification_id=draft.pk, lock_version=lock, by=alice,
                                         criterion="PS3", decision="applied", strength="moderate",
                                         justification="Reduced function in a validated assay (PMID:1)")
    assert draft.points == 2 and draft.lock_version == lock + 1
    with pytest.raises(ClassificationConflict, match="changed by someone else"):
        classification_criterion_set(classification_id=draft.pk, lock_version=lock, by=carl, criterion="BS1",
                                     decision="applied", justification="seen in controls")
    draft.refresh_from_db()
    assert set(draft.criteria) >= {"PS3"} and draft.criteria.get("BS1", {}).get("decision") is None
    with pytest.raises(ValidationError, match="give a short justification"):
        classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice,
                                     criterion="PP4", decision="applied")
    with pytest.raises(ValidationError, match="retired"):
        classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice,
                                     criterion="PP5", decision="applied", justification="lab says so")


@pytest.mark.django_db
def test_only_a_second_qualified_user_approves_and_other_departments_see_only_the_final(
        trio, variant, alice, carl, bob, rita):
    draft = start(trio, variant, alice)
    draft = classification_accept_all_suggestions(classification_id=draft.pk, lock_version=draft.lock_version,
                                                  by=alice)
    draft = classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice,
                                         criterion="PP4", decision="applied", justification="Phenotype specific")
    assert bob.pk not in [c.created_by_id for c in classifications_of_variant(variant_id=variant.pk, user=bob)]
    with pytest.raises(Classification.DoesNotExist):
        classification_get_for_user(classification_id=draft.pk, user=bob)
    submitted = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=alice)
    with pytest.raises(PermissionDenied, match="second person"):
        classification_approve(classification_id=submitted.pk, by=alice)
    with pytest.raises(PermissionDenied):
        classification_approve(classification_id=submitted.pk, by=rita)  # a researcher is not qualified
    with pytest.raises(PermissionDenied):
        classification_approve(classification_id=submitted.pk, by=bob)   # another department
    final = classification_approve(classification_id=submitted.pk, by=carl)
    assert final.status == "final" and final.approved_by == carl
    seen_by_b = classifications_of_variant(variant_id=variant.pk, user=bob)
    assert [c.pk for c in seen_by_b] == [final.pk]
    assert classification_get_for_user(classification_id=final.pk, user=bob).is_own is False


@pytest.mark.django_db
def test_reclassification_makes_a_new_version_with_a_reason_and_the_history_shows_the_diff(
        trio, variant, alice, carl):
    draft = start(trio, variant, alice)
    draft = classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice,
                                         criterion="PM2", decision="applied", strength="supporting",
                                         justification="absent from gnomAD")
    draft = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=alice)
    first = classification_approve(classification_id=draft.pk, by=carl)
    with pytest.raises(ValidationError, match="reason"):
        classification_reclassify(classification_id=first.pk, by=carl, reason=" ")
    second = classification_reclassify(classification_id=first.pk, by=carl, reason="New functional data")
    assert (second.version, second.previous_id, second.status) == (2, first.pk, "draft")
    first.refresh_from_db()
    assert first.status == "final"  # stays final until the new version is approved
    second = classification_criterion_set(classification_id=second.pk, lock_version=second.lock_version, by=carl,
                                          criterion="PS3", decision="applied",
                                          justification="Loss of function in patient cells")
    second = classification_criterion_set(classification_id=second.pk, lock_version=second.lock_version, by=carl,
                                          criterion="PS4", decision="applied", justification="case-control OR 8")
    second = classification_submit(classification_id=second.pk, lock_version=second.lock_version, by=carl)
    second = classification_approve(classification_id=second.pk, by=alice)
    first.refresh_from_db()
    assert first.status == "superseded" and second.status == "final"
    history = classification_history(second)
    assert [h["version"].version for h in history] == [2, 1]
    assert history[0]["changes"] == ["+ PS3", "+ PS4", "class: Uncertain significance → Likely pathogenic"]


@pytest.mark.django_db
def test_conflicting_finals_of_two_departments_are_listed_and_pm5_comes_from_the_store(
        trio, variant, alice, carl, bob, dept_b):
    other = Variant.objects.create(build="GRCh37", chrom="1", pos=156146641, ref="C", alt="T", xpos=1_156_146_641,
                                   key_md5="00000000-0000-0000-0000-000000000001")
    Classification.objects.create(
        variant=other, gene="SEMA4A", condition="Retinitis pigmentosa 35", department=dept_b, status="final",
        hgvsp="ENSP00000347117.2:p.Arg713Trp", rule_set="x", rule_set_version="1", result_class="pathogenic",
        result_system="points", points=10, created_by=bob)
    draft = start(trio, variant, alice)
    assert draft.criteria["PM5"]["suggestion"]["code"] == "PM5"
    assert "codon 713" in draft.criteria["PM5"]["suggestion"]["justification"]
    draft = classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice,
                                         criterion="BS2", decision="applied", justification="healthy adults")
    draft = classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice,
                                         criterion="BS1", decision="applied", justification="too common")
    draft = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=alice)
    classification_approve(classification_id=draft.pk, by=carl)
    Classification.objects.create(
        variant=variant, gene="SEMA4A", condition="Retinitis pigmentosa 35", department=dept_b, status="final",
        rule_set="x", rule_set_version="1", result_class="likely_pathogenic", result_system="points", points=6,
        created_by=bob)
    conflicts = classification_conflicts()
    assert [c["variant"].pk for c in conflicts] == [variant.pk]
    assert conflicts[0]["groups"] == ["B/LB", "P/LP"]


@pytest.mark.django_db
def test_the_pages_edit_live_and_refuse_a_stale_lock(client, trio, variant, alice, bob):
    client.force_login(alice)
    response = client.post(reverse("classification_start", args=[trio.pk, variant.pk]),
                           {"gene": "SEMA4A", "condition": "RP35", "mode_of_inheritance": "AD"})
    classification = Classification.objects.get(variant=variant)
    assert response.url == reverse("classification_detail", args=[classification.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and b'data-criterion="PVS1"' in page.content
    edit = client.post(reverse("classification_criterion", args=[classification.pk]), {
        "lock_version": classification.lock_version, "criterion": "PS3", "decision": "applied",
        "strength": "strong", "justification": "assay"})
    assert edit.status_code == 200 and b'data-testid="live-points">4<' in edit.content
    stale = client.post(reverse("classification_criterion", args=[classification.pk]), {
        "lock_version": classification.lock_version, "criterion": "PP4", "decision": "applied",
        "justification": "x"})
    assert stale.status_code == 409 and b"changed by someone else" in stale.content
    assert "PP4" not in Classification.objects.get(pk=classification.pk).criteria
    client.force_login(bob)
    assert client.get(reverse("classification_detail", args=[classification.pk])).status_code == 404


@pytest.mark.django_db
def test_the_api_submits_a_draft_with_codes_and_reads_the_store(client, trio, variant, alice, carl):
    from core.tokens import api_token_create

    token = api_token_create(user=alice, name="curator tool", department_codes=[trio.department.code])[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "variant": "GRCh37-1-156146640-G-A",
        "gene": "SEMA4A",
        "condition": "RP35",
        "mode_of_inheritance": "AD",
        "department": trio.department.code,
        "submit": True,
        "codes": [
            {"code": "PS3_Moderate", "justification": "assay"},
            {"code": "PM2_Supporting", "justification": "absent from gnomAD v4.1 (browser)"},
        ],
    }
    response = client.post(reverse("api_classifications"), body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted" and data["result"]["points"] == 3
    assert [c["code"] for c in data["codes"]] == ["PM2_Supporting", "PS3_Moderate"]
    bad = client.post(reverse("api_classifications"), {**body, "codes": [{"code": "PX1"}]},
                      content_type="application/json", **headers)
    assert bad.status_code == 400 and "codes[0]" in bad.json()["error"]
    listed = client.get(reverse("api_classifications"), {"variant": "GRCh37-1-156146640-G-A"}, **headers)
    assert [c["id"] for c in listed.json()] == [data["id"]]
    assert client.get(reverse("api_classifications"), {"variant": "GRCh37-1-156146640-G-A"}).status_code in (401, 403)


@pytest.mark.django_db
def test_the_api_refuses_drafts_for_another_department_and_hides_its_drafts(client, trio, variant, alice, bob):
    from core.tokens import api_token_create

    draft = start(trio, variant, alice)
    bob_token = api_token_create(user=bob, name="tool", department_codes=["kg-b"])[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bob_token}"}
    body = {"variant": "GRCh37-1-156146640-G-A", "gene": "SEMA4A", "condition": "RP35",
            "department": trio.department.code, "codes": [{"code": "PS3", "justification": "assay"}]}
    refused = client.post(reverse("api_classifications"), body, content_type="application/json", **headers)
    assert refused.status_code == 403
    assert client.get(reverse("api_classification_detail", args=[draft.pk]), **headers).status_code == 404
    assert client.get(reverse("api_classifications"), {"variant": "GRCh37-1-156146640-G-A"},
                      **headers).json() == []
    assert Classification.objects.filter(variant=variant).count() == 1
