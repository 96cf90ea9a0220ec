"""The ACMG/AMP combiners: every row of Richards 2015 Table 5, the points boundaries, the SVI changes and
the combining bugs users reported in peer tools. No database."""
import pytest

from interpret.acmg.combine import (
    PURE,
    Classification,
    RuleOptions,
    class_of_points,
    classify_points,
    classify_rules_2015,
    combine,
    posterior_probability,
    vus_temperature,
)
from interpret.acmg.criteria import CRITERIA, EvidenceCodeError, Strength, parse_code, parse_codes

P, LP, VUS, LB, B = (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC, Classification.UNCERTAIN,
                     Classification.LIKELY_BENIGN, Classification.BENIGN)


def rules(codes):
    return classify_rules_2015(parse_codes(codes))


# Richards 2015 Table 5, one case per rule, with the fewest items that meet it.
TABLE_5 = [
    ("PVS1, PS3", P),                      # (i)(a) PVS1 and >= 1 PS
    ("PVS1, PM1, PM4", P),                 # (i)(b) PVS1 and >= 2 PM
    ("PVS1, PM1, PP3", P),                 # (i)(c) PVS1 and 1 PM and 1 PP
    ("PVS1, PP1, PP3", P),                 # (i)(d) PVS1 and >= 2 PP
    ("PS3, PS4", P),                       # (ii) >= 2 PS
    ("PS3, PM1, PM4, PM5", P),             # (iii)(a) 1 PS and >= 3 PM
    ("PS3, PM1, PM4, PP1, PP3", P),        # (iii)(b) 1 PS and 2 PM and >= 2 PP
    ("PS3, PM1, PP1, PP2, PP3, PP4", P),   # (iii)(c) 1 PS and 1 PM and >= 4 PP
    ("PVS1, PM1", LP),                     # (i) PVS1 and 1 PM
    ("PS3, PM1", LP),                      # (ii) 1 PS and 1-2 PM
    ("PS3, PM1, PM4", LP),
    ("PS3, PP1, PP3", LP),                 # (iii) 1 PS and >= 2 PP
    ("PM1, PM4, PM5", LP),                 # (iv) >= 3 PM
    ("PM1, PM4, PP1, PP3", LP),            # (v) 2 PM and >= 2 PP
    ("PM1, PP1, PP2, PP3, PP4", LP),       # (vi) 1 PM and >= 4 PP
    ("BA1", B),                            # benign (i) BA1
    ("BS1, BS2", B),                       # benign (ii) >= 2 BS
    ("BS1, BP4", LB),                      # likely benign (i) 1 BS and 1 BP
    ("BP4, BP7", LB),                      # likely benign (ii) >= 2 BP
]


@pytest.mark.parametrize("codes,expected", TABLE_5)
def test_each_row_of_the_2015_table_gives_its_class(codes, expected):
    assert rules(codes) is expected


@pytest.mark.parametrize("codes", [
    "PVS1", "PS3", "PM1, PM4", "PM1, PP1, PP2, PP3", "PS3, PP1", "PM1, PM4, PP1", "PP1, PP2, PP3, PP4, PP5",
    "BS1", "BP4", "",
])
def test_evidence_short_of_every_rule_is_uncertain(codes):
    assert rules(codes) is VUS


def test_pathogenic_and_benign_rules_both_met_is_uncertain():
    assert rules("PVS1, PS3, BS1, BS2") is VUS
    assert rules("PS3, PS4, BP4, BP7") is VUS


@pytest.mark.parametrize("points,expected", [
    (10, P), (11, P), (9, LP), (6, LP), (5, VUS), (0, VUS), (-1, LB), (-6, LB), (-7, B), (-12, B),
])
def test_points_thresholds_at_each_boundary(points, expected):
    assert class_of_points(points) is expected


@pytest.mark.parametrize("codes,points,expected", [
    ("PVS1, PM2_Supporting, PP3", 10, P), ("PVS1, PM2_Supporting", 9, LP), ("PS3, PM1", 6, LP),
    ("PM1, PM2_Supporting, PP3, PP4", 5, VUS), ("PP3, BP4", 0, VUS), ("PP3, BP4, BP7", -1, LB),
    ("BS1, PS3_Supporting, PP3, PP4", -1, LB), ("BS1, BP4, BP7", -6, LB), ("BS1, BS2, PP3", -7, B),
])
def test_points_sum_and_class(codes, points, expected):
    result = combine(parse_codes(codes), system="points")
    assert (result.points, result.classification) == (points, expected)


def test_posterior_probability_follows_the_bayesian_thresholds():
    assert posterior_probability(10) > 0.99 > posterior_probability(9)
    # Tavtigian 2020: 6 points is the 0.90 likely-pathogenic line (0.8999 before rounding)
    assert round(posterior_probability(6), 3) == 0.900 and posterior_probability(5) < 0.85
    assert posterior_probability(0) == pytest.approx(0.10)
    assert posterior_probability(-1) < 0.10
    assert posterior_probability(-7) < 0.001 < posterior_probability(-6)


