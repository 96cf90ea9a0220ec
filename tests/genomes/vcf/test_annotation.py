"""CSQ and ANN read by the field order their headers declare, on real VEP v85-v113 and SnpEff files."""
import cyvcf2
import pytest

from genomes.vcf.annotation import (
    AnnotationHeaderError,
    ConsequenceFormat,
    consequences_for_alt,
    parse_consequences,
    vep_allele_strings,
)
from tests.public_data import public_file


def first_record(relative, info_key="CSQ"):
    vcf = cyvcf2.VCF(str(public_file(relative)))
    fmt = ConsequenceFormat.from_description(info_key, vcf.get_header_type(info_key)["Description"])
    record = next(iter(vcf))
    return fmt, record, parse_consequences(record.INFO.get(info_key), fmt)


def test_vep_97_missense_in_agrn():
    fmt, record, consequences = first_record("scout-demo/vep97_annotated_clnsig_conservation_revel.vcf")
    canonical = [c for c in consequences if c.canonical]
    assert canonical, consequences
    agrn = canonical[0]
    assert (agrn.symbol, agrn.gene_id, agrn.transcript_id) == ("AGRN", "ENSG00000188157", "ENST00000379370")
    assert agrn.consequences == ("missense_variant",) and agrn.impact == "MODERATE"
    assert agrn.hgvsc == "ENST00000379370.2:c.5353G>A" and agrn.hgvsp == "ENSP00000368678.2:p.Asp1785Asn"
    assert agrn.exon == "31/36"
    # Only REVEL_rankscore is in this CSQ: a rank on another scale, never read as the REVEL score
    # whose calibrated thresholds (PP3/BP4) later issues apply.
    assert "REVEL_rankscore" in fmt.fields and not fmt.has("revel") and agrn.revel is None


def test_vep_104_missense_in_nphp4():
    fmt, record, consequences = first_record("scout-demo/vep104_annotated.vcf")
    nphp4 = next(c for c in consequences if c.canonical)
    assert (nphp4.symbol, nphp4.hgvsp) == ("NPHP4", "ENSP00000367398.4:p.Arg1294Ser")
    assert nphp4.hgnc_id == "19104"


def test_vep_113_utr_variant_with_spliceai_deltas_and_clinvar_significance():
    fmt, record, consequences = first_record("scout-demo/vep113_existing_variation.vcf")
    fbn1 = next(c for c in consequences if c.canonical)
    assert (fbn1.symbol, fbn1.consequences, fbn1.impact) == ("FBN1", ("3_prime_UTR_variant",), "MODIFIER")
    assert fbn1.hgvsc == "ENST00000316623.10:c.*1580G>A" and fbn1.hgvsp is None
    assert "rs17352989" in fbn1.existing_variation
    assert fbn1.spliceai_max == 0.0  # the maximum of the four DS_ delta scores, all 0.00 here
    assert fbn1.revel is None and fmt.has("revel")  # REVEL declared, empty for a UTR variant
    refseq = [c for c in consequences if (c.transcript_id or "").startswith("NM_")]
    assert refseq and refseq[0].transcript_id == "NM_000138.5"  # --merged cache: Ensembl and RefSeq rows
    assert "likely_benign" in fbn1.clin_sig


def test_vep_92_without_allele_field_uses_allele_num():
    fmt, record, consequences = first_record("slivar/comphet-test-case.vcf")
    assert not fmt.has("allele") and fmt.has("allele_num")
    assert {c.allele_num for c in consequences} == {1}
    assert consequences[0].symbol == "PPIL1"


def test_scout_trio_carries_both_csq_and_snpeff_ann():
    vcf = cyvcf2.VCF(str(public_file("scout-demo/643594.clinical.vcf.gz")))
    csq = ConsequenceFormat.from_description("CSQ", vcf.get_header_type("CSQ")["Description"])
    ann = ConsequenceFormat.from_description("ANN", vcf.get_header_type("ANN")["Description"])
    assert ann.fields[:4] == ("Allele", "Annotation", "Annotation_Impact", "Gene_Name")
    assert csq.has("lof") and csq.has("hgvsc")
    records = 0
    for record in vcf:
        records += 1
        for fmt in (csq, ann):
            entries = parse_consequences(record.INFO.get(fmt.info_key), fmt)
            assert entries and all(e.consequences for e in entries)
        if records == 200:
            break
    assert records == 200


def test_a_header_without_a_field_list_is_refused_by_name():
    with pytest.raises(AnnotationHeaderError, match="INFO/CSQ: the header declares no"):
        ConsequenceFormat.from_description("CSQ", "Consequence annotations from Ensembl VEP")


def test_header_wording_does_not_matter():
    plain = ConsequenceFormat.from_description("CSQ", "Format: Allele|Consequence|IMPACT|SYMBOL")
    reworded = ConsequenceFormat.from_description(
        "CSQ", "Annotations by VEP 115 (fields: Allele|Consequence|IMPACT|SYMBOL)"
    )
    assert plain.fields == reworded.fields


@pytest.mark.parametrize("ref,alts,expected", [
    ("A", ["T"], ["T"]), ("A", ["T", "G"], ["T", "G"]), ("AT", ["A"], ["-"]), ("A", ["AT"], ["T"]),
    ("AT", ["A", "ATT"], ["-", "TT"]), ("A", ["T", "AT"], ["T", "AT"]),
])
def test_vep_allele_strings(ref, alts, expected):
    assert vep_allele_strings(ref, alts) == expected


def test_entries_are_assigned_to_their_alt_in_a_multiallelic_record():
    fmt = ConsequenceFormat.from_description("CSQ", "Format: Allele|Consequence|SYMBOL")
    entries = parse_consequences("-|frameshift_variant|BRCA2,TT|inframe_insertion|BRCA2", fmt)
    first = consequences_for_alt(entries, ref="AT", alts=["A", "ATT"], alt_index=1)
    second = consequences_for_alt(entries, ref="AT", alts=["A", "ATT"], alt_index=2)
    assert [e.consequences for e in first] == [("frameshift_variant",)]
    assert [e.consequences for e in second] == [("inframe_insertion",)]
