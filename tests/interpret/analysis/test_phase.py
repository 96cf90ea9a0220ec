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


def test_the_planted_trios_pair_phased_in_trans_is_called_alone_and_a_cis_decoy_is_not(department, tmp_path):
    """The generator's planted compound-het trio with read-backed phase written in: its planted pair phased in
    trans, and a decoy pair in the same gene phased in cis (both from the father). As a trio, the pair is called and
    the decoy not (the parents say so); the proband alone, the phase alone decides the same."""
    import csv
    import gzip

    from genomes.synthetic import CohortSpec, generate_cohort

    out = tmp_path / "cohort"
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[public_file("gtf/grch38_chr1_head.ensembl.gtf.gz")],
                               families=2, records=2_000, seed=29, cache_dir=tmp_path / "pyensembl"))
    planted = [row for row in csv.DictReader(open(out / "truth.tsv"), delimiter="\t") if row["mode"] == "comp_het"]
    family = planted[0]["family"]
    pair = {int(row["pos"]) for row in planted if row["family"] == family}
    assert len(pair) == 2
    lines = gzip.open(out / f"{family}.vcf.gz", "rt").read().splitlines()
    header = [line for line in lines if line.startswith("#")]
    records = [line.split("\t") for line in lines if not line.startswith("#")]
    taken = {int(fields[1]) for fields in records}
    first, second = sorted(pair)
    phased = []
    for fields in records:
        fields[8] += ":PS"
        if int(fields[1]) in pair:  # the planted pair: one from each parent, on the two haplotypes
            fields[9] = fields[9].replace("0/1", "0|1" if int(fields[1]) == first else "1|0", 1) + f":{first}"
            fields[10:] = [f + ":." for f in fields[10:]]
        else:
            fields[9:] = [f + ":." for f in fields[9:]]
        phased.append(fields)
    # a decoy pair of the father's in another gene (AGRN: a paternal allele in PERM1 would be in trans with the
    # maternal planted one, a real pair), both on one haplotype: in cis
    csq_fields = next(line for line in header if "ID=CSQ" in line).split("Format: ")[1].split('"')[0].split("|")
    template = next(f for f in phased if int(f[1]) == first)
    decoys = []
    for pos, ref, alt in ((1050001, "C", "T"), (1050301, "G", "A")):
        assert pos not in taken
        values = {"Allele": alt, "Consequence": "missense_variant", "IMPACT": "MODERATE", "SYMBOL": "AGRN",
                  "Gene": "ENSG00000188157", "Feature_type": "Transcript", "Feature": "ENST00000379370",
                  "BIOTYPE": "protein_coding", "CANONICAL": "YES"}
        info = ("gnomAD_AF=0.00001;gnomAD_AF_popmax=0.00002;CSQ="
                + "|".join(values.get(name, "") for name in csq_fields))
        calls = [call.split(":") for call in template[9:12]]
        decoys.append([template[0], str(pos), ".", ref, alt, template[5], "PASS", info, template[8],
                       ":".join(["0|1", *calls[0][1:-1], str(first)]),
                       ":".join(["0/1", *calls[1][1:-1], "."]), ":".join(["0/0", *calls[2][1:-1], "."])])
    body = sorted(phased + decoys, key=lambda f: (f[0], int(f[1])))
    ps = '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">'
    text = "\n".join(header[:-1] + [ps, header[-1]] + ["\t".join(f) for f in body]) + "\n"
    (tmp_path / "phased.vcf").write_text(text)
    (tmp_path / "unphased.vcf").write_text(text.replace("0|1", "0/1").replace("1|0", "0/1"))
    decoy_positions = {int(d[1]) for d in decoys}
    trio_ped = (out / f"{family}.ped").read_text()
    child = next(line.split("\t")[1] for line in trio_ped.splitlines()
                 if not line.startswith("#") and line.split("\t")[2] not in ("0", ""))
    for name, ped in (("PLANTED-TRIO", trio_ped), ("PLANTED-ALONE", f"{family}\t{child}\t0\t0\t1\t2\n")):
        _, job = import_case(department, write_ped(tmp_path, ped, f"{name}.ped"), tmp_path / "phased.vcf",
                             case_identifier=name)
        assert job.state == "done", job.error
        result = run_analysis(Case.objects.get(identifier=name), {"genome_wide": True, "inheritance": ["comp_het"]},
                              record=False)
        found = {c.row["pos"]: c for c in result.candidates}
        assert {p["pos"] for p in found[first].partners if "pos" in p} >= {second}, name
        assert not decoy_positions & {p["pos"] for c in found.values() for p in c.partners if "pos" in p}, name
        assert not decoy_positions & set(found), name
    alone = {c.row["pos"]: c for c in run_analysis(Case.objects.get(identifier="PLANTED-ALONE"),
                                                    {"genome_wide": True}, record=False).candidates}
    evidence = {p["pos"]: p.get("evidence") for p in alone[first].partners if "pos" in p}
    assert evidence[second] == "phased in trans"
    # without the phase, the proband alone has both pairs as possible compound het: the phase made the difference
    _, job = import_case(department, write_ped(tmp_path, f"{family}\t{child}\t0\t0\t1\t2\n", "unphased.ped"),
                         tmp_path / "unphased.vcf", case_identifier="UNPHASED-ALONE")
    assert job.state == "done", job.error
    unphased = {c.row["pos"]: c for c in run_analysis(Case.objects.get(identifier="UNPHASED-ALONE"),
                                                       {"genome_wide": True}, record=False).candidates}
    assert {p["pos"] for p in unphased[1050001].partners if "pos" in p} == {1050301}
    assert {p["kind"] for p in unphased[first].partners if "pos" in p} == {"possible_comp_het"}
