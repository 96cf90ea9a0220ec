"""The frequency, clinical and consequence fields of the pipelines users run are read without a field map: Scout/MIP,
CGAP (mutanno), nf-core/raredisease, DRAGEN with VEP --af_gnomad, plain VEP. Each import says which field fed which
evidence; a field a header declares but no record carries is "not annotated"; structural records in a
small-variant file are counted, listed and never silently dropped."""
from pathlib import Path

import pytest

from core.models import Department
from genomes.models import CaseImport, CaseVariant
from genomes.vcf.annotation import ConsequenceFormat, parse_consequences
from interpret.analysis.engine import run_analysis
from interpret.analysis.output import candidates_as_dicts
from tests.genomes.importing.test_import_case import import_case
from tests.public_data import public_file

HANDMADE = Path(__file__).resolve().parents[2] / "data" / "handmade"


@pytest.fixture
def department(patient_groups):
    return Department.objects.create(code="kg-layouts", name="Pipeline layouts")


def stored(case_import):
    return {(r.chrom, r.pos): r for r in CaseVariant.objects.filter(case_id=case_import.case_id)}


@pytest.mark.django_db
def test_a_cgap_file_reads_its_vep_layout_without_allele_and_its_structured_frequency_and_clinvar(department):
    case_import, job = import_case(department, HANDMADE / "trio.ped", HANDMADE / "cgap_style_trio.vcf",
                                   case_identifier="CGAP-1")
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    evidence = case_import.statistics["evidence_sources"]
    assert evidence["consequence"] == "INFO/VEP"
    assert evidence["gnomad_af"] == "INFO/GNOMAD:AF" and evidence["gnomad_popmax"] == "INFO/MAX_POP_AF:AF_popmax"
    assert evidence["clinvar"] == "INFO/CLINVAR:CLNSIG" and evidence["clinvar_review"] == "INFO/CLINVAR:CLNREVSTAT"
    assert evidence["cadd_phred"] == "INFO/CADD" and evidence["spliceai"] == "INFO/SPLICEAI"
    rows = stored(case_import)
    agrn = rows[("1", 1041200)]
    assert agrn.genes == ["AGRN"] and agrn.worst_consequence == "missense_variant" and agrn.impact == "MODERATE"
    assert agrn.gnomad_af == pytest.approx(6.97963e-06) and agrn.gnomad_popmax == pytest.approx(1.5491e-05)
    assert agrn.cadd_phred == 24.9 and agrn.spliceai == 0.01
    isg15 = rows[("1", 1014143)]
    assert isg15.clinvar == ["pathogenic"] and isg15.clinvar_stars == 3
    assert rows[("1", 930320)].consequences == ["intron_variant", "splice_region_variant"]  # "~"-joined terms
    # the summary says which field fed which evidence, on how many stored variants
    fed = job.result["evidence"]["fed_by"]
    assert fed["gnomad_popmax"] == {"source": "INFO/MAX_POP_AF:AF_popmax", "stored_variants_with_value": 3}
    assert job.result["evidence"]["not_annotated"] == [] and job.result["evidence"]["declared_but_empty"] == {}
    # with every impact ticked the candidates are there, named by their gene: the panel-free analysis finds the
    # de novo AGRN missense, the inherited ISG15 stop (ClinVar pathogenic) and the SAMD11 splice-region call;
    # the PERM1 deletion is 1% in one population and filtered as common
    result = run_analysis(case_import.case, {"genome_wide": True, "impacts": ["HIGH", "MODERATE", "LOW", "MODIFIER"]},
                          record=False)
    found = {(c["gene"], c["pos"]) for c in candidates_as_dicts(result, result.candidates)}
    assert found == {("AGRN", 1041200), ("ISG15", 1014143), ("SAMD11", 930320)}


