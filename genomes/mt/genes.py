"""The genes of the mitochondrial genome (rCRS, NC_012920.1: GRCh38's chrM and GRCh37's MT are the same
sequence), from Ensembl's gene models, for files that name none (a main VCF's chrM records; HmtNote names its
own "Locus"). Two pairs overlap (MT-ATP8/MT-ATP6, MT-ND4L/MT-ND4) and a few tRNAs share a base with their
neighbour: a variant there is in both, and both are named. The control region (D-loop) wraps the origin."""
from __future__ import annotations

MT_GENES: tuple[tuple[str, int, int], ...] = (
    ("MT-TF", 577, 647), ("MT-RNR1", 648, 1601), ("MT-TV", 1602, 1670), ("MT-RNR2", 1671, 3229),
    ("MT-TL1", 3230, 3304), ("MT-ND1", 3307, 4262), ("MT-TI", 4263, 4331), ("MT-TQ", 4329, 4400),
    ("MT-TM", 4402, 4469), ("MT-ND2", 4470, 5511), ("MT-TW", 5512, 5579), ("MT-TA", 5587, 5655),
    ("MT-TN", 5657, 5729), ("MT-TC", 5761, 5826), ("MT-TY", 5826, 5891), ("MT-CO1", 5904, 7445),
    ("MT-TS1", 7446, 7514), ("MT-TD", 7518, 7585), ("MT-CO2", 7586, 8269), ("MT-TK", 8295, 8364),
    ("MT-ATP8", 8366, 8572), ("MT-ATP6", 8527, 9207), ("MT-CO3", 9207, 9990), ("MT-TG", 9991, 10058),
    ("MT-ND3", 10059, 10404), ("MT-TR", 10405, 10469), ("MT-ND4L", 10470, 10766), ("MT-ND4", 10760, 12137),
    ("MT-TH", 12138, 12206), ("MT-TS2", 12207, 12265), ("MT-TL2", 12266, 12336), ("MT-ND5", 12337, 14148),
    ("MT-ND6", 14149, 14673), ("MT-TE", 14674, 14742), ("MT-CYB", 14747, 15887), ("MT-TT", 15888, 15953),
    ("MT-TP", 15956, 16023),
)
MT_LENGTH = 16569
CONTROL_REGION = "MT-DLOOP"


def mt_genes_at(pos: int, ref_length: int = 1) -> list[str]:
    """The genes a variant at ``pos`` (its REF's bases) lies in; the control region where it is in none."""
    end = pos + max(ref_length, 1) - 1
    genes = [name for name, start, stop in MT_GENES if start <= end and pos <= stop]
    return genes or [CONTROL_REGION]


MT_ACCESSION = "NC_012920.1"  # rCRS


def mt_hgvs(pos: int, ref: str, alt: str) -> str:
    """HGVS on the mitochondrial reference (m.), from a VCF allele: a substitution, deletion, insertion or
    deletion-insertion, after the shared first base of an indel."""
    from genomes.variant_identity import trim_alleles

    pos, ref, alt = trim_alleles(pos, ref, alt)
    if len(ref) == 1 and len(alt) == 1:
        return f"{MT_ACCESSION}:m.{pos}{ref}>{alt}"
    if ref[0] == alt[0]:
        pos, ref, alt = pos + 1, ref[1:], alt[1:]
        if not ref:
            return f"{MT_ACCESSION}:m.{pos - 1}_{pos}ins{alt}"
    end = pos + len(ref) - 1
    span = f"{pos}" if end == pos else f"{pos}_{end}"
    return f"{MT_ACCESSION}:m.{span}del" + (f"ins{alt}" if alt else "")
