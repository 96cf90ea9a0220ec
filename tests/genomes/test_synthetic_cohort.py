"""The synthetic cohort generator: realistic enough to prove recall and measure speed."""
import csv
import json

import cyvcf2
import pytest

from core.models import Department
from genomes.models import CaseVariant
from genomes.synthetic import CohortSpec, generate_cohort
from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS
from genomes.vcf.header import open_vcf
from genomes.vcf.records import ReadPolicy, VcfReader
from tests.genomes.importing.test_import_case import import_case
from tests.public_data import public_file

GTF = "gtf/grch38_chr1_head.ensembl.gtf.gz"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort")
    # gene copies (benchmarks' option) for an X-linked family: the GTF has no X gene
    summary = generate_cohort(CohortSpec(out_dir=out, gtf_paths=[public_file(GTF)], families=4, records=6000, seed=7,
                                         cache_dir=out / "cache", gene_copies=True))
    return out, summary


def truth_rows(out):
    with open(out / "truth.tsv") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_every_inheritance_mode_is_planted_once_per_family_in_turn(cohort):
    out, summary = cohort
    rows = truth_rows(out)
    assert [r["mode"] for r in rows] == ["de_novo", "comp_het", "comp_het", "ar_hom", "x_linked"]
    comp_het = [r for r in rows if r["mode"] == "comp_het"]
    assert (
        comp_het[0]["partner"]
        == f"{comp_het[1]['chrom']}-{comp_het[1]['pos']}-{comp_het[1]['ref']}-{comp_het[1]['alt']}"
    )
    x_linked = next(r for r in rows if r["mode"] == "x_linked")
    assert x_linked["chrom"] == "X" and x_linked["child_sex"] == "male" and "-synX." in x_linked["gene"]  # a copy
    assert json.loads((out / "cohort.json").read_text())["planted"] == 5


def test_genotypes_are_mendelian_except_the_planted_de_novo_and_the_spectrum_is_wgs_like(cohort):
    out, _ = cohort
    vcf, header = open_vcf(out / "SYNTRIO0001.vcf.gz")
    assert header.build == "GRCh38" and header.annotation_source == "CSQ"
    reader = VcfReader(
        vcf, header, ReadPolicy(sample_columns=[0, 1, 2], info_fields=DEFAULT_INFO_FIELDS, trio=(0, 1, 2))
    )
    kept = sum(1 for _ in reader.rows())
    stats = reader.statistics
    assert stats.records == 6000
    assert stats.mendelian_errors == 1  # the planted de novo variant
    assert 0.03 < kept / stats.records < 0.10
    assert 1.8 < stats.transitions / stats.transversions < 2.3
    assert stats.x_het[1] == 0 and stats.x_hom_alt[1] > 0  # the father is male: one X, no heterozygous calls
    assert stats.x_het[2] > 0                                # the mother is not
    entries = [len(r.INFO.get("CSQ").split(",")) for r in cyvcf2.VCF(str(out / "SYNTRIO0001.vcf.gz"))]
    assert 1.8 < sum(entries) / len(entries) < 4


@pytest.mark.django_db
def test_planted_variants_are_stored_with_the_genotypes_of_their_mode(cohort, patient_groups):
    out, _ = cohort
    department = Department.objects.create(code="kg-syn", name="Synthetic")
    expected = {"de_novo": [1, 0, 0], "comp_het": None, "ar_hom": [2, 1, 1], "x_linked": [2, 0, 1]}
    imports = {}  # the two compound-het rows share one family: import each family once
    for row in truth_rows(out):
        family = row["family"]
        if family not in imports:
            imports[family], _ = import_case(department, out / f"{family}.ped", out / f"{family}.vcf.gz",
                                             case_identifier=family)
        case_import = imports[family]
        stored = CaseVariant.objects.get(case_id=case_import.case_id, chrom=row["chrom"], pos=int(row["pos"]))
        if row["mode"] == "comp_het":
            assert stored.genotypes in ([1, 1, 0], [1, 0, 1])
        else:
            assert stored.genotypes == expected[row["mode"]]
        assert stored.worst_consequence == "stop_gained", row
        if row["mode"] in ("de_novo", "x_linked"):
            assert stored.gnomad_popmax is None and stored.gnomad_af is None  # absent from population data


