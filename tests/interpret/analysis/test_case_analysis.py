"""The filter engine on the real Scout demo trio, through the service, the command, the API and the pages."""
import io
import json

import pytest
from django.core.management import call_command

from core.models import AuditEvent, Department, Role
from interpret.analysis.engine import filter_run_settings, run_analysis
from interpret.analysis.models import FilterPreset, FilterRun, VariantTag
from panels.services import (
    panel_create,
    panel_entry_set,
    panel_version_draft,
    panel_version_publish,
    panel_version_submit,
)
from tests.factories import make_user

EVERYTHING = {"genome_wide": True, "max_popmax": None, "impacts": [], "pass_only": False,
              "include_clinvar_pathogenic": False}




@pytest.fixture
def panel(trio):
    network = Department.objects.create(code="gennet-rare", name="GenNet rare", kind=Department.Kind.EXPERT_NETWORK)
    ada = make_user("ada", department=network, role=Role.VARIANT_CURATOR)
    rob = make_user("rob", department=network, role=Role.VARIANT_CURATOR)
    version = panel_create(code="demo-mito", name="Mitochondrial", network=network, created_by=ada)
    version.panel.default_for.add(trio.patient_group)
    panel_entry_set(version=version, symbol="SIRT3", by=ada, confidence="green", mode_of_inheritance="biallelic")
    panel_entry_set(version=version, symbol="SEMA4A", by=ada, confidence="amber", mode_of_inheritance="monoallelic")
    panel_version_submit(version=version, by=ada)
    return panel_version_publish(version=version, signed_off_by=rob), ada, rob


@pytest.mark.django_db
def test_the_group_default_panel_narrows_and_genome_wide_marks_genes_outside_it(trio, panel, alice):
    published, _, _ = panel
    in_panel = run_analysis(trio, {**EVERYTHING, "genome_wide": False}, user=alice)
    assert in_panel.panel_versions == [published]
    assert in_panel.candidates and {g for c in in_panel.candidates for g in c.row["genes"]} & {"SIRT3", "SEMA4A"}
    assert all(c.panel is not None for c in in_panel.candidates)
    green_only = run_analysis(trio, {**EVERYTHING, "genome_wide": False, "panel_confidence": "green"}, user=alice)
    assert {g for c in green_only.candidates for g in c.row["genes"]} == {"SIRT3"}
    everything = run_analysis(trio, EVERYTHING, user=alice)
    assert len(everything.candidates) > len(in_panel.candidates)
    outside = [c for c in everything.candidates if c.panel is None]
    assert outside and all(not set(c.row["genes"]) & {"SIRT3", "SEMA4A"} for c in outside)
    assert FilterRun.objects.filter(case=trio, user=alice).count() == 3


@pytest.mark.django_db
def test_a_recorded_run_repeats_with_its_panel_version_after_the_panel_changes(trio, panel, alice):
    published, ada, rob = panel
    first = run_analysis(trio, {**EVERYTHING, "genome_wide": False}, user=alice)
    draft = panel_version_draft(panel=published.panel, created_by=ada)
    panel_entry_set(version=draft, symbol="GNS", by=ada, confidence="green")
    panel_version_submit(version=draft, by=ada)
    panel_version_publish(version=draft, signed_off_by=rob)
    today = run_analysis(trio, {**EVERYTHING, "genome_wide": False}, user=alice)
    assert today.panel_versions == [draft] and len(today.candidates) > len(first.candidates)
    again = run_analysis(trio, filter_run_settings(first.filter_run), user=alice)
    assert again.panel_versions == [published]
    assert [c.row["id"] for c in again.candidates] == [c.row["id"] for c in first.candidates]


@pytest.mark.django_db
def test_bad_settings_are_clear_errors(trio, alice):
    from django.core.exceptions import ValidationError

    for settings, message in (({"max_popmax": "often"}, "max_popmax: 'often' is not a number"),
                              ({"inheritance": ["dominant"]}, "inheritance 'dominant'"),
                              ({"colour": "red"}, "unknown filter setting"),
                              ({"panels": ["no-such-panel"]}, "no panel 'no-such-panel'"),
                              ({"region": "chr1"}, "is not chrom:start-end")):
        with pytest.raises(ValidationError, match=message):
            run_analysis(trio, settings, user=alice)


