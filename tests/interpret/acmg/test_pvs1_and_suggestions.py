"""PVS1 decision tree on real Ensembl transcripts (Ensembl GTF slice) and the suggestions from stored values."""
import pytest

from genomes.transcript_models import load_transcript_models
from interpret.acmg.criteria import Strength
from interpret.acmg.pvs1 import escapes_nmd, pvs1_decide
from interpret.acmg.specifications import specification_get
from interpret.acmg.suggest import Partner, VariantFacts, suggest
from tests.public_data import public_file


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory):
    models = load_transcript_models(public_file("gtf/grch38_chr1_head.ensembl.gtf.gz"), build="GRCh38",
                                    cache_dir=tmp_path_factory.mktemp("pyensembl"))
    return {m.gene_name: m for m in models if m.canonical}


def decide(model, pos, consequence="stop_gained", lof=True):
    return pvs1_decide(consequences=[consequence], pos=pos, model=model, gene=model.gene_name, lof_mechanism=lof)


# AGRN ENST00000379370 (+ strand, 36 exons): penultimate exon 1,054,448-1,054,551, last exon from 1,054,824.
def test_a_stop_early_in_agrn_is_predicted_to_undergo_nmd_and_is_very_strong(transcripts):
    result = decide(transcripts["AGRN"], 1022300)
    assert result.strength is Strength.VERY_STRONG and result.values["nmd"] is True
    assert "exon 2 of 36" in result.justification


def test_the_50_nt_rule_of_the_penultimate_exon_on_both_strands(transcripts):
    agrn = transcripts["AGRN"]
    assert escapes_nmd(agrn, 1054502) == (True, "exon 35 of 36, 50 nt from the end of the penultimate exon (<= 50)")
    assert escapes_nmd(agrn, 1054501)[0] is False
    assert escapes_nmd(agrn, 1054900)[0] is True   # last exon
    # NOC2L ENST00000327044 is on the minus strand: its penultimate exon 945,057-945,146 ends (3') at 945,057.
    noc2l = transcripts["NOC2L"]
    assert escapes_nmd(noc2l, 945106)[0] is True and escapes_nmd(noc2l, 945107)[0] is False


def test_a_truncation_escaping_nmd_is_strong_or_moderate_by_the_share_of_protein_removed(transcripts):
    late = decide(transcripts["AGRN"], 1054900)
    assert late.strength is Strength.MODERATE and late.values["protein_removed"] < 0.10
    # ISG15 has two exons; a stop early in the last exon removes most of the protein.
    early_last = decide(transcripts["ISG15"], 1014000, "frameshift_variant")
    assert early_last.strength is Strength.STRONG and early_last.values["protein_removed"] > 0.9


def test_a_canonical_splice_site_whose_exon_skip_shifts_the_frame_is_very_strong(transcripts):
    # AGRN exon 2 (1,022,201-1,022,462) has 262 coding bases: skipping it shifts the frame.
    result = decide(transcripts["AGRN"], 1022463, "splice_donor_variant")
    assert result.strength is Strength.VERY_STRONG and result.values["skipped_coding_bases"] == 262


def test_start_loss_is_moderate(transcripts):
    assert decide(transcripts["AGRN"], 1020173, "start_lost").strength is Strength.MODERATE


def test_pvs1_is_never_applied_in_a_gene_without_a_loss_of_function_mechanism(transcripts):
    """Peer bug: PVS1 applied in a recessive gene where loss of function is not the mechanism."""
    result = decide(transcripts["AGRN"], 1022300, lof=False)
    assert result.strength is None and "not a known mechanism" in result.justification
    unknown = decide(transcripts["AGRN"], 1022300, lof=None)
    assert unknown.strength is None and "confirm" in unknown.justification
    suggestions, considered = suggest(
        VariantFacts(
            frequency_annotated=True,
            gene="AGRN",
            consequences=["stop_gained"],
            pos=1022300,
            transcript_model=transcripts["AGRN"],
            lof_mechanism=False,
            mode_of_inheritance="AR",
        )
    )
    assert "PVS1" not in [s.evidence.criterion for s in suggestions]
    assert [c.criterion for c in considered] == ["PVS1"]


def test_a_missense_variant_is_not_a_null_variant(transcripts):
    assert decide(transcripts["AGRN"], 1022300, "missense_variant") is None


def codes(facts, spec=None):
    return [s.code for s in suggest(facts, spec)[0]]


@pytest.mark.parametrize("popmax,expected", [
    (None, ["PM2_Supporting"]), (0.00005, ["PM2_Supporting"]), (0.001, []), (0.02, ["BS1"]), (0.06, ["BA1"]),
])
def test_frequency_criteria_from_popmax_at_the_national_thresholds(popmax, expected):
    assert codes(VariantFacts(frequency_annotated=True, gene="ANY", popmax=popmax)) == expected


def test_gene_specific_thresholds_of_an_expert_panel_apply():
    hearing = specification_get("Hearing Loss VCEP")
    assert codes(VariantFacts(frequency_annotated=True, gene="MYO6", popmax=0.0005), hearing) == [
        "BS1"
    ]  # AD gene: BS1 0.02%
    assert codes(VariantFacts(frequency_annotated=True, gene="GJB2", popmax=0.0005), hearing) == [
        "PM2_Supporting"
    ]  # AR gene: PM2 <= 0.07%


