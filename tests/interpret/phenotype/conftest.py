"""A singleton whose thirteen rare missense variants on chromosome 1 are alike in every evidence but their genes
(one each, at a place inside the gene on GRCh38): without a phenotype they rank by position, so COL11A1's, near
the end, is twelfth; with Stickler-like terms its gene ranks 8th of the ontology's genes and its variant first."""
import io
import json
import tarfile

import pytest

from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.public_data import public_file

GENES = (("NOC2L", 950_000), ("AGRN", 1_040_000), ("SKI", 2_235_000), ("PRDM16", 3_100_000),
         ("KIF1B", 10_300_000), ("MTOR", 11_200_000), ("CLCNKA", 16_030_000), ("SDHB", 17_030_000),
         ("PINK1", 20_640_000), ("ALPL", 21_540_000), ("HSPG2", 21_900_000), ("COL11A1", 103_000_000),
         ("GBA1", 155_240_000))
STICKLER = ["HP:0000545", "HP:0000175", "HP:0000365", "HP:0001382"]  # myopia, cleft palate, hearing, hypermobility
HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=248956422>
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID
"""  # noqa: E501 (a VCF header line as VEP writes it)


def record(gene: str, pos: int) -> str:
    return (f"chr1\t{pos}\t.\tG\tA\t50\tPASS\tCSQ=A|missense_variant|MODERATE|{gene}|ENSG0|Transcript|ENST{pos}|"
            f"protein_coding|ENST{pos}.1:c.100G>A|ENSP{pos}.1:p.Gly34Ser|YES\tGT\t0/1\n")


@pytest.fixture
def thirteen_genes(dept_a, tmp_path):
    vcf = tmp_path / "kid.vcf"
    vcf.write_text(HEADER + "".join(record(gene, pos) for gene, pos in GENES))
    case_import, job = import_case(dept_a, write_ped(tmp_path, "PH-1\tKID\t0\t0\t2\t2\n", "ph.ped"), vcf,
                                   case_identifier="PH-1")
    assert job.state == "done", job.error
    return case_import.case


def phenopacket_file(tmp_path, name: str = "PMID_33875846_patient_22.json"):
    """One of the published case phenopackets (tests/data/phenopackets), written out."""
    with tarfile.open(public_file("phenopackets/phenopacket-store-sample400.tar.gz")) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(name))
        packet = json.load(io.TextIOWrapper(archive.extractfile(member), encoding="utf-8"))
    path = tmp_path / name
    path.write_text(json.dumps(packet))
    return path, packet
