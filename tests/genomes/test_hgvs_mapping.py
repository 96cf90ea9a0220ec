"""HGVS c., n. and p. to the genome over real Ensembl transcripts of the shipped GTF extracts: AGRN on the plus
strand (chr1 head, GRCh38) and APP on the minus strand (chr21 extract), intron offsets, UTR positions,
deletions. Positions are held to pyensembl's own transcript offsets (an independent implementation) and, for
AGRN c.5353G>A / p.Asp1785Asn, to VEP's annotation of that variant in the Scout demo data."""
import warnings

import pytest

from genomes.hgvs_mapping import HgvsError, to_genome
from genomes.transcript_models import GeneModels, ensembl_genome, load_transcript_models
from tests.public_data import public_file

CHR1 = "gtf/grch38_chr1_head.ensembl.gtf.gz"
CHR21 = "gtf/grch38_chr21_24-27Mb.ensembl.gtf.gz"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("pyensembl")


@pytest.fixture(scope="module")
def chr1(cache):
    return GeneModels(load_transcript_models(public_file(CHR1), build="GRCh38", cache_dir=cache), gtf=CHR1)


@pytest.fixture(scope="module")
def chr21(cache):
    return GeneModels(load_transcript_models(public_file(CHR21), build="GRCh38", cache_dir=cache), gtf=CHR21)


def pyensembl_c(gtf, cache, transcript_id: str, genomic: int) -> int:
    """c. position of an exonic genomic position by pyensembl's spliced offsets."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transcript = ensembl_genome(public_file(gtf), build="GRCh38", cache_dir=cache).transcript_by_id(transcript_id)
    return transcript.spliced_offset(genomic) - transcript.start_codon_spliced_offsets[0] + 1


def test_plus_strand_substitution_and_its_protein_change_in_one_and_three_letters(chr1, cache):
    # VEP (Scout demo, vep97_annotated_clnsig_conservation_revel.vcf): ENST00000379370.2:c.5353G>A,
    # ENSP00000368678.2:p.Asp1785Asn
    target = to_genome("ENST00000379370.2:c.5353G>A", chr1)
    assert (target.chrom, target.start, target.ref, target.alt, target.strand) == ("1", 1051352, "G", "A", "+")
    assert pyensembl_c(CHR1, cache, "ENST00000379370", 1051352) == 5353
    for notation in ("ENSP00000368678.2:p.Asp1785Asn", "AGRN:p.D1785N", "ENST00000379370:p.(Asp1785Asn)"):
        codon = to_genome(notation, chr1)
        assert codon.kind == "codon" and codon.codon_positions == (1051352, 1051353, 1051354), notation
        assert codon.protein_change == "Asp1785Asn"


def test_minus_strand_substitution_is_complemented(chr21, cache):
    target = to_genome("ENST00000346798:c.2149G>A", chr21)  # APP p.Val717Ile
    assert (target.chrom, target.start, target.ref, target.alt, target.strand) == ("21", 25891784, "C", "T", "-")
    assert pyensembl_c(CHR21, cache, "ENST00000346798", 25891784) == 2149
    codon = to_genome("APP:p.Val717Ile", chr21)
    assert codon.codon_positions == (25891782, 25891783, 25891784)


@pytest.mark.parametrize("gtf,transcript_id", [(CHR1, "ENST00000379370"), (CHR21, "ENST00000346798")])
def test_intron_offsets_count_from_the_exon_edge_on_either_strand(gtf, transcript_id, cache, chr1, chr21):
    models = chr1 if gtf == CHR1 else chr21
    model = models.by_transcript[transcript_id]
    coding = [(s, e) for s, e in model.exons if any(s <= cs <= e for cs, _ in model.cds)]
    checked = 0
    for start, end in coding[1:-1]:
        # the exon's 3' edge in transcript order, and the first intronic bases after it
        edge, step = (end, 1) if model.strand == "+" else (start, -1)
        c = pyensembl_c(gtf, cache, transcript_id, edge)
        for offset in (1, 2, 5):
            assert to_genome(f"{transcript_id}:c.{c}+{offset}A>G", models).start == edge + step * offset
        # and the 5' edge, counted back into the intron before it
        edge5, step5 = (start, -1) if model.strand == "+" else (end, 1)
        c5 = pyensembl_c(gtf, cache, transcript_id, edge5)
        assert to_genome(f"{transcript_id}:c.{c5}-3A>G", models).start == edge5 + step5 * 3
        checked += 1
    assert checked >= 3


def test_utr_positions_and_deletions(chr1, chr21, cache):
    # c.-1 is the base before the start codon, c.*1 the base after the stop codon (pyensembl's offsets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transcript = ensembl_genome(public_file(CHR1), build="GRCh38", cache_dir=cache).transcript_by_id(
            "ENST00000379370"
        )
    before_start = to_genome("ENST00000379370:c.-1A>G", chr1).start
    after_stop = to_genome("ENST00000379370:c.*1A>G", chr1).start
    assert transcript.spliced_offset(before_start) == transcript.start_codon_spliced_offsets[0] - 1
    assert transcript.spliced_offset(after_stop) == transcript.stop_codon_spliced_offsets[-1] + 1

    deletion = to_genome("AGRN:c.5353_5355del", chr1)
    assert (deletion.kind, deletion.start, deletion.end, deletion.length) == ("del", 1051352, 1051354, 3)
    minus = to_genome("ENST00000346798:c.2149_2150delGT", chr21)
    assert (minus.start, minus.end, minus.ref) == (25891783, 25891784, "AC")  # reverse complement, genome order
    insertion = to_genome("ENST00000346798:c.2149_2150insTTG", chr21)
    assert (insertion.start, insertion.alt) == (25891783, "CAA")


def test_what_cannot_be_placed_is_said(chr1):
    with pytest.raises(HgvsError, match="not a transcript, protein or gene of the configured gene models"):
        to_genome("ENST00000999999:c.1A>G", chr1)
    with pytest.raises(HgvsError, match="not HGVS notation"):
        to_genome("AGRN:c.banana", chr1)


def test_a_refseq_accession_maps_where_the_configured_gtf_carries_refseq_transcripts(tmp_path, cache):
    """The GTF extract with APP's transcript under its RefSeq name (NM_000484, as an NCBI GTF names it): the
    RefSeq notation then places exactly as the Ensembl one does."""
    import gzip

    text = gzip.open(public_file(CHR21), "rt").read()
    renamed = text.replace('transcript_id "ENST00000346798"', 'transcript_id "NM_000484"')
    assert renamed != text
    gtf = tmp_path / "refseq_app.gtf.gz"
    with gzip.open(gtf, "wt") as out:
        out.write(renamed)
    models = GeneModels(load_transcript_models(gtf, build="GRCh38", cache_dir=tmp_path / "cache"), gtf=str(gtf))
    target = to_genome("NM_000484.4:c.2149G>A", models)
    assert (target.chrom, target.start, target.ref, target.alt, target.transcript) == ("21", 25891784, "C", "T",
                                                                                     "NM_000484")
