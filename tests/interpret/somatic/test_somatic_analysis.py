"""The somatic view's facts on the shipped tumour files: TMB with a known count, the import_case and analyse_case
contracts, somatic presets, what a file lacks, germline predisposition flags."""
import json

import pytest
from django.core.management import call_command

from genomes.models import Case
from interpret.analysis.engine import run_analysis
from interpret.analysis.output import candidates_as_dicts
from interpret.analysis.presets import preset_get
from tests.interpret.somatic.conftest import import_tumour_case
from tests.public_data import public_file

pytestmark = pytest.mark.django_db

# cancer_test's PASS calls with a coding, non-synonymous consequence, read from the file by hand (VEP CSQ):
# NPM1 frameshift, FLT3 ITD (coding_sequence_variant), IDH2 R140Q, JAK2 V617F, DNMT3A and ASXL1 frameshifts,
# TP53 S241F and SRSF2 P95R. Not counted: GATA1 and KMT2A (filtered), 5:... all other rows non-coding.
CANCER_TEST_CODING = 8


def test_tmb_counts_the_known_coding_mutations_and_is_not_assessable_over_an_amplicon_panel(tumour_case):
    """cancer_test is a myeloid amplicon panel (0.14 Mb): 8 coding mutations over it would read 57 mut/Mb, a figure
    such a territory cannot support; below TMB_MIN_CALLABLE_MB (1 Mb) the TMB is "not assessable"."""
    somatic = tumour_case.imports.get(is_current=True).statistics["somatic"]
    tmb = somatic["tmb"]
    assert tmb["coding_mutations"] == CANCER_TEST_CODING
    assert tmb["territory_mb"] == 0.14 and tmb["territory_source"] == "stated for the case"
    assert tmb["per_mb"] is None and "below 1 Mb" in tmb["not_assessable"]
    assert "coding, non-synonymous" in tmb["method"]
    profile = somatic["profile"]
    assert sum(profile["vaf_bins"]) + profile["vaf_not_given"] == profile["calls"]
    assert profile["substitutions"]["C>T"] >= 1  # IDH2 c.419G>A is C>T on the pyrimidine strand
    assert somatic["evidence"]["lacks"] == []


def test_substitution_classes_fold_purines_onto_the_pyrimidine_strand():
    from genomes.somatic import substitution_class

    assert substitution_class("G", "T") == "C>A"
    assert substitution_class("A", "G") == "T>C"
    assert substitution_class("C", "T") == "C>T"
    assert substitution_class("CA", "C") is None


def test_import_case_wait_json_carries_tmb(dept_a, cancer_knowledge, capsys):
    call_command(
        "import_case",
        "--patient-group",
        "CANCER-ADULT",
        "--department",
        dept_a.code,
        "--ped",
        str(public_file("scout-demo/cancer_test.ped")),
        "--vcf",
        str(public_file("scout-demo/cancer_test.vcf.gz")),
        "--analysis-type",
        "tumour_normal",
        "--tumour-type",
        "AML",
        "--callable-mb",
        "0.14",
        "--tumour-purity",
        "0.6",
        "--wait",
    )
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["tmb"]["coding_mutations"] == CANCER_TEST_CODING
    assert outcome["tmb"]["per_mb"] is None
    assert "too small" in outcome["tmb"]["not_assessable"]
    assert outcome["tmb"]["territory_mb"] == 0.14
    assert Case.objects.get(pk=outcome["case_id"]).tumour_purity == 0.6


def test_default_territory_is_used_and_said_when_none_is_stated(dept_a, cancer_knowledge, settings):
    case, job = import_tumour_case(dept_a, "scout-demo/cancer_test.ped", "scout-demo/cancer_test.vcf.gz")
    assert job.result["tmb"]["territory_mb"] == settings.TMB_DEFAULT_CALLABLE_MB
    assert "default" in job.result["tmb"]["territory_source"]
    assert job.result["tmb"]["per_mb"] == round(CANCER_TEST_CODING / settings.TMB_DEFAULT_CALLABLE_MB, 2)