def test_vus_temperature_by_points():
    assert [vus_temperature(p) for p in (5, 4, 3, 2, 1, 0)] == ["hot", "warm", "tepid", "cold", "cold", "ice cold"]
    assert vus_temperature(6) is None and vus_temperature(-1) is None
    assert combine(parse_codes("PM1, PM2_Supporting, PP3, PP4")).temperature == "hot"
    assert combine(parse_codes("PVS1, PM2_Supporting")).temperature is None


# Bugs users reported in peer tools.
def test_a_very_strong_modifier_never_turns_a_pathogenic_variant_into_a_vus():
    for codes in ("PM3_Very Strong, PM2_Supporting, PP4", "PS2_Very Strong, PS3", "PM3_Very Strong, PS3",
                  "PVS1, PS2_Very Strong"):
        evidence = parse_codes(codes)
        assert classify_rules_2015(evidence) is P, codes
        assert classify_points(evidence) is P, codes


def test_ba1_with_bs_and_bp_is_benign_not_likely_benign():
    assert rules("BA1, BS2, BP4") is B
    assert classify_points(parse_codes("BA1, BS2, BP4")) is B
    assert combine(parse_codes("BA1, BS2, BP4")).classification is B


def test_one_bs_and_one_bp_is_likely_benign_not_uncertain():
    assert rules("BS1, BP4") is LB
    assert combine(parse_codes("BS1, BP4"), system="points").classification is LB


def test_a_lone_supporting_benign_criterion_stays_uncertain_in_the_national_rule_set():
    result = combine(parse_codes("BP4"))
    assert result.classification is VUS and result.points == -1
    assert "not enough for likely benign" in result.notes[0]
    assert classify_points(parse_codes("BP4"), PURE) is LB  # the plain Tavtigian sum


def test_a_lone_strong_benign_criterion_is_likely_benign_by_points_and_where_a_panel_says_so():
    assert combine(parse_codes("BS1"), system="points").classification is LB
    assert rules("BS1") is VUS
    assert classify_rules_2015(parse_codes("BS1"), RuleOptions(lone_strong_benign_is_likely_benign=True)) is LB


def test_ba1_weighed_as_points_where_a_panel_weighs_it():
    evidence = parse_codes("BA1, PVS1, PM3_Very Strong, PS4")
    assert classify_points(evidence) is B
    assert classify_points(evidence, RuleOptions(stand_alone_benign="weighed")) is P


def test_retired_criteria_never_count():
    assert combine(parse_codes("PP5, BP6")).points == 0
    assert rules("PM1, PM4, PP3, PP5") is VUS


def test_a_criterion_counts_once_at_its_strongest_strength():
    assert combine(parse_codes("PM2, PM2_Supporting")).points == 2


def test_pp3_and_pm1_together_are_capped_at_strong():
    result = combine(parse_codes("PM1, PP3_Strong"))
    assert result.points == 4
    assert "capped at strong" in result.notes[0]
    assert combine(parse_codes("PM1, PP3")).points == 3  # under the cap: unchanged
    assert combine(parse_codes("PM1_Strong, PP3")).points == 4


def test_both_systems_are_always_computed_and_disagreement_is_shown():
    result = combine(parse_codes("BS1"), system="rules2015")
    assert result.classification is VUS and result.points_class is LB and result.rules_class is VUS
    assert result.systems_disagree and result.as_dict()["systems_disagree"] is True


def test_auto_uses_points_without_an_expert_panel():
    result = combine(parse_codes("PVS1, PM2_Supporting"))
    assert result.system == "points" and result.rule_set == "ACMG/AMP 2015 with ClinGen SVI"
    with pytest.raises(ValueError):
        combine([], system="majority vote")


@pytest.mark.parametrize("text,criterion,strength", [
    ("PVS1", "PVS1", Strength.VERY_STRONG), ("PM2", "PM2", Strength.MODERATE),
    ("PM2_Supporting", "PM2", Strength.SUPPORTING), ("PM3_Very Strong", "PM3", Strength.VERY_STRONG),
    ("pvs1_strong", "PVS1", Strength.STRONG), ("BS1_Stand Alone", "BS1", Strength.STAND_ALONE),
    (" PP4_Moderate ", "PP4", Strength.MODERATE), ("BA1", "BA1", Strength.STAND_ALONE),
])
def test_evidence_codes_parse_as_clingen_writes_them(text, criterion, strength):
    evidence = parse_code(text)
    assert (evidence.criterion, evidence.strength) == (criterion, strength)
    assert parse_code(evidence.code) == evidence


@pytest.mark.parametrize("text", ["PVS2", "PM7", "PX1", "PM2_Huge", "PS3_Stand Alone", "pathogenic"])
def test_bad_evidence_codes_are_named_in_the_error(text):
    with pytest.raises(EvidenceCodeError, match=text.split("_")[0][:3]):
        parse_code(text)


def test_there_are_28_criteria_and_two_are_retired():
    assert len(CRITERIA) == 28
    assert sorted(c.code for c in CRITERIA.values() if c.retired) == ["BP6", "PP5"]