def test_maternal_contamination_raises_the_foetal_alt_fraction_where_the_mother_is_hom_alt(tmp_path):
    generate_cohort(CohortSpec(out_dir=tmp_path, gtf_paths=[public_file(GTF)], kind="foetal", records=4000, seed=3,
                               contamination=0.2, cache_dir=tmp_path / "cache"))
    fractions = []
    for record in cyvcf2.VCF(str(tmp_path / "SYNFOETAL0001.vcf.gz")):
        foetus, father, mother = record.gt_types.tolist()
        if foetus == 1 and father == 0 and mother == 3:  # foetus must be het; maternal DNA adds ALT reads
            ref, alt = record.format("AD")[0][:2]
            fractions.append(alt / (ref + alt))
    assert len(fractions) > 20
    assert 0.55 < sum(fractions) / len(fractions) < 0.65  # 0.8 * 0.5 + 0.2 * 1.0 = 0.6


def test_the_default_cohort_is_possible_biology_codons_translated_and_ids_from_the_gtf(tmp_path):
    """Without gene copies: real genes at their real place only, their protein ids from the GTF, and every coding
    change translated from the drawn codon context (a stop gained ends in Ter, a synonymous change keeps its amino
    acid, a missense one changes it), alike on every transcript of a site."""
    from genomes.synthetic import GENETIC_CODE
    from genomes.transcript_models import load_transcript_models

    summary = generate_cohort(CohortSpec(out_dir=tmp_path, gtf_paths=[public_file(GTF)], families=3, records=20000,
                                         seed=3, cache_dir=tmp_path / "cache"))
    assert summary["gene_copies"] is False
    assert [r["mode"] for r in truth_rows(tmp_path)][:1] == ["de_novo"] and \
        "x_linked" not in {r["mode"] for r in truth_rows(tmp_path)}
    proteins = {m.protein_id for m in load_transcript_models(public_file(GTF), build="GRCh38",
                                                             cache_dir=tmp_path / "cache") if m.protein_id}
    coding = 0
    for family in ("SYNTRIO0001", "SYNTRIO0002", "SYNTRIO0003"):
        for record in cyvcf2.VCF(str(tmp_path / f"{family}.vcf.gz")):
            for entry in record.INFO.get("CSQ").split(","):
                fields = entry.split("|")
                terms, gene, hgvsp = fields[1], fields[3], fields[11]
                assert "-syn" not in gene
                if not hgvsp:
                    continue
                coding += 1
                protein, change = hgvsp.split(":p.")
                assert protein in proteins  # the GTF's own ENSP, not a copy of the transcript id
                before, after = change[:3], change.rstrip("=")[-3:]
                if terms == "stop_gained":
                    assert change.endswith("Ter") and before != "Ter"
                elif terms == "synonymous_variant":
                    assert change.endswith("=")
                else:
                    assert terms == "missense_variant" and before != after and "Ter" not in change
                assert before in set(GENETIC_CODE.values())
    assert coding >= 3
    de_novo = next(r for r in truth_rows(tmp_path) if r["mode"] == "de_novo")
    vcf = cyvcf2.VCF(str(tmp_path / "SYNTRIO0001.vcf.gz"))
    csq = next(r.INFO.get("CSQ") for r in vcf if r.POS == int(de_novo["pos"]) and r.CHROM == "chr" + de_novo["chrom"])
    # the planted stop gained, the same codon change on both of PERM1's coding transcripts
    assert {e.split("|")[1] for e in csq.split(",") if e.split("|")[3] == de_novo["gene"]} == {"stop_gained"}