def test_solid_preset_finds_the_demo_leukaemia_drivers_with_tiers(tumour_case, alice):
    result = run_analysis(tumour_case, None, preset=preset_get("Haematological cancer somatic", alice), user=alice)
    rows = {r["gene"]: r for r in candidates_as_dicts(result, result.candidates)}
    assert {"NPM1", "IDH2", "JAK2", "DNMT3A", "FLT3", "TP53"} <= set(rows)
    assert rows["IDH2"]["tier"] == "IA"  # enasidenib, level A in AML
    assert rows["IDH2"]["tier_detail"]["by_category"]["therapeutic"]["therapy"] == "Enasidenib"
    assert rows["JAK2"]["tier"] == "IIC"  # level A for MPN, another tumour type: C
    assert rows["JAK2"]["hotspot"]["residue"] == "V617"
    assert rows["NPM1"]["tumour_vaf"] == pytest.approx(0.299)
    assert rows["NPM1"]["tumour_depth"] == 4046 and rows["NPM1"]["normal_alt_reads"] == 0
    assert rows["TP53"]["tumour_depth"] == 2963 + 174  # AD without DP: the reads' sum
    assert rows["DNMT3A"]["tier"] == "III"  # a frameshift, not R882: cancer gene without evidence
    # the FLT3 ITD: VEP's worst term is feature_elongation, its coding term an in-frame 90-base insertion
    assert rows["FLT3"]["tier"] == "IA" and "midostaurin" in str(rows["FLT3"]["tier_detail"]).lower()
    # 17:74732959 is SRSF2 P95R (missense in SRSF2, downstream of METTL23): shown by the cancer gene it lies in
    assert rows["SRSF2"]["hgvsp"].endswith("p.Pro95Arg") and rows["SRSF2"]["cancer_gene_role"] == "oncogene"
    assert rows["SRSF2"]["hotspot"]["residue"] == "P95" and rows["SRSF2"]["tier"] == "IA"
    assert all(r["inheritance"] == [] for r in rows.values())  # no inheritance mode read into a tumour's calls
    # the strongest tier first (I, then II, then III), and by VAF within a tier
    ranks = [{"I": 1, "II": 2, "III": 3, "IV": 4}[r["tier_detail"]["tier"]]
             for r in candidates_as_dicts(result, result.candidates)]
    assert ranks == sorted(ranks) and ranks[0] == 1 and ranks[-1] == 3


def test_normal_vaf_filter_drops_calls_seen_in_the_normal(tumour_case, alice):
    result = run_analysis(tumour_case, None, preset=preset_get("Solid tumour somatic", alice), user=alice)
    genes = {r["gene"] for r in candidates_as_dicts(result, result.candidates)}
    assert "ASXL1" not in genes  # normal VAF 0.041 > 2%
    assert "NPM1" in genes


def test_min_vaf_excludes_calls_without_a_vaf_and_germline_runs_say_somatic_filters_were_not_applied(trio, alice):
    result = run_analysis(trio, {"min_tumour_vaf": 0.1}, user=alice)
    assert any("not a tumour case" in n.lower() for n in result.notes)


def test_analyse_case_json_gives_somatic_rows(tumour_case, alice, capsys):
    call_command("analyse_case", str(tumour_case.pk), "--preset", "Haematological cancer somatic", "--json",
                 "--user", alice.username)
    rows = json.loads(capsys.readouterr().out)
    idh2 = next(r for r in rows if r["gene"] == "IDH2")
    for key in ("tumour_vaf", "tumour_depth", "normal_alt_reads", "tier", "oncogenicity"):
        assert key in idh2
    assert idh2["tier"] == "IA" and idh2["oncogenicity"] is None


def test_tumour_only_case_without_normal_says_what_it_cannot_show(dept_a, cancer_knowledge, alice):
    import tempfile
    from pathlib import Path

    ped = Path(tempfile.mkdtemp()) / "tumour_only.ped"  # Scout's tumour-only file, with a one-sample pedigree
    ped.write_text("TONLY\tTUMOR\t0\t0\t2\t2\n")
    from core.jobs import job_run
    from core.models import PatientGroup
    from genomes.importing.prepare import case_import_prepare

    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="CANCER-ADVANCED"),
        department=dept_a,
        ped_path=ped,
        vcf_path=public_file("scout-demo/scout_example_tumor_only.snv.indel.sorted.vcf.gz"),
        analysis_type="tumour_only",
        send_to_worker=False,
        tumour_type="MEL",
    )
    job = job_run(case_import.job_id)
    assert job.state == "done", job.error
    lacks = job.result["somatic_evidence"]["lacks"]
    assert any("No matched normal" in line for line in lacks)
    result = run_analysis(case_import.case, {"max_normal_vaf": 0.02, "genome_wide": True}, user=alice)
    assert any("No normal sample" in n for n in result.notes)


def test_unannotated_pcgr_file_is_imported_with_its_gaps_explained(dept_a, cancer_knowledge, tmp_path):
    from core.jobs import job_run
    from core.models import PatientGroup
    from genomes.importing.prepare import case_import_prepare

    ped = tmp_path / "pcgr.ped"
    import gzip

    header = [
        line
        for line in gzip.open(public_file("pcgr-somatic/T001-BRCA.grch38.vcf.gz"), "rt")
        if line.startswith("#CHROM")
    ][0]
    column = header.rstrip("\n").split("\t")[9]
    ped.write_text(f"T001\t{column}\t0\t0\t2\t2\n")
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="CANCER-ADVANCED"),
        department=dept_a,
        ped_path=ped,
        vcf_path=public_file("pcgr-somatic/T001-BRCA.grch38.vcf.gz"),
        analysis_type="tumour_only",
        send_to_worker=False,
        tumour_type="BRCA",
        build="GRCh38",
    )
    job = job_run(case_import.job_id)
    assert job.state == "done", job.error
    assert job.result["tmb"]["per_mb"] is None and job.result["tmb"]["coding_mutations"] is None
    lacks = " ".join(job.result["somatic_evidence"]["lacks"])
    assert "No consequence annotation" in lacks and "No matched normal" in lacks
    assert "No tumour allele depths" in lacks  # PCGR writes ADT/DPT, not AD/DP


