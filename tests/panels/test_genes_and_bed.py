"""Gene resolution through HGNC and pyensembl, and BED export coordinates checked against the GTF itself."""
import gzip

import pytest

from panels.genes import GeneResolver, HgncTable, panel_bed_lines
from tests.public_data import public_file

GTF38 = "gtf/grch38_chr1_head.ensembl.gtf.gz"
HGNC = "scout-demo/resources/hgnc_reduced_set.txt"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory):
    return GeneResolver(gtf_by_build={"GRCh38": public_file(GTF38)}, hgnc_table=public_file(HGNC),
                        cache_dir=tmp_path_factory.mktemp("pyensembl"))


def gtf_gene(symbol):
    for line in gzip.open(public_file(GTF38), "rt"):
        fields = line.split("\t")
        if len(fields) > 8 and fields[2] == "gene" and f'gene_name "{symbol}"' in fields[8]:
            return fields[0], int(fields[3]), int(fields[4])
    raise LookupError(symbol)


def test_previous_symbols_and_aliases_resolve_through_hgnc():
    table = HgncTable(public_file(HGNC))
    row, note = table.lookup("ARAF1")
    assert row["symbol"] == "ARAF" and note == "ARAF1 is a previous symbol of ARAF"
    row, note = table.lookup("THOC4")
    assert row["symbol"] == "ALYREF"
    row, note = table.lookup("XB130")
    assert row["symbol"] == "AFAP1L2" and "alias" in note
    assert table.lookup("NOT-A-GENE")[0] is None


def test_genes_are_located_in_the_gtf_and_unknown_ones_reported(resolver):
    agrn = resolver.resolve("AGRN")
    assert agrn.locations["GRCh38"].chrom == "1" and agrn.ensembl_ids["GRCh38"].startswith("ENSG")
    unknown = resolver.resolve("NOT-A-GENE")
    assert not unknown.known and "not in the HGNC table" in unknown.note and "GRCh38" in unknown.note


def test_bed_export_coordinates_match_the_gtf_with_padding(resolver):
    entries = [{"symbol": "AGRN", "padding": 0}, {"symbol": "ISG15", "padding": 25}, {"symbol": "NOT-A-GENE"}]
    lines = panel_bed_lines(entries, build="GRCh38", resolver=resolver, title="Test panel v1.0")
    assert lines[0] == "# Test panel v1.0 (GRCh38)" and lines[1] == "# not in the GRCh38 gene models: NOT-A-GENE"
    records = {line.split("\t")[3]: line.split("\t") for line in lines[2:]}
    chrom, start, end = gtf_gene("AGRN")
    assert records["AGRN"][:3] == [f"chr{chrom}", str(start - 1), str(end)]  # BED: 0-based start, exclusive end
    chrom, start, end = gtf_gene("ISG15")
    assert records["ISG15"][:3] == [f"chr{chrom}", str(start - 1 - 25), str(end + 25)]
    assert [line.split("\t")[3] for line in lines[2:]] == ["ISG15", "AGRN"]  # sorted by position
