"""Expert-panel specifications as data, and the acmg_combine command-line contract."""
import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from interpret.acmg.combine import Classification, combine
from interpret.acmg.criteria import parse_codes
from interpret.acmg.specifications import (
    SpecificationError,
    load_file,
    specification_for_gene,
    specification_get,
    specifications_all,
)


def test_every_shipped_specification_loads_with_a_name_version_and_system():
    specs = specifications_all()
    assert len(specs) >= 29
    assert all(s.name and s.version and s.system in ("points", "rules2015") for s in specs)
    assert specification_get("national").frequency.ba1 == 0.05


def test_a_specification_is_found_by_alias_and_by_gene():
    assert specification_get("glaucoma").name == "Glaucoma VCEP"
    assert specification_for_gene("MYOC").name == "Glaucoma VCEP"
    assert specification_for_gene("NOT-A-GENE") is None
    hearing = specification_get("Hearing Loss VCEP")
    assert hearing.frequency_for("GJB2").bs1 == 0.003 and hearing.frequency_for("MYO6").bs1 == 0.0002


def test_the_expert_panels_system_decides_under_auto_and_the_result_names_the_rule_set():
    cdh1 = specification_get("CDH1 VCEP")
    result = combine(parse_codes("BS2"), specification=cdh1)
    assert result.system == "rules2015" and result.classification is Classification.LIKELY_BENIGN
    assert (result.rule_set, result.rule_set_version) == ("CDH1 VCEP", "3.1")
    assert combine(parse_codes("BS2"), specification=cdh1, system="points").system == "points"


def test_versions_are_kept_side_by_side_and_the_newest_is_the_default(tmp_path, settings):
    (tmp_path / "pah.json").write_text(json.dumps([
        {"name": "Test VCEP", "version": "1.0", "system": "rules2015", "not_applicable": ["PP2"]},
        {"name": "Test VCEP", "version": "2.0", "system": "points", "max_strength": {"PP3": "moderate"}},
    ]))
    settings.ACMG_SPECIFICATION_DIRS = [str(tmp_path)]
    from interpret.acmg import specifications

    specifications.registry.cache_clear()
    try:
        old, new = specification_get("test vcep", "1.0"), specification_get("Test VCEP")
        assert new.version == "2.0"
        assert combine(parse_codes("PM1, PM4, PP2, PP3"), specification=old).notes == [
            "PP2 is not applicable under Test VCEP v1.0"]
        capped = combine(parse_codes("PP3_Strong"), specification=new)
        assert capped.points == 2 and "capped at Moderate" in capped.notes[0]
        with pytest.raises(SpecificationError, match="no version '3.0'"):
            specification_get("Test VCEP", "3.0")
    finally:
        specifications.registry.cache_clear()


@pytest.mark.parametrize("bad,message", [
    ({"name": "X", "version": "1", "system": "vote"}, "system must be"),
    ({"name": "X", "version": "1", "not_applicable": ["PX9"]}, "not an ACMG/AMP criterion"),
    ({"name": "X", "version": "1", "frequency": {"ba1": 5}}, "not an allele frequency"),
    ({"name": "X", "version": "1", "colour": "red"}, "unknown fields"),
    ({"name": "X"}, "'version' is required"),
])
def test_a_malformed_specification_is_refused_with_the_file_and_field(tmp_path, bad, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([bad]))
    with pytest.raises(SpecificationError, match=message) as error:
        load_file(path)
    assert str(path) in str(error.value)


def test_acmg_combine_prints_class_points_posterior_and_system(capsys):
    call_command("acmg_combine", "--codes", "PVS1,PM2_Supporting,PP4_Moderate")
    result = json.loads(capsys.readouterr().out)
    assert (result["class"], result["points"], result["system"]) == ("pathogenic", 11, "points")
    assert result["posterior"] > 0.99
    call_command("acmg_combine", "--codes", "BS1", "--system", "rules2015")
    assert json.loads(capsys.readouterr().out)["class"] == "uncertain_significance"
    call_command("acmg_combine", "--codes", "BP4", "--expert-panel", "Glaucoma VCEP")
    assert json.loads(capsys.readouterr().out)["rule_set"] == "Glaucoma VCEP"


def test_acmg_combine_refuses_bad_codes_and_unknown_panels():
    with pytest.raises(CommandError, match="PM9"):
        call_command("acmg_combine", "--codes", "PVS1,PM9")
    with pytest.raises(CommandError, match="unknown expert-panel"):
        call_command("acmg_combine", "--codes", "PVS1", "--expert-panel", "Nobody VCEP")


def test_acmg_combine_scores_a_gzipped_tsv_and_writes_the_rows_back(tmp_path, capsys):
    path = tmp_path / "rows.tsv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("id\tcodes\tpanel\tguideline\n")
        handle.write("a\tPVS1, PM2_Supporting\t\t\n")
        handle.write("b\tBS2\tCDH1 VCEP\t\n")
        handle.write("c\tBP4\t\thttps://clinicalgenome.org/docs/clingen-glaucoma-expert-panel-specifications-"
                     "to-the-acmg-amp-variant-interpretation-guidelines-version-1/\n")
    call_command("acmg_combine", "--input", str(path), "--codes-column", "codes",
                 "--expert-panel-column", "panel", "--guideline-column", "guideline")
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == ["id", "codes", "panel", "guideline", "class", "points", "system", "rule_set"]
    assert lines[1][:1] + lines[1][4:7] == ["a", "Likely pathogenic", "9", "points"]
    assert lines[2][4:7] == ["Likely benign", "-4", "rules2015"] and lines[2][7] == "CDH1 VCEP v3.1"
    assert lines[3][4] == "Uncertain significance" and lines[3][7] == "Glaucoma VCEP v1"


def test_acmg_combine_names_file_line_and_column_of_a_bad_row(tmp_path):
    path = tmp_path / "rows.tsv"
    path.write_text("id\tcodes\na\tPVS1\nb\tPVS1, PQ4\n")
    with pytest.raises(CommandError, match=r"rows.tsv: line 3: column 'codes': 'PQ4'"):
        call_command("acmg_combine", "--input", str(path), "--codes-column", "codes")
    with pytest.raises(CommandError, match="no column 'evidence'"):
        call_command("acmg_combine", "--input", str(path), "--codes-column", "evidence")