@pytest.mark.django_db
def test_dragen_with_vep_af_gnomad_takes_popmax_from_the_populations_gnomad_counts(department):
    case_import, job = import_case(department, HANDMADE / "singleton.ped", HANDMADE / "dragen_vep_af_gnomad.vcf",
                                   case_identifier="DRAGEN-1")
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    evidence = case_import.statistics["evidence_sources"]
    assert evidence["gnomad_af"] == "INFO/CSQ:gnomADe_AF"
    assert evidence["gnomad_popmax"].startswith("INFO/CSQ:gnomADe_AFR_AF|gnomADe_AMR_AF|gnomADe_EAS_AF")
    rows = stored(case_import)
    # East Asian 4.3% is the popmax; Finnish 9% is a bottlenecked population, not gnomAD's popmax
    assert rows[("1", 1043223)].gnomad_popmax == pytest.approx(0.043)
    assert rows[("1", 1043223)].gnomad_af == pytest.approx(0.0031)
    # absent from gnomAD where the file carries gnomAD: no value, and the page says "absent", not "not annotated"
    assert rows[("1", 1050457)].gnomad_popmax is None
    from interpret.analysis.evidence import frequency_text

    assert frequency_text(None, case_import.statistics["evidence_sources"]) == "absent from gnomAD"
    # DRAGEN's FORMAT/AF is a germline allele fraction; its hard filter is kept as the FILTER
    assert rows[("1", 1050460)].filter == "DRAGENSnpHardQUAL"
    assert rows[("1", 1050457)].allele_fraction == [pytest.approx(0.4872, abs=1e-3)]


@pytest.mark.django_db
def test_nf_core_raredisease_fields_feed_frequency_clinvar_cadd_revel_and_spliceai(department):
    case_import, job = import_case(department, HANDMADE / "singleton.ped", HANDMADE / "nfcore_raredisease.vcf",
                                   case_identifier="NFCORE-1")
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    evidence = case_import.statistics["evidence_sources"]
    assert evidence["gnomad_af"] == "INFO/GNOMADAF" and evidence["gnomad_popmax"] == "INFO/GNOMADAF_popmax"
    assert evidence["clinvar"] == "INFO/CLNSIG" and evidence["cadd_phred"] == "INFO/CADD"
    assert evidence["revel"] == "INFO/CSQ:REVEL_score" and evidence["spliceai"] == "INFO/CSQ:SpliceAI_pred_DS_*"
    rows = stored(case_import)
    assert set(rows) == {("1", 1022225), ("1", 1048947)}  # the common benign synonymous call is not kept
    assert rows[("1", 1022225)].clinvar == ["likely_pathogenic"] and rows[("1", 1022225)].clinvar_stars == 2
    assert rows[("1", 1022225)].revel == 0.812
    # no frequency for this record while the file carries frequencies: absent from gnomAD, rarity scored
    assert rows[("1", 1048947)].gnomad_popmax is None and rows[("1", 1048947)].gnomad_af is None
    assert case_import.statistics["skipped"] == {"common_by_retention_policy": 1}


