"""Read-backed phase (issue 29): two heterozygous variants of one gene that the file phased in cis are never
compound heterozygous, in a singleton, duo or trio; phased in trans they are, without parents, and the table says
"phased in trans"; unphased pairs in a singleton are "possible compound het, phase unknown". PS and GATK's
PGT/PID both read; slivar's compound-het test case still gives its pair."""
import pytest

from genomes.models import Case, VariantPhase
from interpret.analysis.engine import run_analysis
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.public_data import public_file

pytestmark = pytest.mark.django_db
CSQ = ("##INFO=<ID=CSQ,Number=.,Type=String,Description=\"Consequence annotations from Ensembl VEP. Format: "
       "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc\">\n")
HEADER = ("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=248956422>\n" + CSQ +
          '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
          '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n'
          '##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing haplotype">\n'
          '##FORMAT=<ID=PID,Number=1,Type=String,Description="Physical phasing ID">\n'
          "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{samples}\n")


def record(pos, alt, *calls, fmt="GT:PS"):
    csq = (f"CSQ={alt}|missense_variant|MODERATE|AGRN|ENSG00000188157|Transcript|ENST00000379370|protein_coding|"
           f"c.{pos}A>{alt}")
    return f"chr1\t{pos}\t.\tA\t{alt}\t50\tPASS\t{csq}\t{fmt}\t" + "\t".join(calls) + "\n"


def analysed(department, tmp_path, name, ped, samples, records):
    vcf = tmp_path / f"{name}.vcf"
    vcf.write_text(HEADER.format(samples="\t".join(samples)) + "".join(records))
    _, job = import_case(department, write_ped(tmp_path, ped, f"{name}.ped"), vcf, case_identifier=name)
    assert job.state == "done", job.error
    result = run_analysis(Case.objects.get(identifier=name), {"genome_wide": True, "max_popmax": 1},
                          record=False)
    return {c.row["pos"]: c for c in result.candidates}


def partners(candidate):
    return {(p["pos"], p["kind"], p.get("evidence", "")) for p in candidate.partners if "pos" in p}


def test_a_singleton_pair_phased_in_trans_is_compound_het_and_in_cis_is_not(department, tmp_path):
    ped = "S\tKID\t0\t0\t1\t2\n"
    trans = analysed(department, tmp_path, "TRANS", ped, ["KID"],
                     [record(1051000, "G", "0|1:1051000"), record(1052000, "T", "1|0:1051000")])
    assert partners(trans[1051000]) == {(1052000, "comp_het", "phased in trans")}
    assert "comp_het" in trans[1052000].modes
    cis = analysed(department, tmp_path, "CIS", ped, ["KID"],
                   [record(1051000, "G", "0|1:1051000"), record(1052000, "T", "0|1:1051000")])
    assert partners(cis[1051000]) == set() and "possible_comp_het" not in cis[1051000].modes
    unknown = analysed(department, tmp_path, "UNPHASED", ped, ["KID"],
                       [record(1051000, "G", "0/1:."), record(1052000, "T", "0/1:.")])
    assert partners(unknown[1051000]) == {(1052000, "possible_comp_het", "phase unknown")}
    # different phase sets say nothing about each other: phase unknown
    apart = analysed(department, tmp_path, "APART", ped, ["KID"],
                     [record(1051000, "G", "0|1:1051000"), record(1052000, "T", "0|1:1051900")])
    assert partners(apart[1051000]) == {(1052000, "possible_comp_het", "phase unknown")}
    assert VariantPhase.objects.filter(case_import__case__identifier="TRANS").count() == 2


def test_gatks_pgt_and_pid_phase_a_duo_pair_in_cis_and_the_cis_pair_of_a_trio_stays_uncalled(department, tmp_path):
    duo = analysed(department, tmp_path, "DUO", "D\tKID\t0\tMUM\t1\t2\nD\tMUM\t0\t0\t2\t1\n", ["KID", "MUM"],
                   [record(1051000, "G", "0/1:0|1:1051000_A_G", "0/0:.:.", fmt="GT:PGT:PID"),
                    record(1052000, "T", "0/1:0|1:1051000_A_G", "0/0:.:.", fmt="GT:PGT:PID")])
    assert partners(duo[1051000]) == set()
    # a trio whose parents both carry both (their origin in the child is not decidable): the file's phase, in
    # cis, decides; unphased it would be a possible compound het
    trio_ped = "T\tKID\tDAD\tMUM\t1\t2\nT\tDAD\t0\t0\t1\t1\nT\tMUM\t0\t0\t2\t1\n"
    trio = analysed(department, tmp_path, "TRIO", trio_ped, ["KID", "DAD", "MUM"],
                    [record(1051000, "G", "0|1:7", "0/1:.", "0/1:."), record(1052000, "T", "0|1:7", "0/1:.", "0/1:.")])
    assert partners(trio[1051000]) == set() and not {"comp_het", "possible_comp_het"} & set(trio[1051000].modes)
    unphased = analysed(department, tmp_path, "TRIO2", trio_ped.replace("T\t", "U\t"), ["KID", "DAD", "MUM"],
                        [record(1051000, "G", "0/1:.", "0/1:.", "0/1:."),
                         record(1052000, "T", "0/1:.", "0/1:.", "0/1:.")])
    assert {kind for _, kind, _ in partners(unphased[1051000])} <= {"possible_comp_het"}


def test_slivars_compound_het_case_keeps_its_pair(department):
    _, job = import_case(department, public_file("slivar/comphet-test-case.ped"),
                         public_file("slivar/comphet-test-case.vcf"), case_identifier="SLIVAR")
    assert job.state == "done", job.error
    result = run_analysis(Case.objects.get(identifier="SLIVAR"), {"genome_wide": True, "max_popmax": 1,
                                                                  "impacts": [], "pass_only": False}, record=False)
    kinds = {p["kind"] for c in result.candidates for p in c.partners if "pos" in p}
    assert kinds & {"comp_het", "possible_comp_het"}
