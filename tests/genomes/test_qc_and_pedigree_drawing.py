import xml.etree.ElementTree as ET

from genomes.pedigree_drawing import pedigree_svg
from genomes.qc import mendelian_error_rate, sample_qc


def stats(**overrides):
    base = {"het": [300, 280], "hom_alt": [150, 140], "x_het": [2, 40], "x_hom_alt": [60, 30],
            "mendelian_sites": 2000, "mendelian_errors": 8}
    return base | overrides


def test_het_hom_ratio_per_sample():
    first, second = sample_qc(stats(), [("S1", "kid", "male"), ("S2", "mum", "female")])
    assert (first.het_hom_ratio, second.het_hom_ratio) == (2.0, 2.0)
    (only,) = sample_qc(stats(het=[3], hom_alt=[0]), [("S", "x", "female")])
    assert only.het_hom_ratio is None  # no hom-alt call: no ratio rather than a division by zero


def test_mendelian_error_rate():
    assert mendelian_error_rate(stats()) == 0.004
    assert mendelian_error_rate(stats(mendelian_sites=0)) is None


def test_a_trio_is_drawn_with_parents_above_the_proband():
    svg = pedigree_svg([
        {"id": "dad", "sex": "male", "affection": "unaffected", "father": None, "mother": None, "proband": False},
        {"id": "mum", "sex": "female", "affection": "unaffected", "father": None, "mother": None, "proband": False},
        {"id": "kid", "sex": "unknown", "affection": "affected", "father": "dad", "mother": "mum", "proband": True},
    ])
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    shapes = {e.get("data-individual"): e for e in root.iter() if e.get("data-individual")}
    assert shapes["dad"].tag.endswith("rect") and shapes["mum"].tag.endswith("circle")
    assert shapes["kid"].tag.endswith("polygon") and shapes["kid"].get("fill") == "#333"
    assert float(shapes["dad"].get("y")) < float(shapes["kid"].get("points").split(",")[1].split()[0])
    assert root.findall(".//s:polyline", ns)
