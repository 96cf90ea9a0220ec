"""Transcript models from the real Ensembl GTF slices (tests/data/gtf and panels/reference_data), via pyensembl."""
import pytest

from genomes.transcript_models import TranscriptIndex, load_transcript_models, transcript_consequence
from tests.public_data import public_file


@pytest.fixture(scope="module")
def chr21(tmp_path_factory):
    return load_transcript_models(public_file("gtf/grch38_chr21_24-27Mb.ensembl.gtf.gz"), build="GRCh38",
                                  cache_dir=tmp_path_factory.mktemp("pyensembl"))


def test_the_vep_test_gtf_has_its_42_genes_and_103_transcripts(chr21):
    assert len(chr21) == 103 and len({m.gene_id for m in chr21}) == 42
    app = [m for m in chr21 if m.gene_name == "APP"]
    assert len(app) == 17 and sum(m.canonical for m in app) == 1
    canonical = next(m for m in app if m.canonical)
    assert canonical.strand == "-" and canonical.cds


def test_consequences_follow_the_exon_structure_on_the_minus_strand(chr21):
    app = next(m for m in chr21 if m.transcript_id == "ENST00000346798")
    last_coding_exon = app.cds[0]                       # lowest coordinates: 3' end of a minus-strand gene
    inside = transcript_consequence(app, last_coding_exon[0] + 5, "A", "G")
    assert inside["terms"] == ["coding_sequence_variant"] and inside["hgvsc"].startswith("c.")
    assert inside["exon"].endswith(f"/{len(app.exons)}")
    frameshift = transcript_consequence(app, last_coding_exon[0] + 5, "AT", "A")
    assert frameshift["terms"] == ["frameshift_variant"]
    exon_b = app.exons[-1]  # ascending order: the intron before it separates it from app.exons[-2]
    donor = transcript_consequence(app, exon_b[0] - 1, "C", "T")   # minus strand: donor is at the exon's low end
    assert donor["terms"][0] == "splice_donor_variant" and donor["intron"]
    assert transcript_consequence(app, app.end + 100, "C", "T")["terms"] == ["upstream_gene_variant"]
    assert transcript_consequence(app, app.start - 100, "C", "T")["terms"] == ["downstream_gene_variant"]


def test_the_index_finds_transcripts_within_5_kb(chr21):
    index = TranscriptIndex(chr21)
    adamts1 = next(m for m in chr21 if m.gene_name == "ADAMTS1")
    assert adamts1 in index.near("21", adamts1.start + 10)
    assert index.near("21", 1_000_000) == [] and index.near("7", 26_000_000) == []
