"""Property-based tests (hypothesis) of the panel readers (TSV, PanelApp JSON): any file becomes panels or a
PanelFileError naming the file; never another exception."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputFileError
from panels.panelapp import read_panelapp_file
from panels.tsv import read_panel_tsv

EXAMPLES = 300
values = st.one_of(st.text(max_size=15), st.sampled_from(["green", "amber", "red", "3", "4", "-1", "", "biallelic",
                                                          "MONOALLELIC, autosomal", "HP:0000001", "HP:x", "1e9"]))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(values, min_size=0, max_size=5).map("\t".join), max_size=8),
       header=st.sampled_from(["symbol\tconfidence", "symbol\tconfidence\tmode_of_inheritance\tpadding\thpo_ids",
                               "confidence", "", "symbol\tsymbol"]))
def test_any_panel_tsv_reads_or_fails_with_an_error_naming_the_file(tmp_path, rows, header):
    path = tmp_path / "panel.tsv"
    path.write_text("\n".join(["## name: P", header, *rows]) + "\n")
    try:
        panel = read_panel_tsv(path)
    except InputFileError as error:
        assert error.source == str(path)
    else:
        assert all(entry["confidence"] in ("green", "amber", "red") for entry in panel.entries)


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=3), max_leaves=10)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(panel=st.fixed_dictionaries({"name": st.one_of(st.text(max_size=10), json_values)},
                                   optional={"id": json_values, "genes": st.lists(st.fixed_dictionaries(
                                       {}, optional={"entity_name": json_values, "confidence_level": json_values,
                                                     "mode_of_inheritance": json_values,
                                                     "gene_data": json_values}), max_size=4), "version": json_values}),
       layout=st.sampled_from(["object", "list", "lines", "page", "garbage"]))
def test_any_panelapp_json_reads_or_fails_with_an_error_naming_the_file(tmp_path, panel, layout):
    path = tmp_path / "panel.json"
    text = {"object": json.dumps(panel), "list": json.dumps([panel]), "lines": json.dumps(panel) + "\n{",
            "page": json.dumps({"results": [panel]}), "garbage": "{" + json.dumps(panel)}[layout]
    path.write_text(text)
    try:
        read_panelapp_file(path)
    except InputFileError as error:
        assert error.source == str(path)