def analyse(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("analyse_case", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def batch(dept_a):
    """The account batch jobs run analyse_case as: a lab role, which may export."""
    return make_user("batch", department=dept_a, role=Role.LAB_BIOINFORMATICIAN)


@pytest.mark.django_db
def test_analyse_case_prints_candidates_with_genotypes_modes_partners_and_score(trio, batch):
    code, out, err = analyse(trio.identifier, "--json", "--genome-wide", "--inheritance", "comp_het",
                             "--set", "max_popmax=", "--set", "impacts=", "--set", "pass_only=false")
    assert code == 0, err
    candidates = json.loads(out)
    assert candidates and {"chrom", "pos", "ref", "alt", "gene", "consequence", "genotypes", "inheritance",
                           "compound_het_partners", "score", "score_parts"} <= set(candidates[0])
    by_key = {(c["chrom"], c["pos"], c["ref"], c["alt"]): c for c in candidates}
    for candidate in candidates:
        assert {"comp_het", "possible_comp_het"} & set(candidate["inheritance"])
        assert candidate["compound_het_partners"]
        for partner in candidate["compound_het_partners"]:  # partners name each other
            other = by_key[(partner["chrom"], partner["pos"], partner["ref"], partner["alt"])]
            assert candidate["pos"] in [p["pos"] for p in other["compound_het_partners"]]
    proband = candidates[0]["genotypes"]["ADM1059A2"]
    assert proband["relation"] == "proband" and proband["gt"] in ("0/1", "1/2")
    assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
    code, out, err = analyse(trio.identifier, "--json", "--preset", "Foetal de novo")
    assert code == 0 and FilterRun.objects.filter(via="command", preset__name="Foetal de novo").exists()
    code, out, err = analyse("NO-SUCH-CASE", "--json")
    assert code == 1 and "no case 'NO-SUCH-CASE'" in err


@pytest.mark.django_db
def test_api_runs_the_same_engine_within_the_department_boundary(client, trio, alice, bob):
    from core.tokens import api_token_create

    token = api_token_create(user=alice, name="batch", department_codes=["kg-a"])[1]
    response = client.post(f"/api/cases/{trio.pk}/analysis/", {"filters": EVERYTHING, "page_size": 5},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] > 5 and len(body["candidates"]) == 5 and body["filter_run"]
    assert FilterRun.objects.get(pk=body["filter_run"]).via == "api"
    bad = client.post(f"/api/cases/{trio.pk}/analysis/", {"filters": {"max_af": "x"}},
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 400 and "max_af" in bad.json()["error"]
    other = api_token_create(user=bob, name="b", department_codes=["kg-b"])[1]
    assert client.post(f"/api/cases/{trio.pk}/analysis/", {}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404


@pytest.mark.django_db
def test_variant_table_page_variant_page_tags_presets_and_export_rights(client, trio, alice, dept_a):
    client.force_login(alice)
    page = client.get(f"/cases/{trio.pk}/variants/?genome_wide=true&max_popmax=&pass_only=false")
    assert page.status_code == 200 and b'data-testid="variant-table"' in page.content
    assert b">outside</span>" in page.content and b"Export CSV" in page.content
    partial = client.get(f"/cases/{trio.pk}/variants/?genome_wide=true&page=2&sort=position",
                         HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert AuditEvent.objects.filter(object_type="case_variants", username="alice").exists()

    from genomes.models import CaseVariant

    variant_id = CaseVariant.objects.filter(case_id=trio.pk, genes__contains=["SIRT3"]).first().variant_id
    detail = client.get(f"/cases/{trio.pk}/variants/{variant_id}/")
    assert detail.status_code == 200 and b"SIRT3" in detail.content and b'data-testid="transcripts"' in detail.content
    client.post(f"/cases/{trio.pk}/variants/{variant_id}/tags/", {"tag": "candidate"})
    assert VariantTag.objects.filter(case=trio, variant_id=variant_id, tag="candidate").exists()
    client.post(f"/cases/{trio.pk}/variants/{variant_id}/tags/", {"tag": "candidate"})
    assert not VariantTag.objects.filter(case=trio, variant_id=variant_id).exists()  # a toggle

    response = client.post(f"/cases/{trio.pk}/presets/", {"name": "Strict trio", "max_popmax": "0.001",
                                                          "inheritance": ["de_novo"]})
    preset = FilterPreset.objects.get(name="Strict trio")
    assert response.status_code == 302 and preset.department == dept_a
    assert preset.filters["max_popmax"] == 0.001 and preset.filters["inheritance"] == ["de_novo"]

    export = client.get(f"/cases/{trio.pk}/variants/export.csv?genome_wide=true")
    assert export.status_code == 200 and export.content.startswith(b"chrom,pos,ref,alt,gene")
    assert AuditEvent.objects.filter(action="export", object_type="case_variants").exists()
    board = make_user("tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    client.force_login(board)
    assert client.get(f"/cases/{trio.pk}/variants/").status_code == 200
    assert client.get(f"/cases/{trio.pk}/variants/export.csv").status_code == 403


@pytest.mark.django_db
def test_another_departments_geneticist_gets_404_on_every_analysis_page_and_it_is_audited(client, trio, bob):
    from genomes.models import CaseVariant

    variant_id = CaseVariant.objects.filter(case_id=trio.pk).first().variant_id
    client.force_login(bob)
    for method, url, data in (
            ("get", f"/cases/{trio.pk}/variants/", None),
            ("get", f"/cases/{trio.pk}/variants/export.csv", None),
            ("get", f"/cases/{trio.pk}/variants/{variant_id}/", None),
            ("post", f"/cases/{trio.pk}/variants/{variant_id}/tags/", {"tag": "candidate"}),
            ("post", f"/cases/{trio.pk}/variants/{variant_id}/comments/", {"text": "mine now"}),
            ("post", f"/cases/{trio.pk}/presets/", {"name": "stolen"})):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, url
    assert not VariantTag.objects.exists() and not FilterRun.objects.exists()
    assert not FilterPreset.objects.filter(name="stolen").exists()
    assert AuditEvent.objects.filter(action="access_denied", username="bob", object_id=str(trio.pk)).count() == 6


@pytest.mark.django_db
def test_paging_and_sorting_reuse_a_runs_candidates_until_the_national_cohort_changes(client, trio, alice, dept_a):
    from core.jobs import job_run
    from core.models import PatientGroup
    from genomes.importing.prepare import case_import_prepare
    from tests.public_data import public_file

    first = run_analysis(trio, EVERYTHING, user=alice, reuse=True)
    assert not first.reused and first.candidates
    assert {c.cohort_families for c in first.candidates} == {1}  # only this family carries them yet
    by_position = run_analysis(trio, {**EVERYTHING, "sort": "position", "descending": False}, user=alice, reuse=True)
    assert by_position.reused and by_position.filter_run == first.filter_run
    assert [c.row["xpos"] for c in by_position.candidates] == sorted(c.row["xpos"] for c in first.candidates)
    assert {c.row["id"] for c in by_position.candidates} == {c.row["id"] for c in first.candidates}
    narrower = run_analysis(trio, {**EVERYTHING, "inheritance": ["de_novo"]}, user=alice, reuse=True)
    assert not narrower.reused and len(narrower.candidates) < len(first.candidates)

    client.force_login(alice)  # the table pages through the reused list, each page audited
    audited = AuditEvent.objects.filter(object_type="case_variants").count()
    page = client.get(f"/cases/{trio.pk}/variants/?genome_wide=true&max_popmax=&impacts=&pass_only=false"
                      "&include_clinvar_pathogenic=false&page=2&sort=position&descending=false",
                      HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and page.context["result"].reused
    expected = [c.row["id"] for c in by_position.candidates][50:100]
    assert [r.row["id"] for r in page.context["page"].object_list] == expected
    assert AuditEvent.objects.filter(object_type="case_variants").count() == audited + 1

    # The same family's genome imported again as another case: the cohort changed, so the list is made anew; and
    # it is still one family (the same people are counted once nationally, genomes.persons).
    second = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"),
        case_identifier="643594-again")
    assert job_run(second.job_id).state == "done"
    after = run_analysis(trio, EVERYTHING, user=alice, reuse=True)
    assert not after.reused and {c.cohort_families for c in after.candidates} == {1}


@pytest.mark.django_db
def test_the_table_works_without_its_result_cache(client, trio, alice, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    first = run_analysis(trio, EVERYTHING, user=alice, reuse=True)
    again = run_analysis(trio, EVERYTHING, user=alice, reuse=True)
    assert first.candidates and not again.reused
    assert [c.row["id"] for c in again.candidates] == [c.row["id"] for c in first.candidates]
    client.force_login(alice)
    assert client.get(f"/cases/{trio.pk}/variants/?genome_wide=true").status_code == 200


@pytest.mark.django_db
def test_a_variant_scores_the_same_in_the_table_and_on_its_page_and_is_shown_by_the_same_transcript(
        trio, panel, alice, client):
    """Before, the page scored without the panel (6.0) what the table scored with it (7.5)."""
    client.force_login(alice)
    table = client.get(f"/cases/{trio.pk}/variants/?genome_wide=true&max_popmax=&impacts=&pass_only=false"
                       "&include_clinvar_pathogenic=false")
    rows = table.context["rows"]
    in_panel = [r for r in rows if r["panel"]]
    assert in_panel and in_panel[0]["score_parts"]["panel"] > 0  # SIRT3 and SEMA4A, the group's panel
    for row in in_panel[:3] + [r for r in rows if not r["panel"]][:2]:
        page = client.get(f"/cases/{trio.pk}/variants/{row['variant_id']}/")
        assert page.context["score"] == row["score"] and page.context["score_parts"] == row["score_parts"]
        shown = page.context["shown_transcript"] or {}
        assert shown.get("transcript") == row["transcript"] and page.context["gene"] == row["gene"]
