import json

import pytest

from genomes.consequences import highest_impact, worst_consequence
from genomes.variant_fields import DEFAULT_INFO_FIELDS, load_field_map, normalize_clinvar, spliceai_max


@pytest.mark.parametrize("raw,terms", [
    ("Pathogenic", ("pathogenic",)),
    ("Pathogenic/Likely_pathogenic", ("likely_pathogenic", "pathogenic")),
    ("Conflicting_interpretations_of_pathogenicity", ("conflicting",)),
    ("5|2", ("benign", "pathogenic")),                 # Scout's numeric codes, as in 643594
    ("5,255,2", ("benign", "other", "pathogenic")),
    ("0,0", ("uncertain_significance",)),
    (("Benign", "Likely_benign"), ("benign", "likely_benign")),
    (None, ()), (".", ()),
])
def test_clinvar_significance_from_text_and_numeric_codes(raw, terms):
    assert normalize_clinvar(raw) == terms


def test_spliceai_info_value_gives_the_largest_delta():
    assert spliceai_max("T|FBN1|0.00|0.12|0.50|0.01|9|-10|10|-10") == 0.5
    assert spliceai_max("T|X|.|.|.|.|.|.|.|.") is None


def test_worst_consequence_and_impact():
    assert worst_consequence(["intron_variant", "missense_variant", "splice_region_variant"]) == "missense_variant"
    assert worst_consequence(["some_future_term", "intron_variant"]) == "intron_variant"
    assert worst_consequence(["conservative_inframe_deletion", "stop_gained"]) == "stop_gained"
    assert highest_impact(["MODIFIER", "LOW", "HIGH"]) == "HIGH"


def test_the_field_map_is_configurable_and_refuses_unknown_names(tmp_path):
    custom = tmp_path / "map.json"
    custom.write_text(json.dumps({"gnomad_af": ["MY_AF"]}))
    mapping = load_field_map(str(custom))
    assert mapping["gnomad_af"] == ("MY_AF",) and mapping["cadd_phred"] == DEFAULT_INFO_FIELDS["cadd_phred"]
    custom.write_text(json.dumps({"gnomad": ["X"]}))
    with pytest.raises(ValueError, match="unknown variant field.*gnomad"):
        load_field_map(str(custom))


def test_cohort_af_is_never_read_as_population_frequency():
    assert "AF" not in DEFAULT_INFO_FIELDS["gnomad_af"] + DEFAULT_INFO_FIELDS["gnomad_popmax"]


def test_copy_text_escapes_what_postgresql_copy_text_format_requires():
    from genomes.vcf_reader import _array_literal, _copy_text

    assert _copy_text(None) == "\\N" and _copy_text(True) == "t" and _copy_text(0.25) == "0.25"
    assert _copy_text("a\tb\\c\nd") == "a\\tb\\\\c\\nd"
    assert _array_literal([1, None, -1]) == "{1,NULL,-1}"
    assert _array_literal(['BRCA1', 'NULL', 'a,b', 'q"x']) == '{"BRCA1","NULL","a,b","q\\"x"}'
    assert _copy_text(['x\\y']) == '{"x\\\\\\\\y"}'  # array escaping, then COPY escaping