def test_gemini_somatic_pair_imports_as_tumour_normal(dept_a, cancer_knowledge, alice):
    case, job = import_tumour_case(dept_a, "gemini-inheritance/test.somatic.ped", "gemini-inheritance/test.somatic.vcf",
                                   identifier="GEMINI-SOMATIC", tumour_type="BRCA")
    assert job.result["tmb"]["coding_mutations"] is not None
    result = run_analysis(
        case, {"genome_wide": True, "impacts": [], "pass_only": False, "max_popmax": None}, user=alice
    )
    rows = candidates_as_dicts(result, result.candidates)
    assert rows and all("tumour_vaf" in r and "normal_alt_reads" in r for r in rows)


def test_germline_predisposition_flag_needs_pathogenic_evidence_and_the_normal(tumour_case, alice):
    from interpret.analysis.somatic import germline_findings

    # cancer_test's normal carries no call: nothing is flagged (no rule fires on missing evidence)
    assert germline_findings(tumour_case, tumour_case.imports.get(is_current=True)) == []


def test_the_variant_table_and_somatic_view_of_a_tumour_case_open_with_its_somatic_preset(tumour_case, alice, client):
    client.force_login(alice)
    page = client.get(f"/cases/{tumour_case.pk}/variants/")
    assert page.status_code == 200
    # an AML, though in the adult cancer group: the haematological preset, not the solid-tumour one
    assert b"Haematological cancer somatic" in page.content and b"IDH2" in page.content
    somatic = client.get(f"/cases/{tumour_case.pk}/somatic/")
    assert somatic.status_code == 200
    text = somatic.content.decode()
    assert 'data-testid="tmb-not-assessable"' in text and "over 0.14 Mb" in text
    assert 'data-gene="IDH2" data-tier="IA"' in text
    assert 'data-testid="biomarker-name">FLT3-ITD (90 bp)<' in text  # not "feature_elongation"
    assert "somatic-vaf-figure" in text
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(user=alice, object_type="case_variants", object_id=str(tumour_case.pk),
                                     details__view="somatic").exists()


def test_a_cancer_gene_nearby_does_not_claim_the_call():
    from interpret.analysis.somatic import _within

    transcripts = [{"gene": "TET2", "consequences": ["downstream_gene_variant"]},
                   {"gene": "PPA2", "consequences": ["missense_variant"]}]
    assert not _within("TET2", transcripts) and _within("PPA2", transcripts)


def test_without_a_preset_or_filters_a_tumour_case_is_analysed_with_its_somatic_preset(tumour_case, alice, capsys,
                                                                                       client):
    call_command("analyse_case", str(tumour_case.pk), "--json", "--user", alice.username)
    genes = {r["gene"] for r in json.loads(capsys.readouterr().out)}
    assert {"IDH2", "NPM1", "JAK2"} <= genes  # not the CANCER-ADULT germline panel's 0 candidates
    client.force_login(alice)
    answer = client.post(f"/api/cases/{tumour_case.pk}/analysis/", {}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["settings"]["cancer_genes"] == ["oncogene", "tsg"]
    # filters given: the caller's, on the defaults (here the germline panel, which holds none of these genes)
    answer = client.post(f"/api/cases/{tumour_case.pk}/analysis/", {"filters": {"min_tumour_vaf": 0.1}},
                         content_type="application/json")
    assert answer.json()["settings"]["cancer_genes"] == []


@pytest.mark.parametrize("option, value, words", [("--callable-mb", "0", "callable territory"),
                                                  ("--tumour-purity", "1.5", "tumour purity")])
def test_a_bad_territory_or_purity_is_refused_before_anything_is_stored(dept_a, cancer_knowledge, capsys, option,
                                                                        value, words):
    with pytest.raises(SystemExit):
        call_command("import_case", "--patient-group", "CANCER-ADULT", "--department", dept_a.code,
                     "--ped", str(public_file("scout-demo/cancer_test.ped")),
                     "--vcf", str(public_file("scout-demo/cancer_test.vcf.gz")), "--analysis-type", "tumour_normal",
                     option, value, "--wait")
    assert words in capsys.readouterr().err
    assert not Case.objects.exists()
