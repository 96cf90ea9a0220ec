"""Panel pages (browse, gene table, htmx draft editing, compare) and the REST API, with the same permission rules."""
import json

import pytest
from django.urls import reverse

from core.models import PatientGroup, Role
from core.tokens import api_token_create
from panels.models import PanelVersion
from panels.services import panel_create, panel_entry_set, panel_version_publish, panel_version_submit
from tests.factories import make_user
from tests.public_data import public_file


@pytest.fixture
def published(author, reviewer):
    version = panel_create(code="cardiomyopathy", name="Cardiomyopathy", network=author.memberships.get().department,
                           created_by=author, patient_groups=[PatientGroup.objects.get(code="HEART")])
    version.panel.default_for.add(PatientGroup.objects.get(code="HEART"))
    panel_entry_set(version=version, symbol="MYH7", by=author, confidence="green", mode_of_inheritance="monoallelic")
    panel_entry_set(version=version, symbol="TTN", by=author, confidence="amber", mode_of_inheritance="monoallelic")
    panel_version_submit(version=version, by=author)
    return panel_version_publish(version=version, signed_off_by=reviewer)


@pytest.fixture
def gita(dept_a):
    return make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)


@pytest.mark.django_db
def test_panels_are_browsed_by_patient_group_and_a_version_shows_its_genes_in_colour(client, published, gita):
    client.force_login(gita)
    page = client.get(reverse("panel_list") + "?group=HEART").content.decode()
    assert "Cardiomyopathy" in page and "v0.1" in page
    assert "Cardiomyopathy" not in client.get(reverse("panel_list") + "?group=EYE").content.decode()
    page = client.get(reverse("panel_version_detail", args=["cardiomyopathy", "0.1"])).content.decode()
    assert 'class="panel-gene confidence-green" data-symbol="MYH7"' in page
    assert 'class="panel-gene confidence-amber" data-symbol="TTN"' in page
    assert "Add gene" not in page and "Sign off" not in page  # a geneticist reads, never edits
    response = client.post(reverse("panel_draft_create", args=["cardiomyopathy"]))
    assert PanelVersion.objects.count() == 1 and response.status_code == 302


