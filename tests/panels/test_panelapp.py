"""The PanelApp panel format, on the three real panels shipped with the demo (panels/demo_data; Genomics England
PanelApp API output)."""

import json

import pytest

from panels.panelapp import PanelFileError, mode_of_inheritance, read_panelapp_file
from tests.public_data import public_file

PANELS = "scout-demo/resources/panelapp_panels.jsonl"


def test_the_three_real_panels_are_read_with_all_their_genes():
    panels = read_panelapp_file(public_file(PANELS))
    assert [(p.panelapp_id, p.name, p.version, len(p.entries)) for p in panels] == [
        (522, "Familial melanoma", "2.5", 8), (1141, "Acute rhabdomyolysis", "2.8", 69),
        (399, "Additional findings health related", "0.116", 14)]
    bap1 = next(e for e in panels[0].entries if e["symbol"] == "BAP1")
    assert bap1["hgnc_id"] == "HGNC:950" and bap1["confidence"] == "green"
    assert bap1["ensembl_ids"] == {"GRCh37": "ENSG00000163930", "GRCh38": "ENSG00000163930"}
    confidences = [e["confidence"] for p in panels for e in p.entries]
    # PanelApp levels in the file: 69 x "3", 11 x "2", 10 x "1", 1 x "0".
    assert (confidences.count("green"), confidences.count("amber"), confidences.count("red")) == (69, 11, 11)


def test_every_mode_of_inheritance_in_the_real_panels_is_mapped():
    modes = [e["mode_of_inheritance"] for p in read_panelapp_file(public_file(PANELS)) for e in p.entries]
    assert modes.count("biallelic") == 50 and modes.count("x_linked") == 4 and modes.count("unknown") == 3
    assert modes.count("monoallelic") == 23 and modes.count("both") == 9 and modes.count("mitochondrial") == 2


@pytest.mark.parametrize(
    "text,short",
    [
        (
            "MONOALLELIC, autosomal or pseudoautosomal, maternally imprinted (paternal allele expressed)",
            "monoallelic_imprinted",
        ),
        ("MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown", "monoallelic"),
        (
            "BOTH monoallelic and biallelic (but BIALLELIC mutations cause a more SEVERE disease form), "
            "autosomal or pseudoautosomal",
            "both",
        ),
        ("Other - please specifiy in evidence comments", "other"),
        ("recessive", None),
    ],
)
def test_panelapp_inheritance_sentences(text, short):
    assert mode_of_inheritance(text) == short


def write(tmp_path, panels, name="panel.json"):
    path = tmp_path / name
    path.write_text(json.dumps(panels))
    return path


GENE = {"entity_name": "MYH7", "entity_type": "gene", "confidence_level": "3",
        "mode_of_inheritance": "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted",
        "phenotypes": ["Cardiomyopathy HP:0001638"], "gene_data": {"hgnc_id": "HGNC:7577"}}


def test_a_single_object_and_an_api_results_page_are_read_too_and_hpo_ids_are_collected(tmp_path):
    single = read_panelapp_file(write(tmp_path, {"name": "Heart", "version": "1.0", "genes": [GENE]}))
    assert single[0].entries[0]["hpo_ids"] == ["HP:0001638"]
    page = read_panelapp_file(write(tmp_path, {"count": 1, "results": [{"name": "Heart", "genes": [GENE]}]}))
    assert page[0].entries[0]["symbol"] == "MYH7"


@pytest.mark.parametrize("gene_change,field,message", [
    ({"confidence_level": "5"}, "genes[1].confidence_level", "confidence level '5' is not 0-4"),
    ({"mode_of_inheritance": "recessive"}, "genes[1].mode_of_inheritance", "unknown mode of inheritance 'recessive'"),
    ({"entity_name": ""}, "genes[1].entity_name", "a gene without a symbol"),
])
def test_bad_values_are_errors_naming_panel_gene_and_field(tmp_path, gene_change, field, message):
    path = write(tmp_path, {"name": "Heart", "genes": [GENE | gene_change]})
    with pytest.raises(PanelFileError, match=message) as error:
        read_panelapp_file(path)
    assert error.value.field == field and "panel.json" in str(error.value)


def test_duplicates_and_malformed_json_lines_are_errors_with_their_line(tmp_path):
    with pytest.raises(PanelFileError, match="MYH7 is listed twice"):
        read_panelapp_file(write(tmp_path, {"name": "Heart", "genes": [GENE, GENE]}))
    lines = tmp_path / "panels.jsonl"
    lines.write_text(json.dumps({"name": "A", "genes": [GENE]}) + "\n" + '{"name": "B", "genes": [\n')
    with pytest.raises(PanelFileError, match="malformed JSON") as error:
        read_panelapp_file(lines)
    assert error.value.line == 2
