"""Phenotype ranking and the combined candidate score (issue 27): genes ranked by Resnik funSimAvg (Lin, term count
as alternatives) with their matched term pairs, ties at mid-rank; the combined score's phenotype part lifts the
candidate whose gene fits; the HPO panel narrows like a GenNet panel and is recorded with the run (re-running a
recorded run ranks by its terms); rank_phenotype's JSON; adding terms alerts a candidate entering the top 10."""
import io
import json

import pytest
from django.core.management import call_command

from interpret.analysis.engine import run_analysis
from interpret.analysis.models import FilterRun
from interpret.phenotype.ranking import gene_ranking, ranks_of
from tests.interpret.phenotype.conftest import STICKLER, phenopacket_file

pytestmark = pytest.mark.django_db


def test_ranks_tie_at_mid_rank_and_each_method_ranks_and_explains():
    assert ranks_of({"A": 3.0, "B": 2.0, "C": 2.0, "D": 1.0}) == {"A": 1, "B": 2.5, "C": 2.5, "D": 4}
    resnik = gene_ranking(STICKLER, top=10)
    assert [g["rank"] for g in resnik] == sorted(g["rank"] for g in resnik)
    col11a1 = next(g for g in resnik if g["symbol"] == "COL11A1")
    assert "Myopia ~ Myopia, IC" in " ".join(col11a1["matched_terms"])
    for method in ("lin", "count"):
        assert gene_ranking(STICKLER, method=method, top=3)[0]["score"] > 0


def test_the_phenotype_part_lifts_the_fitting_candidate_and_the_run_records_the_terms(thirteen_genes, alice, client):
    case = thirteen_genes
    plain = run_analysis(case, {"genome_wide": True}, user=alice)
    assert plain.phenotype is None and "phenotype" not in plain.candidates[0].score_parts
    assert [c.row["genes"][0] for c in plain.candidates].index("COL11A1") == 11
    client.force_login(alice)
    client.put(f"/api/cases/{case.pk}/phenotype/", {"observed": STICKLER}, content_type="application/json")
    ranked = run_analysis(case, {"genome_wide": True}, user=alice)
    first = ranked.candidates[0]
    # its match: its gene's score over the best gene's of all the ontology's (COL11A1 ranks 8th of them)
    assert first.row["genes"] == ["COL11A1"] and first.phenotype["gene_rank"] == 8
    assert first.phenotype["match"] == round(first.phenotype["gene_score"] / max(ranked.phenotype.scores.values()), 3)
    assert first.phenotype["match"] == max(c.phenotype["match"] for c in ranked.candidates)
    assert first.score_parts["phenotype"] > 0 and ranked.settings["hpo_terms"] == sorted(STICKLER)
    assert all(c.phenotype["gene"] == "" for c in ranked.candidates if c.row["genes"] == ["NOC2L"])
    # the API and analyse_case carry the part, its weight and the matched terms
    body = client.post(f"/api/cases/{case.pk}/analysis/", {"filters": {"genome_wide": True}},
                       content_type="application/json").json()
    assert body["score_weights"]["phenotype"].endswith("x phenotype match (0-1)")
    top = body["candidates"][0]
    assert top["gene"] == "COL11A1" and top["phenotype"]["matched_terms"] and top["phenotype"]["hpo_version"]
    recorded = FilterRun.objects.get(pk=body["filter_run"])
    assert recorded.filters["hpo_terms"] == ranked.settings["hpo_terms"]
    # the HPO panel: genes annotated to a term, in place of the GenNet panels
    panel = run_analysis(case, {"hpo_panel": True}, user=alice)
    genes = {c.row["genes"][0] for c in panel.candidates}
    assert "COL11A1" in genes and "NOC2L" not in genes and panel.settings["genome_wide"] is False
    # sorted by the phenotype match alone
    by_phenotype = run_analysis(case, {"genome_wide": True, "sort": "phenotype"}, user=alice)
    matches = [c.phenotype["match"] for c in by_phenotype.candidates]
    assert matches == sorted(matches, reverse=True)
    # the recorded run re-runs with its own terms, whatever the case's are now
    client.put(f"/api/cases/{case.pk}/phenotype/", {"observed": ["HP:0001250"]}, content_type="application/json")
    again = run_analysis(case, recorded.filters, user=alice, record=False)
    assert again.candidates[0].row["genes"] == ["COL11A1"]
    # bad settings are named
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="hpo_terms"):
        run_analysis(case, {"hpo_terms": ["seizure"]}, user=alice, record=False)


def test_rank_phenotype_prints_one_object_per_case_term_list_or_file(thirteen_genes, alice, client, tmp_path):
    client.force_login(alice)
    client.put(f"/api/cases/{thirteen_genes.pk}/phenotype/", {"observed": STICKLER}, content_type="application/json")
    out = io.StringIO()
    call_command("rank_phenotype", "PH-1", "--user", "alice", "--top", "10", "--json", stdout=out)
    by_case = json.loads(out.getvalue())
    assert by_case["case"] == "PH-1" and len(by_case["genes"]) == 10
    assert {"symbol", "hgnc_id", "score", "rank", "matched_terms"} <= set(by_case["genes"][0])
    out = io.StringIO()
    call_command("rank_phenotype", "--terms", *STICKLER, "--method", "count", "--top", "5", "--json", stdout=out)
    assert json.loads(out.getvalue())["method"] == "count"
    first, _ = phenopacket_file(tmp_path)
    second, _ = phenopacket_file(tmp_path, "PMID_35190816_STX_P_44.json")
    out = io.StringIO()
    call_command("rank_phenotype", "--phenopacket", str(first), str(second), "--top", "3", "--json", stdout=out)
    listed = json.loads(out.getvalue())
    assert isinstance(listed, list) and [p["phenopacket"] for p in listed] == [first.name, second.name]
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("rank_phenotype", "--terms", "HP:9999999", "--json", stdout=io.StringIO(), stderr=err)
    assert "HP:9999999 is not a term of the HPO version used" in err.getvalue()


def test_adding_terms_alerts_a_candidate_that_enters_the_top_10(thirteen_genes, alice, client,
                                                               django_capture_on_commit_callbacks):
    from core.jobs import job_run
    from interpret.reanalysis.models import Alert, Reanalysis

    case = thirteen_genes
    run_analysis(case, {"genome_wide": True}, user=alice)  # ranked without a phenotype: COL11A1 12th
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.put(f"/api/cases/{case.pk}/phenotype/", {"observed": STICKLER}, content_type="application/json")
    (started,) = Reanalysis.objects.filter(trigger="phenotype")
    assert started.scope == {"cases": [case.pk]}
    assert job_run(started.job_id).state == "done"
    alerts = {a.evidence["gene"]: a for a in Alert.objects.filter(kind="phenotype_rank")}
    alert = alerts["COL11A1"]
    assert (alert.evidence["previous_rank"], alert.evidence["rank"]) == (12, 1) and "entered the top 10" in alert.title
    # every alert is a candidate now in the top 10 that was not before (HSPG2 11th and GBA1 13th fit too)
    assert all(a.evidence["rank"] <= 10 < a.evidence["previous_rank"] for a in alerts.values())
    assert set(alerts) <= {"COL11A1", "HSPG2", "GBA1"}