@pytest.mark.django_db
def test_a_vep_file_that_declares_gnomad_but_carries_no_value_is_not_annotated_and_suggests_nothing(department):
    """Scout's vep104_annotated.vcf declares GNOMADAF, GNOMADAF_popmax and SWEGENAF and carries none of them."""
    ped = HANDMADE / "vep104.ped"
    case_import, job = import_case(
        department, ped, public_file("scout-demo/vep104_annotated.vcf"), case_identifier="V104"
    )
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    statistics = case_import.statistics
    assert statistics["evidence_sources"]["gnomad_af"] is None
    assert statistics["evidence_sources"]["gnomad_popmax"] is None
    assert statistics["evidence_declared_empty"] == {"gnomad_af": "INFO/GNOMADAF",
                                                      "gnomad_popmax": "INFO/GNOMADAF_popmax, INFO/SWEGENAF"}
    assert "population frequency" in job.result["evidence"]["not_annotated"]
    assert "without a value in any record: INFO/GNOMADAF" in job.result["summary"]
    from interpret.analysis.evidence import frequency_text
    from interpret.rules.scoring import score_parts

    assert frequency_text(None, statistics["evidence_sources"]) == "not annotated"
    row = CaseVariant.objects.get(case_id=case_import.case_id)
    assert score_parts({"impact": row.impact, "gnomad_popmax": None}, panel_confidence=None, modes=[],
                       frequency_annotated=False)["rarity"] == 0.0
    # no PM2 (nor BA1/BS1) is suggested on a frequency the file does not carry
    from genomes.models import Variant
    from interpret.classification.services import classification_start
    from tests.factories import make_user

    user = make_user("cg-v104", department=department, role="clinical_geneticist")
    draft = classification_start(
        variant=Variant.objects.get(pk=row.variant_id),
        gene=row.genes[0] if row.genes else "X",
        condition="test",
        mode_of_inheritance="AD",
        by=user,
        department=department,
        case=case_import.case,
    )
    assert "PM2" not in draft.criteria and "BA1" not in draft.criteria
    assert any(c["criterion"] == "PM2" and "no population frequency" in c["reason"] for c in draft.considered)


@pytest.mark.django_db
def test_structural_records_in_a_small_variant_file_are_counted_listed_and_named(department, client):
    case_import, job = import_case(department, HANDMADE / "singleton.ped", HANDMADE / "small_with_structural.vcf",
                                   case_identifier="SV-IN-SMALL")
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    statistics = case_import.statistics
    assert statistics["skipped"]["structural"] == 3
    listed = {(s["pos"], s["type"], s["length"]) for s in statistics["structural"]}
    assert listed == {(1200000, "DUP", 632000), (2000000, "DEL", 50000), (3000000, "BND", None)}
    # the sequence-resolved deletion declares SVTYPE and is stored like any indel (pindel's FLT3-ITD is one)
    assert statistics["sv_declared"] == 4
    assert {r.pos for r in CaseVariant.objects.filter(case_id=case_import.case_id)} >= {1041200, 1045000, 1049000}
    warning = next(w for w in case_import.warnings if "structural-variant record" in w)
    assert warning.startswith("3 structural-variant record(s) not imported as small variants (e.g. 1:1200000 DUP "
                              "632,000 bp")
    from tests.factories import make_user

    user = make_user("cg-sv", department=department, role="clinical_geneticist")
    client.force_login(user)
    page = client.get(f"/cases/{case_import.case_id}/").content.decode()
    assert "3 structural-variant records in this small-variant file were not imported" in page
    assert "1:1200000 DUP 632 kb" in page


@pytest.mark.django_db
def test_a_structural_variant_vcf_given_as_the_small_variant_file_is_refused(department):
    case_import, job = import_case(
        department,
        public_file("scout-demo/643594.ped"),
        public_file("sv-cnv/scout-643594.clinical.SV.vcf.gz"),
        case_identifier="MANTA-AS-SMALL",
    )
    assert job.state == "failed"
    assert "a structural-variant VCF" in job.error and "structural-variant import" in job.error
    assert not CaseImport.objects.filter(case__identifier="MANTA-AS-SMALL").exists()


def test_vep_af_gnomad_population_fields_give_a_popmax_without_the_bottlenecked_populations():
    fields = "Allele|Consequence|gnomAD_AF|gnomAD_AFR_AF|gnomAD_ASJ_AF|gnomAD_FIN_AF|gnomAD_NFE_AF|gnomAD_SAS_AF"
    fmt = ConsequenceFormat.from_description("CSQ", f"Consequence annotations from Ensembl VEP. Format: {fields}")
    (entry,) = parse_consequences("A|missense_variant|0.01|0.002|0.2|0.3|0.02|0.001", fmt)
    assert entry.gnomad_af == 0.01 and entry.population_max == 0.02
