import json

import pytest

from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS, load_field_map, spliceai_max


def test_spliceai_info_value_gives_the_largest_delta():
    assert spliceai_max("T|FBN1|0.00|0.12|0.50|0.01|9|-10|10|-10") == 0.5
    assert spliceai_max("T|X|.|.|.|.|.|.|.|.") is None


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
