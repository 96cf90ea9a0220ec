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


def test_staging_line_formats_each_column_as_the_generic_copy_text_would():
    """staging_line is hand-specialised per column for speed; _copy_text is the plain rule it must equal."""
    import json

    from genomes.vcf_reader import _copy_text, contig_index, key_md5, staging_line

    plain = ("1", 12345, "A", "G", "snv", "PASS", 50.5, "rs1", ["BRCA1", "X-1"], ["ENSG1"], ["missense_variant"],
             "missense_variant", "MODERATE", True, 0.001, None, [], 21.5, None, 0.12,
             [{"gene": "BRCA1", "consequences": ["missense_variant"], "canonical": True}],
             [1, 0, -1], [99, None, 20], [30, -1, 12], [15, None, 6], [15, None, 6], [0.5, None, 0.5])
    tricky = ("X", 7, "AC", "A", "del", "q10;Low\tQ", None, "", ['a"b', "c\\d", "NULL", "e,f"], [], [],
              "", "", False, None, 0.2, ["pathogenic", "risk factor"], None, 3.0, None,
              [{"gene": 'G"1', "hgvsp": "p.(Arg1\\Ter)", "consequences": []}],
              [2], [None], [-1], [None], [None], [None])
    for row in (plain, tricky):
        values = [key_md5("GRCh38", row[0], row[1], row[2], row[3]), contig_index(row[0]) * 1_000_000_000 + row[1],
                  *row[:20], json.dumps(row[20], separators=(",", ":")), *row[21:]]
        expected = "7\t" + "\t".join(_copy_text(v) for v in values) + "\n"
        assert staging_line("GRCh38", row, "7\t") == expected
