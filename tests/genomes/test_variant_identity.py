"""The one module that gives variants their identity."""
import gzip
import re

import pytest

from genomes.variant_identity import (
    CONTIG_LENGTHS,
    GenomeBuild,
    VariantIdentityError,
    VariantKey,
    build_from_header,
    key_digest,
    normalize_contig,
    parse_build,
    trim_alleles,
    variant_key,
    variant_label,
    xpos,
)
from tests.public_data import public_file

GRCH37_FILES = ["scout-demo/643594.clinical.vcf.gz", "slivar/ashk-trio.vcf.gz", "scout-demo/cancer_test.vcf.gz"]
GRCH38_FILES = ["scout-demo/vep113_existing_variation.vcf", "slivar/comphet.csq.vcf"]


def header_of(relative):
    path = public_file(relative)
    opener = gzip.open if path.suffix == ".gz" else open
    lines = []
    with opener(path, "rt") as handle:
        for line in handle:
            if not line.startswith("##"):
                break
            lines.append(line.rstrip("\n"))
    lengths = {}
    for line in lines:
        match = re.match(r"##contig=<ID=([^,>]+),length=(\d+)", line)
        if match:
            lengths[match.group(1)] = int(match.group(2))
    return lengths, lines


@pytest.mark.parametrize("relative,build", [(f, GenomeBuild.GRCH37) for f in GRCH37_FILES]
                         + [(f, GenomeBuild.GRCH38) for f in GRCH38_FILES])
def test_the_build_is_read_from_real_headers_and_our_contig_table_agrees_with_them(relative, build):
    lengths, lines = header_of(relative)
    assert build_from_header(lengths, lines)[0] == build
    for name, length in lengths.items():
        contig = normalize_contig(name)
        if contig in CONTIG_LENGTHS[build]:
            assert CONTIG_LENGTHS[build][contig] == length, (relative, name)


def test_a_header_whose_lengths_and_reference_disagree_is_refused():
    with pytest.raises(VariantIdentityError, match="contig lengths say GRCh37"):
        build_from_header({"1": 249250621}, ["##reference=file:///refs/GRCh38.fa"])


def test_without_lengths_the_reference_line_decides_and_without_either_there_is_no_build():
    assert build_from_header({"chr1": None}, ["##reference=hg38.fa"])[0] == GenomeBuild.GRCH38
    assert build_from_header({}, [])[0] is None


@pytest.mark.parametrize("raw,canonical", [
    ("chr1", "1"), ("1", "1"), ("01", "1"), ("chrX", "X"), ("x", "X"), ("chrM", "MT"), ("M", "MT"),
    ("MT", "MT"), ("chrMT", "MT"), ("chr1_KI270706v1_random", "1_KI270706v1_random"), ("GL000192.1", "GL000192.1"),
])
def test_contig_names_are_unified(raw, canonical):
    assert normalize_contig(raw) == canonical


@pytest.mark.parametrize("spelling,build", [("GRCh38", "GRCh38"), ("hg19", "GRCh37"), ("b37", "GRCh37"),
                                            ("38", "GRCh38"), ("grch37", "GRCh37")])
def test_build_spellings(spelling, build):
    assert parse_build(spelling) == build


def test_an_unknown_build_is_named_in_the_error():
    with pytest.raises(VariantIdentityError, match="'hg17'"):
        parse_build("hg17")


@pytest.mark.parametrize("before,after", [
    ((100, "A", "T"), (100, "A", "T")),                 # SNV untouched
    ((100, "CTT", "CT"), (100, "CT", "C")),             # shared suffix
    ((100, "ACGT", "ACGA"), (103, "T", "A")),           # padded SNV from a split multi-allelic record
    ((100, "GCACA", "GCA"), (100, "GCA", "G")),         # deletion keeps its anchor base
    ((100, "T", "TAAA"), (100, "T", "TAAA")),           # insertion untouched
    ((100, "aCg", "aTg"), (101, "C", "T")),             # lower case is upper-cased
])
def test_alleles_are_trimmed_to_a_minimal_representation(before, after):
    assert trim_alleles(*before) == after


def test_the_same_variant_written_two_ways_gets_one_key():
    padded = variant_key(build=GenomeBuild.GRCH38, chrom="chr7", pos=117559590, ref="ATCT", alt="AT")
    minimal = variant_key(build=GenomeBuild.GRCH38, chrom="7", pos=117559590, ref="ATC", alt="A")
    assert padded == minimal
    assert str(minimal) == "GRCh38-7-117559590-ATC-A"
    assert xpos(minimal.chrom, minimal.pos) == 7_117_559_590


@pytest.mark.parametrize("fields,message", [
    (dict(chrom="chr23", pos=5, ref="A", alt="T"), "CHROM 'chr23' is not a primary contig of GRCh38"),
    (dict(chrom="MT", pos=16570, ref="A", alt="T"), "POS 16570 is outside MT"),
    (dict(chrom="1", pos=0, ref="A", alt="T"), "POS 0"),
    (dict(chrom="1", pos=5, ref="A", alt="<DEL>"), "ALT '<DEL>' is not a sequence allele"),
    (dict(chrom="1", pos=5, ref="A", alt="*"), "ALT '\\*'"),
    (dict(chrom="1", pos=5, ref="R", alt="A"), "REF 'R'"),
    (dict(chrom="1", pos=5, ref="A", alt="a"), "ALT 'a' equals REF"),
])
def test_invalid_variants_are_refused_naming_the_field(fields, message):
    with pytest.raises(VariantIdentityError, match=message):
        variant_key(build=GenomeBuild.GRCH38, **fields)


def test_x_sorts_after_the_autosomes_and_mt_last():
    keys = [variant_key(build=GenomeBuild.GRCH37, chrom=c, pos=10, ref="A", alt="G") for c in ("MT", "X", "22", "2")]
    assert [k.chrom for k in sorted(keys, key=lambda k: xpos(k.chrom, k.pos))] == ["2", "22", "X", "MT"]
    assert xpos("X", 10) == 23_000_000_010 and xpos("MT", 1) == 25_000_000_001 and xpos("GL000192.1", 5) > xpos("MT", 1)


def test_a_written_variant_id_reads_back_to_the_same_trimmed_key():
    key = variant_key(build=GenomeBuild.GRCH38, chrom="chr1", pos=1022300, ref="CA", alt="TA")
    assert str(key) == "GRCh38-1-1022300-C-T"
    assert VariantKey.parse("GRCh38-1-1022300-C-T") == key
    assert VariantKey.parse("hg38-chr1-1022300-CA-TA") == key
    assert variant_label(key.chrom, key.pos, key.ref, key.alt) == "1-1022300-C-T"
    for bad, message in (("GRCh38-1-1022300-C", "BUILD-CHROM-POS-REF-ALT"), ("GRCh38-1-x-C-T", "POS 'x'"),
                         ("GRCh99-1-5-C-T", "unknown genome build")):
        with pytest.raises(VariantIdentityError, match=message):
            VariantKey.parse(bad)


def test_the_national_key_digests_the_written_id_of_the_stored_allele():
    import hashlib

    assert key_digest("GRCh37", "1", 156146640, "G", "A") == hashlib.md5(b"GRCh37-1-156146640-G-A").hexdigest()