def test_ba1_exceptions_are_not_suggested_as_ba1():
    suggestions, considered = suggest(
        VariantFacts(frequency_annotated=True, gene="HFE", popmax=0.08, hgvsp="ENSP00000417404.1:p.Cys282Tyr")
    )
    assert not suggestions and "exception list" in considered[0].reason


@pytest.mark.parametrize("revel,expected", [
    (0.95, "PP3_Strong"), (0.80, "PP3_Moderate"), (0.65, "PP3"), (0.5, None), (0.25, "BP4"),
    (0.10, "BP4_Moderate"), (0.01, "BP4_Strong"), (0.002, "BP4_Very Strong"),
])
def test_pp3_and_bp4_at_the_calibrated_revel_thresholds(revel, expected):
    found = [
        c
        for c in codes(
            VariantFacts(frequency_annotated=True, consequences=["missense_variant"], revel=revel, popmax=0.001)
        )
    ]
    assert found == ([expected] if expected else [])


def test_spliceai_gives_pp3_bp4_and_bp7():
    assert codes(
        VariantFacts(frequency_annotated=True, consequences=["intron_variant"], spliceai=0.5, popmax=0.001)
    ) == ["PP3"]
    assert codes(
        VariantFacts(frequency_annotated=True, consequences=["synonymous_variant"], spliceai=0.02, popmax=0.001)
    ) == ["BP7"]
    assert codes(
        VariantFacts(
            frequency_annotated=True, consequences=["missense_variant"], revel=0.25, spliceai=0.5, popmax=0.001
        )
    ) == ["PP3"]


def test_in_frame_changes_suggest_pm4():
    assert codes(VariantFacts(frequency_annotated=True, consequences=["inframe_deletion"], popmax=0.001)) == ["PM4"]


def test_ps1_and_pm5_from_the_national_store():
    facts = VariantFacts(frequency_annotated=True, consequences=["missense_variant"], hgvsp="p.Arg143Trp", popmax=0.001)
    facts.same_protein_change = ["1-100-C-T"]
    assert codes(facts) == ["PS1"]
    facts.same_protein_change, facts.same_codon_pathogenic = [], ["1-100-G-A"]
    assert codes(facts) == ["PM5"]


@pytest.mark.parametrize("de_novo,phenotype,expected", [
    ("confirmed", "consistent", "PS2_Moderate"), ("confirmed", "highly_specific", "PS2"),
    ("confirmed", "heterogeneous", "PS2_Supporting"), ("assumed", "consistent", "PM6_Supporting"),
    ("assumed", "highly_specific", "PM6"), ("assumed", "heterogeneous", None),
])
def test_de_novo_strength_follows_the_svi_points_table(de_novo, phenotype, expected):
    found = codes(
        VariantFacts(frequency_annotated=True, popmax=0.001, de_novo=de_novo, phenotype_consistency=phenotype)
    )
    assert found == ([expected] if expected else [])


def test_pm3_points_for_partners_in_trans_and_bp2_for_cis_or_dominant():
    trans_p = Partner("1-5-A-G", "P", "trans")
    assert codes(
        VariantFacts(frequency_annotated=True, popmax=0.001, mode_of_inheritance="AR", partners=[trans_p])
    ) == ["PM3"]
    unknown_lp = Partner("1-5-A-G", "LP", "unknown")
    assert (
        codes(VariantFacts(frequency_annotated=True, popmax=0.001, mode_of_inheritance="AR", partners=[unknown_lp]))
        == []
    )
    assert codes(VariantFacts(frequency_annotated=True, popmax=0.001, mode_of_inheritance="AR", homozygous=True)) == [
        "PM3_Supporting"
    ]
    assert codes(
        VariantFacts(frequency_annotated=True, popmax=0.001, mode_of_inheritance="AD", partners=[trans_p])
    ) == ["BP2"]
    assert codes(VariantFacts(frequency_annotated=True, popmax=0.001, mode_of_inheritance="AR",
                              partners=[Partner("1-5-A-G", "P", "cis")])) == ["BP2"]


@pytest.mark.parametrize("annotated,why", [(False, "no population frequency in this file"),
                                           (None, "did not record whether the file carries")])
def test_no_frequency_criterion_fires_where_the_file_carries_no_frequency_or_the_import_did_not_record_it(
        annotated, why):
    """A VEP file declaring gnomAD fields it never filled: PM2 (and BA1/BS1) are not evaluated, and say why."""
    suggestions, considered = suggest(VariantFacts(gene="MTHFR", popmax=None, frequency_annotated=annotated))
    assert not suggestions
    assert {c.criterion for c in considered} == {"BA1", "BS1", "PM2"} and all(why in c.reason for c in considered)


def test_de_novo_points_wait_for_the_phenotype_to_be_assessed():
    suggestions, considered = suggest(VariantFacts(frequency_annotated=True, popmax=0.00001, de_novo="confirmed"))
    assert "PS2" not in [s.evidence.criterion for s in suggestions]
    assert any(c.criterion == "PS2" and "not assessed" in c.reason for c in considered)
    assessed = suggest(VariantFacts(frequency_annotated=True, popmax=0.00001, de_novo="confirmed",
                                    phenotype_consistency="consistent"))[0]
    assert "PS2_Moderate" in [s.code for s in assessed]