@pytest.mark.django_db
def test_a_curator_edits_a_draft_with_htmx_and_a_second_curator_signs_it_off(client, published, author, reviewer):
    client.force_login(author)
    client.post(reverse("panel_draft_create", args=["cardiomyopathy"]), {"comment": "add LMNA"})
    draft = PanelVersion.objects.get(status="draft")
    assert draft.label == "0.2"
    add = reverse("panel_draft_gene_add", args=["cardiomyopathy", "0.2"])
    partial = client.post(add, {"symbol": "ARAF1", "confidence": "red"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-symbol="ARAF"' in partial and "<html" not in partial  # resolved to the current symbol
    partial = client.post(add, {"symbol": "MYH7", "confidence": "red"}, HTTP_HX_REQUEST="true").content.decode()
    assert "MYH7 is already on" in partial
    client.post(reverse("panel_draft_gene_change", args=["cardiomyopathy", "0.2", "TTN"]), {"confidence": "green"})
    client.post(reverse("panel_draft_gene_change", args=["cardiomyopathy", "0.2", "MYH7"]), {"action": "remove"})
    assert dict(draft.entries.values_list("symbol", "confidence")) == {"ARAF": "red", "TTN": "green"}

    client.post(reverse("panel_version_transition", args=["cardiomyopathy", "0.2", "submit"]))
    page = client.get(reverse("panel_version_detail", args=["cardiomyopathy", "0.2"])).content.decode()
    assert "Awaiting sign-off by a second curator" in page and "Sign off and publish" not in page
    client.post(reverse("panel_version_transition", args=["cardiomyopathy", "0.2", "publish"]))
    assert PanelVersion.objects.get(pk=draft.pk).status == "in_review"  # the author cannot sign off

    client.force_login(reviewer)
    response = client.post(reverse("panel_version_transition", args=["cardiomyopathy", "0.2", "publish"]))
    assert response.status_code == 302 and "compare/?from=0.1&to=0.2" in response["Location"]
    assert PanelVersion.objects.get(pk=draft.pk).status == "published"
    diff = client.get(response["Location"]).content.decode()
    assert "+ ARAF" in diff and "− MYH7" in diff and "TTN" in diff


@pytest.mark.django_db
def test_exports_download_with_a_file_name(client, published, gita):
    client.force_login(gita)
    response = client.get(reverse("panel_version_download", args=["cardiomyopathy", "0.1", "tsv"]))
    assert response["Content-Disposition"] == 'attachment; filename="cardiomyopathy_v0.1.tsv"'
    assert "MYH7\tgreen\tmonoallelic" in response.content.decode()


@pytest.mark.django_db
def test_api_lists_reads_and_exports_panels(client, published, gita):
    token = api_token_create(user=gita, name="script", department_codes=[gita.memberships.get().department.code])[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/panels/").status_code in (401, 403)
    listing = client.get("/api/panels/?patient_group=HEART", **headers).json()
    assert [(p["code"], p["current_version"], p["default_for"]) for p in listing] == [
        ("cardiomyopathy", "0.1", ["HEART"])]
    version = client.get("/api/panels/cardiomyopathy/versions/current/", **headers).json()
    assert version["version"] == "0.1" and [g["symbol"] for g in version["genes"]] == ["MYH7", "TTN"]
    exported = client.get("/api/panels/cardiomyopathy/versions/0.1/export/?format=json", **headers)
    assert json.loads(exported.content)["genes"][0]["entity_name"] == "MYH7"
    denied = client.post("/api/panels/cardiomyopathy/drafts/", **headers)
    assert denied.status_code == 403


@pytest.mark.django_db
def test_api_curators_import_a_draft_and_a_second_curator_publishes(client, network, author, reviewer):
    def bearer(user):
        return {
            "HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='s', department_codes=[network.code])[1]}"
        }

    with open(public_file("scout-demo/resources/panelapp_panels.jsonl"), "rb") as handle:
        lines = handle.read().splitlines()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("melanoma.json", lines[0], content_type="application/json")
    response = client.post("/api/panels/import/", {"file": upload, "network": "gennet-heart",
                                                   "patient_group": ["SKIN"]}, **bearer(author))
    assert response.status_code == 201, response.content
    [summary] = response.json()
    assert summary["status"] == "draft" and summary["genes_imported"] == 8

    bad = SimpleUploadedFile("bad.tsv", b"symbol\tconfidence\nBAP1\tgrey\n")
    response = client.post("/api/panels/import/", {"file": bad, "network": "gennet-heart"}, **bearer(author))
    assert response.status_code == 400 and response.json()["line"] == 2 and response.json()["field"] == "confidence"

    url = "/api/panels/panelapp-522/versions/0.1/"
    assert client.post(url + "genes/", {"symbol": "AGRN", "confidence": "amber"}, content_type="application/json",
                       **bearer(author)).status_code == 201
    assert client.delete(url + "genes/ACD/", **bearer(author)).status_code == 204
    assert client.post(url + "submit/", **bearer(author)).status_code == 200
    refused = client.post(url + "publish/", **bearer(author))
    assert refused.status_code == 403 and "second curator" in refused.json()["error"]
    published = client.post(url + "publish/", **bearer(reviewer))
    assert published.status_code == 200 and published.json()["signed_off_by"] == "rob"
    assert client.delete(url + "genes/BAP1/", **bearer(reviewer)).status_code == 400  # published: immutable


@pytest.mark.django_db
def test_a_curator_retires_a_published_version_from_the_page_and_the_api(client, published, author, reviewer, gita):
    from core.models import AuditEvent
    from panels.models import PanelEvent

    page_url = reverse("panel_version_detail", args=["cardiomyopathy", "0.1"])
    retire = reverse("panel_version_transition", args=["cardiomyopathy", "0.1", "retire"])
    client.force_login(gita)  # a geneticist reads panels; only the network's curators retire them
    assert 'data-testid="retire-version"' not in client.get(page_url).content.decode()
    client.post(retire)
    assert PanelVersion.objects.get(pk=published.pk).status == "published"
    client.force_login(reviewer)
    assert 'data-testid="retire-version"' in client.get(page_url).content.decode()
    client.post(retire)
    assert PanelVersion.objects.get(pk=published.pk).status == "retired"
    assert PanelEvent.objects.filter(version=published, kind="retired").exists()
    assert AuditEvent.objects.filter(username="rob", object_type="panel_version", details__change="retired").exists()

    # the API: the same service, rules and audit rows
    def bearer(user):
        token = api_token_create(user=user, name="s", department_codes=[published.panel.network.code])[1]
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    refused = client.post("/api/panels/cardiomyopathy/versions/0.1/retire/", **bearer(author))
    assert refused.status_code == 400 and "only a published version" in refused.json()["error"]
    other = panel_create(code="arrhythmia", name="Arrhythmia", network=published.panel.network, created_by=author)
    panel_entry_set(version=other, symbol="MYH7", by=author, confidence="green", mode_of_inheritance="monoallelic")
    panel_version_submit(version=other, by=author)
    panel_version_publish(version=other, signed_off_by=reviewer)
    gita_token = api_token_create(user=gita, name="s", department_codes=[gita.memberships.get().department.code])[1]
    assert client.post("/api/panels/arrhythmia/versions/0.1/retire/",
                       HTTP_AUTHORIZATION=f"Bearer {gita_token}").status_code == 403
    retired = client.post("/api/panels/arrhythmia/versions/0.1/retire/", **bearer(author))
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    assert AuditEvent.objects.filter(username="ada", object_type="panel_version", object_id="arrhythmia:0.1",
                                     details__change="retired").exists()
