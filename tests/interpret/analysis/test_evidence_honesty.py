"""Evidence says what it does not know: "not annotated" where the file lacks a field, "absent from gnomAD" where it
has the field and the variant no value; annotation written under other names and in structured INFO fields is
read; ClinVar review stars and the keep rule; HGVS decoded and searchable; observations kept apart."""
import json

import pytest

from genomes.models import CaseImport, CaseVariant
from interpret.analysis.engine import run_analysis
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.public_data import public_file

EVERYTHING = {"genome_wide": True, "max_popmax": None, "impacts": [], "pass_only": False,
              "include_clinvar_pathogenic": False}

# A singleton annotated as some pipelines write it: VEP under the name the pipeline gave it (--vcf_info_field VEP),
# gnomAD, CADD and ClinVar as structured INFO fields whose header declares their sub-fields, SpliceAI as its
# plugin writes it.
STRUCTURED_VCF = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=248956422>
##INFO=<ID=VEP,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|SIFT|PolyPhen|RefSeq|MANE_SELECT">
##INFO=<ID=MAX_POP_AF,Number=A,Type=String,Description="gnomAD v4.1 popmax. Format:'AF_popmax|POP'">
##INFO=<ID=CADD,Number=A,Type=String,Description="CADD v1.7. Format:'RAW|PHRED'">
##INFO=<ID=SpliceAI,Number=.,Type=String,Description="SpliceAIv1.3 variant annotation. These include delta scores (DS) and delta positions (DP) for acceptor gain (AG), acceptor loss (AL), donor gain (DG), and donor loss (DL). Format: ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL">
##INFO=<ID=CLINVAR,Number=.,Type=String,Description="ClinVar 2024-05. Format:'CLNSIG|CLNREVSTAT'">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID
chr1\t1000\t.\tG\tA\t50\tPASS\tVEP=A|missense_variant|MODERATE|AGRN|ENSG00000188157|Transcript|ENST00000379370|protein_coding|ENST00000379370.7:c.100G>A|ENSP00000368678.2:p.Gly34Ser|deleterious(0.01)|probably_damaging(0.981)|NM_198576.4|NM_198576.4;MAX_POP_AF=0.0012|nfe;CADD=3.2|24.1;SpliceAI=A|AGRN|0.01|0.00|0.45|0.02|1|2|3|4;CLINVAR=Likely_pathogenic|criteria_provided&_multiple_submitters&_no_conflicts\tGT:AD:DP:GQ\t0/1:10,10:20:99
chr1\t2000\t.\tC\tT\t50\tPASS\tVEP=T|synonymous_variant|LOW|AGRN|ENSG00000188157|Transcript|ENST00000379370|protein_coding|ENST00000379370.7:c.105C>T|ENSP00000368678.2:p.Gly35%3D|||NM_198576.4|NM_198576.4;MAX_POP_AF=.|.\tGT:AD:DP:GQ\t0/1:9,11:20:99
chr1\t3000\t.\tG\tC\t50\tPASS\tVEP=C|missense_variant|MODERATE|AGRN|ENSG00000188157|Transcript|ENST00000379370|protein_coding|ENST00000379370.7:c.300G>C|ENSP00000368678.2:p.Glu100Asp|||NM_198576.4|NM_198576.4;MAX_POP_AF=0.03|afr;CLINVAR=Pathogenic|criteria_provided&_single_submitter\tGT:AD:DP:GQ\t0/1:10,10:20:99
chr1\t4000\t.\tA\tG\t50\tPASS\tVEP=G|missense_variant|MODERATE|AGRN|ENSG00000188157|Transcript|ENST00000379370|protein_coding|ENST00000379370.7:c.400A>G|ENSP00000368678.2:p.Lys134Glu|||NM_198576.4|NM_198576.4;MAX_POP_AF=0.03|afr;CLINVAR=Pathogenic|no_assertion_criteria_provided\tGT:AD:DP:GQ\t0/1:10,10:20:99
"""  # noqa: E501 (VCF header lines as the annotators write them)
FIELD_MAP = {"gnomad_popmax": ["MAX_POP_AF:AF_popmax"], "cadd_phred": ["CADD:PHRED"],
             "clinvar": ["CLINVAR:CLNSIG"], "clinvar_review": ["CLINVAR:CLNREVSTAT"]}


@pytest.fixture
def structured(dept_a, tmp_path, settings):
    field_map = tmp_path / "fields.json"
    field_map.write_text(json.dumps(FIELD_MAP))
    settings.VARIANT_FIELD_MAP_FILE = str(field_map)
    vcf = tmp_path / "structured.vcf"
    vcf.write_text(STRUCTURED_VCF)
    ped = write_ped(tmp_path, "f\tKID\t0\t0\t1\t2\n")
    case_import, job = import_case(dept_a, ped, vcf, case_identifier="STRUCT-1", build="GRCh38")
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    return case_import


FREQUENCY_KEYS = ("1000GAF", "1000G_MAX_AF", "EXACAF", "EXACMAXAF", "EXACMAX_AF", "SWEREFAF", "SWEGENAF")


@pytest.fixture
def without_frequencies(dept_a, tmp_path):
    """The Scout demo trio with its population frequency fields (ExAC, 1000 Genomes, SweRef, SweGen) taken out of
    the header and the records: a real file that carries no population frequency."""
    import gzip

    lines = []
    for line in gzip.open(public_file("scout-demo/643594.clinical.vcf.gz"), "rt"):
        if line.startswith("##INFO=<ID=") and line[11:].split(",", 1)[0] in FREQUENCY_KEYS:
            continue
        if not line.startswith("#"):
            fields = line.split("\t")
            fields[7] = ";".join(p for p in fields[7].split(";") if p.split("=", 1)[0] not in FREQUENCY_KEYS)
            line = "\t".join(fields)
        lines.append(line)
    vcf = tmp_path / "643594.no-frequencies.vcf"
    vcf.write_text("".join(lines))
    case_import, job = import_case(dept_a, public_file("scout-demo/643594.ped"), vcf, case_identifier="643594-NOFREQ")
    assert job.state == "done", job.error
    return case_import.case


@pytest.mark.django_db
def test_a_file_without_gnomad_says_not_annotated_and_its_frequency_filter_keeps_everything(client,
                                                                                         without_frequencies,
                                                                                         alice):
    trio = without_frequencies
    evidence = CaseImport.objects.get(case=trio, is_current=True).statistics["evidence_sources"]
    assert evidence["consequence"] == "INFO/CSQ" and evidence["gnomad_af"] is None and evidence["gnomad_popmax"] is None
    everything = run_analysis(trio, EVERYTHING, user=alice)
    filtered = run_analysis(trio, {**EVERYTHING, "max_popmax": 0.001}, user=alice)
    assert len(filtered.candidates) == len(everything.candidates) > 0
    assert any("no population frequencies" in note and "kept every variant" in note for note in filtered.notes)
    assert not everything.notes
    client.force_login(alice)
    table = client.get(f"/cases/{trio.pk}/variants/?genome_wide=true&max_popmax=0.001").content.decode()
    rows = table.split('data-testid="variant-table"', 1)[1]
    assert "not annotated" in rows and "absent" not in rows
    assert "kept every variant" in table
    case_page = client.get(f"/cases/{trio.pk}/").content.decode()
    assert "Not annotated in this file: population frequency" in case_page
    variant_id = everything.candidates[0].row["id"]
    detail = client.get(f"/cases/{trio.pk}/variants/{variant_id}/").content.decode()
    assert "not annotated" in detail and "absent" not in detail


@pytest.mark.django_db
def test_renamed_vep_and_structured_info_fields_are_read_and_the_summary_names_each_source(structured):
    assert structured.annotation_source == "VEP"
    sources = structured.statistics["evidence_sources"]
    assert {k: sources[k] for k in ("consequence", "gnomad_popmax", "cadd_phred", "spliceai", "clinvar",
                                     "clinvar_review", "sift", "polyphen")} == {
        "consequence": "INFO/VEP", "gnomad_popmax": "INFO/MAX_POP_AF:AF_popmax", "cadd_phred": "INFO/CADD:PHRED",
        "spliceai": "INFO/SpliceAI", "clinvar": "INFO/CLINVAR:CLNSIG", "clinvar_review": "INFO/CLINVAR:CLNREVSTAT",
        "sift": "INFO/VEP:SIFT", "polyphen": "INFO/VEP:PolyPhen"}
    rows = {r.pos: r for r in CaseVariant.objects.filter(case_id=structured.case_id)}
    first = rows[1000]
    assert first.is_annotated and first.genes == ["AGRN"] and first.worst_consequence == "missense_variant"
    assert (first.gnomad_popmax, first.cadd_phred, first.spliceai) == (0.0012, 24.1, 0.45)
    assert first.clinvar == ["likely_pathogenic"] and first.clinvar_stars == 2
    transcript = first.transcripts[0]
    assert transcript["sift"].startswith("deleterious") and transcript["polyphen"].startswith("probably_damaging")
    assert transcript["refseq"] == "NM_198576.4"
    assert rows[2000].gnomad_popmax is None and rows[2000].clinvar_stars is None
    assert (rows[3000].clinvar_stars, rows[4000].clinvar_stars) == (1, 0)


@pytest.mark.django_db
def test_the_clinvar_keep_rule_trusts_the_configured_review_levels(structured, alice, settings):
    case = structured.case
    strict = {**EVERYTHING, "max_popmax": 0.01, "include_clinvar_pathogenic": True}
    kept = {c.row["pos"] for c in run_analysis(case, strict, user=alice).candidates}
    assert kept == {1000, 2000, 3000}  # 4000: common and ClinVar P without review criteria (0 stars)
    settings.CLINVAR_MIN_STARS = 0
    assert {c.row["pos"] for c in run_analysis(case, strict, user=alice).candidates} == {1000, 2000, 3000, 4000}
    settings.CLINVAR_MIN_STARS = 2
    assert {c.row["pos"] for c in run_analysis(case, strict, user=alice).candidates} == {1000, 2000}


@pytest.mark.django_db
def test_hgvs_is_shown_decoded_and_found_by_one_and_three_letter_protein_change_and_refseq(structured, alice,
                                                                                           client):
    case = structured.case
    for text in ("p.Gly34Ser", "p.G34S", "G34S", "NM_198576.4:c.100G>A", "ENST00000379370.7:c.100G>A"):
        found = {c.row["pos"] for c in run_analysis(case, {**EVERYTHING, "text": text}, user=alice).candidates}
        assert found == {1000}, text
    client.force_login(alice)
    table = client.get(f"/cases/{case.pk}/variants/?genome_wide=true&max_popmax=&impacts=").content.decode()
    assert ">p.Gly35=<" in table and "ENSP00000368678.2:p.Gly35=" in table  # the cell, and the whole on hover
    assert "%3D" not in table
    assert "absent from gnomAD" in table  # the file has the field; the record at 2000 has no value
    assert "★★" in table


@pytest.mark.django_db
def test_the_variant_page_links_out_and_shows_sift_polyphen_and_constraint(structured, alice, client, settings,
                                                                            tmp_path):
    constraint = tmp_path / "constraint.tsv"
    constraint.write_text("gene\ttranscript\tmane_select\tlof.pLI\tlof.oe_ci.upper\nAGRN\tENST00000379370\ttrue\t"
                          "0.97\t0.31\n")
    settings.GNOMAD_CONSTRAINT_TABLE = str(constraint)
    variant_id = CaseVariant.objects.get(case_id=structured.case_id, pos=1000).variant_id
    client.force_login(alice)
    page = client.get(f"/cases/{structured.case_id}/variants/{variant_id}/").content.decode()
    assert "gnomad.broadinstitute.org/variant/1-1000-G-A?dataset=gnomad_r4" in page
    assert "ncbi.nlm.nih.gov/clinvar" in page and "omim.org" in page and "franklin.genoox.com" in page
    assert 'rel="noopener noreferrer"' in page
    assert "deleterious" in page and "probably damaging" in page
    assert "pLI" in page and "0.97" in page and "0.31" in page
