"""The demo `make run` loads states only what can be true: real gene names and ids, codons that code for what the
HGVS says, a classification that agrees with the platform's own suggestions, a report naming the gene,
transcript and HGVS it was classified on, and cases that open with their finding in view."""
import pytest

from genomes.models import Case, CaseVariant
from interpret.classification.models import Classification
from interpret.demo.loading import demo_data_load
from interpret.reanalysis.models import Alert
from interpret.reporting.models import Report


@pytest.fixture
def demo(patient_groups, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the synthetic families are written here
    return demo_data_load()


@pytest.mark.django_db
def test_the_demo_states_only_possible_biology_and_opens_with_its_findings(demo, client):
    assert not any("-syn" in g for row in CaseVariant.objects.values_list("genes", flat=True) for g in row)

    # the signed, amended report names PERM1 by the transcript its classification was made on, with c. and p.
    report = Report.objects.filter(case__identifier="DEMO-NEURO-0001", status="signed").order_by("-version").first()
    assert report.version == 2
    (fact,) = report.facts["variants"]
    assert fact["gene"] == "PERM1" and fact["other_genes"] == ["PLEKHN1"]
    assert fact["transcript"] == "ENST00000433179" and fact["hgvsc"].endswith("c.1615G>T")
    assert fact["hgvsp"] == "ENSP00000414022:p.Glu539Ter"  # GAG -> TAG: Glu to a stop
    assert "PERM1" in report.html and "p.Glu539Ter" in report.html
    # the classification applies what the platform suggests, at the strengths it suggests, and nothing else
    final = Classification.objects.get(case__identifier="DEMO-NEURO-0001", status="final")
    applied = {code: entry["strength"] for code, entry in final.criteria.items() if entry.get("decision") == "applied"}
    suggested = {code: entry["suggestion"]["strength"] for code, entry in final.criteria.items()
                 if entry.get("suggestion")}
    assert applied == suggested and applied["PS2"] == "moderate" and final.phenotype_consistency == "consistent"
    assert final.case.notes.filter(hpo_terms__contains=["HP:0001263"]).exists()  # the phenotype it rests on
    # no alert about the variant the case is already reported with
    assert not Alert.objects.filter(case=final.case, evidence__variants__contains=[final.variant_id]).exists()

    from core.models import User

    client.force_login(User.objects.get(username="geneticist"))
    for case in Case.objects.filter(department__code="demo"):
        table = client.get(f"/cases/{case.pk}/variants/")
        assert table.status_code == 200 and table.context["rows"], case.identifier  # its finding in view
    neuro = Case.objects.get(identifier="DEMO-NEURO-0001")
    rows = client.get(f"/cases/{neuro.pk}/variants/").context["rows"]
    assert [(r["gene"], r["hgvsp"]) for r in rows] == [("PERM1", "ENSP00000414022:p.Glu539Ter")]

    tumour = Case.objects.get(identifier="DEMO-CANCER-0001")
    assert tumour.patient_group.code == "HAEM-CANCER"
    tmb = tumour.imports.get(is_current=True).statistics["somatic"]["tmb"]
    assert tmb["per_mb"] is None and tmb["territory_mb"] == 0.14 and tmb["not_assessable"]


@pytest.mark.django_db
def test_the_demos_national_counts_hold_under_withdrawal_and_replace_of_a_case_registered_before_its_data(demo):
    """Every demo case is registered before its data arrive: its build comes with its import, so a male's X call
    is hemizygous, and a consent withdrawal and a replace subtract exactly what was added (issue 25, item 4)."""
    import io
    import json

    from django.core.management import call_command

    from core.jobs import job_run
    from core.models import User
    from genomes.importing.prepare import case_import_prepare
    from genomes.models import Case
    from genomes.services import case_variants_withdraw
    from interpret.demo.loading import _demo_file

    def recount() -> dict:
        out = io.StringIO()
        call_command("check_observations", stdout=out)  # exits 1 on any difference
        return json.loads(out.getvalue())

    assert recount()["differing_rows"] == 0
    for case in Case.objects.filter(identifier__startswith="DEMO-"):
        assert case.genome_build, case.identifier
    heart = Case.objects.get(identifier="DEMO-HEART-0001")
    replace = case_import_prepare(patient_group=heart.patient_group, department=heart.department,
                                  ped_path=_demo_file("cohort:singleton.ped"),
                                  vcf_path=_demo_file("cohort:singleton.vcf.gz"), analysis_type="singleton",
                                  case_identifier=heart.identifier, replace=True, send_to_worker=False)
    assert job_run(replace.job_id).state == "done"
    assert recount()["differing_rows"] == 0
    geneticist = User.objects.get(username="geneticist")
    rare = Case.objects.get(identifier="DEMO-RARE-643594")
    outcome = case_variants_withdraw(case=rare, by=geneticist, reason="consent withdrawn")
    assert outcome
    checked = recount()
    assert checked["differing_rows"] == 0 and checked["observation_rows"] > 0


@pytest.mark.django_db
def test_the_demo_trios_have_their_svs_and_the_planted_deletion_comes_first(demo, client):
    """Issue 26: Scout's trio with its Manta SVs; the synthetic trio's de novo DMD deletion in the boy is the first
    call of the default SV view (panel genes first, then de novo), hemizygous, touching the panel gene DMD."""
    from core.models import User
    from genomes.models import Case

    scout = Case.objects.get(identifier="DEMO-RARE-643594")
    assert scout.structural_variants.count() == 19
    trio = Case.objects.get(identifier="DEMO-NEURO-0001")
    client.force_login(User.objects.get(username="geneticist"))
    html = client.get(f"/cases/{trio.pk}/structural-variants/").content.decode()
    first = html.split('data-testid="sv-row"')[1]
    assert "X:31800001-31950000" in first and "DMD" in first and "de_novo" in first and "hemizygous" in first
    assert 'data-testid="sv-panel-gene"' in first


def test_the_demo_probands_have_phenotypes_and_the_tables_score_by_them(demo, client):
    """Issue 27: the synthetic boy with the DMD deletion has a dystrophinopathy's terms (and seizures excluded);
    Scout's proband a rod-cone dystrophy; the geneticists' first look at each ranks by them."""
    from core.models import User
    from genomes.models import Case
    from genomes.phenotypes import case_phenotype

    trio = Case.objects.get(identifier="DEMO-NEURO-0001")
    proband = next(i for i in trio.individuals.all() if i.is_proband).individual_id
    terms = case_phenotype(trio)[proband]
    assert [t.term_id for t in terms["observed"]] == ["HP:0001270", "HP:0003236", "HP:0003560", "HP:0003707"]
    assert [t.term_id for t in terms["excluded"]] == ["HP:0001250"]
    client.force_login(User.objects.get(username="geneticist"))
    table = client.get(f"/cases/{trio.pk}/variants/").content.decode()
    assert 'data-testid="phenotype-summary"' in table and "4 HPO terms" in table
    scout = Case.objects.get(identifier="DEMO-RARE-643594")
    assert "Rod-cone dystrophy" in client.get(f"/cases/{scout.pk}/phenotype/").content.decode()


def test_the_demo_trio_has_its_repeat_expansions(demo, client):
    """Issue 28: Scout's trio's ExpansionHunter calls with stranger's GRCh37 catalog: RFC1 (CANVAS) a full
    mutation in the proband, and the one record where the rule and stranger differ flagged."""
    from core.models import User
    from genomes.models import Case

    scout = Case.objects.get(identifier="DEMO-RARE-643594")
    client.force_login(User.objects.get(username="geneticist"))
    html = client.get(f"/cases/{scout.pk}/repeat-expansions/", {"min_status": "full_mutation"}).content.decode()
    assert html.count('data-testid="str-row"') == 1 and "CANVAS" in html and 'data-testid="str-disagreement"' in html
    assert 'data-testid="str-tab"' in client.get(f"/cases/{scout.pk}/").content.decode()


def test_the_demo_has_na12878s_mitochondrial_calls_and_the_scout_trios_chrm_records(demo, client):
    """Issue 28: NA12878's Mutect2 calls, imported as a case's VCF, reach the mitochondrial tab with their levels
    (302 split 0.768/0.128/0.094, 301 at 0.084 with its FILTER); the Scout trio's main VCF gives its three chrM
    records, m.16023 at 1125/2154 from AD."""
    from core.models import User
    from genomes.models import Case, MtVariant

    client.force_login(User.objects.get(username="geneticist"))
    na12878 = Case.objects.get(identifier="DEMO-MITO-NA12878")
    html = client.get(f"/cases/{na12878.pk}/mitochondrial-variants/", {"min_heteroplasmy": "0"}).content.decode()
    assert html.count('data-testid="mt-row"') == MtVariant.objects.filter(case=na12878).count() >= 6
    assert "0.768" in html and "0.094" in html and "possible_numt" in html
    assert 'data-testid="mt-view-reads"' in html  # NA12878's chrM reads are registered for the read view
    assert client.get(f"/cases/{na12878.pk}/reads/", {"locus": "chrM:100-800"}).status_code == 200
    scout = Case.objects.get(identifier="DEMO-RARE-643594")
    proband = scout.samples.get(individual__individual_id="ADM1059A2").position
    assert MtVariant.objects.get(case=scout, pos=16023).sample_calls[proband]["heteroplasmy"] == 0.5223
    assert 'data-testid="mt-tab"' in client.get(f"/cases/{scout.pk}/").content.decode()
