"""Sample identity QC: are the samples the people the pedigree says, related as it says, of the sex it says?

Figures come from the genotype counts every import makes on the way (genomes.vcf.statistics: biallelic PASS
SNVs, calls below GQ 20 as missing, records retention drops included), as peddy and somalier compute them:

- kinship: KING-robust (Manichaikul et al. 2010), (N_Aa,Aa - 2 N_AA,aa) / (N_Aa(i) + N_Aa(j)) over the sites
  both samples are called at: 0.5 the same person (or a monozygotic twin), 0.25 parent and child or full
  siblings, 0.125 second degree, about 0 (or below) unrelated;
- relatedness: somalier's (shared hets - 2 IBS0) / min(hets of either), about twice the kinship; printed for
  comparison with peddy and somalier;
- IBS0: sites where one is homozygous reference and the other homozygous alternate. A parent and a child share
  an allele at every site, so IBS0 is only genotyping error between them; full siblings have some;
- sex: heterozygous calls on X outside the pseudoautosomal regions (a male has one X), and calls on Y outside
  them.

The pedigree's expected kinship of every pair (founders unrelated) is compared with the observed one; flags:
``non-paternity`` / ``non-maternity`` (a stated parent who is not), ``sample-swap`` (two samples of different
people that are the same person, or a child unrelated to both stated parents), ``sex-mismatch``,
``unexpected-relatedness`` (closer than stated), ``relatedness-mismatch`` (more distant than stated, other than
parentage). Any of them is blocking: the case page shows it above everything, and de novo evidence (PS2) is
"confirmed" only when parentage is. No Django: plain data in, plain data out. Thresholds: docs/analysis.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from genomes.vcf.statistics import QC_AUTOSOMAL, QC_X, QC_Y

HOM_REF, HET, HOM_ALT = 0, 1, 2

# KING's inference criteria: kinship above these bounds is that degree or closer.
DUPLICATE_MIN, FIRST_DEGREE_MIN, SECOND_DEGREE_MIN, THIRD_DEGREE_MIN = 0.354, 0.177, 0.0884, 0.0442
# A parent and a child share an allele at every site: IBS0 above this share of the pair's informative sites
# is more than genotyping error.
PARENT_CHILD_MAX_IBS0_RATE = 0.01
# Fewer informative sites (at least one of the two non-reference, both called) than this: not testable.
MIN_PAIR_SITES = 100
# Sex from X: heterozygous share of the non-reference calls outside the PARs.
MALE_MAX_X_HET_SHARE, FEMALE_MIN_X_HET_SHARE, MIN_X_CALLS = 0.1, 0.25, 20
# A file with few X calls (a clinical subset): a male has no X heterozygous call and at least this many Y
# calls; a female at least this many X heterozygous calls and no Y call.
SPARSE_MIN_Y_CALLS, SPARSE_MIN_X_HETS = 3, 2
BLOCKING = ("non-paternity", "non-maternity", "sample-swap", "sex-mismatch", "unexpected-relatedness",
            "relatedness-mismatch")


@dataclass(frozen=True)
class SampleIdentity:
    sample: str                # the VCF's sample name
    individual: str            # the pedigree's individual id
    sex: str                   # "male", "female" or "unknown", as stated
    father: str | None         # individual ids
    mother: str | None


def degree(kinship: float) -> str:
    if kinship >= DUPLICATE_MIN:
        return "same person"
    if kinship >= FIRST_DEGREE_MIN:
        return "first degree"
    if kinship >= SECOND_DEGREE_MIN:
        return "second degree"
    if kinship >= THIRD_DEGREE_MIN:
        return "third degree"
    return "unrelated"


def _rank(kinship: float) -> int:
    return ("unrelated", "third degree", "second degree", "first degree", "same person").index(degree(kinship))


def pedigree_kinship(pedigree: dict[str, tuple[str | None, str | None]]) -> callable:
    """Kinship coefficients of a pedigree {individual: (father, mother)}, founders unrelated and not inbred."""
    depth: dict[str, int] = {}

    def generation(who: str | None, seen=()) -> int:
        if who is None or who not in pedigree:
            return -1
        if who in seen:
            raise ValueError(f"the pedigree is its own ancestor at {who}")
        if who not in depth:
            father, mother = pedigree[who]
            depth[who] = 1 + max(generation(father, (*seen, who)), generation(mother, (*seen, who)))
        return depth[who]

    memo: dict[tuple, float] = {}

    def kinship(a: str | None, b: str | None) -> float:
        if a is None or b is None or a not in pedigree or b not in pedigree:
            return 0.0
        key = (a, b) if a <= b else (b, a)
        if key in memo:
            return memo[key]
        if a == b:
            father, mother = pedigree[a]
            value = 0.5 * (1 + kinship(father, mother))
        else:
            younger, other = (a, b) if generation(a) >= generation(b) else (b, a)  # not an ancestor of other
            father, mother = pedigree[younger]
            value = 0.5 * (kinship(father, other) + kinship(mother, other))
        memo[key] = value
        return value

    return kinship


def _pair_counts(patterns, i: int, j: int) -> dict:
    counts = dict(sites=0, informative=0, het_i=0, het_j=0, shared_het=0, ibs0=0, ibs2=0)
    for region, codes, count in patterns:
        if region != QC_AUTOSOMAL:
            continue
        a, b = codes[i], codes[j]
        if a < 0 or b < 0:
            continue
        counts["sites"] += count
        if a == HOM_REF and b == HOM_REF:
            continue
        counts["informative"] += count
        if a == HET:
            counts["het_i"] += count
        if b == HET:
            counts["het_j"] += count
        if a == HET and b == HET:
            counts["shared_het"] += count
        if (a, b) in ((HOM_REF, HOM_ALT), (HOM_ALT, HOM_REF)):
            counts["ibs0"] += count
        if a == b:
            counts["ibs2"] += count
    return counts


def _sex(patterns, i: int) -> dict:
    x_het = x_hom = y_calls = 0
    for region, codes, count in patterns:
        code = codes[i]
        if region == QC_X:
            if code == HET:
                x_het += count
            elif code == HOM_ALT:
                x_hom += count
        elif region == QC_Y and code in (HET, HOM_ALT):
            y_calls += count
    calls = x_het + x_hom
    share = x_het / calls if calls else None
    if calls >= MIN_X_CALLS:
        inferred = ("male" if share <= MALE_MAX_X_HET_SHARE else "female" if share >= FEMALE_MIN_X_HET_SHARE
                    else "unknown")
        basis = "X heterozygosity"
    elif x_het == 0 and y_calls >= SPARSE_MIN_Y_CALLS:
        inferred, basis = "male", "no X heterozygous call, calls on Y (few X calls)"
    elif x_het >= SPARSE_MIN_X_HETS and y_calls == 0:
        inferred, basis = "female", "X heterozygous calls, none on Y (few X calls)"
    else:
        inferred, basis = "unknown", "too few calls on X and Y"
    return {"x_het": x_het, "x_hom_alt": x_hom, "x_het_share": None if share is None else round(share, 3),
            "y_calls": y_calls, "inferred_sex": inferred, "basis": basis}


def sample_identity_qc(patterns: list, samples: list[SampleIdentity],
                       pedigree: dict[str, tuple[str | None, str | None]]) -> dict:
    """The sample_qc of a case: per sample the stated and inferred sex, per pair the figures and verdict,
    the parentage of every sequenced child, and the flags. ``patterns``: statistics["identity_patterns"]."""
    patterns = [(region, tuple(codes), count) for region, codes, count in patterns]
    expected = pedigree_kinship(pedigree)
    flags: list[dict] = []

    def flag(code: str, samples_named: list[str], message: str) -> None:
        flags.append({"code": code, "samples": samples_named, "message": message})

    per_sample = []
    for i, sample in enumerate(samples):
        sex = _sex(patterns, i)
        per_sample.append({"sample": sample.sample, "individual": sample.individual, "stated_sex": sample.sex,
                           **sex})
        if sample.sex in ("male", "female") and sex["inferred_sex"] in ("male", "female") \
                and sex["inferred_sex"] != sample.sex:
            flag("sex-mismatch", [sample.sample], f"{sample.sample} is stated {sample.sex} but its genotypes say "
                                                  f"{sex['inferred_sex']} ({sex['basis']})")
    pairs, by_pair = [], {}
    for i, j in combinations(range(len(samples)), 2):
        a, b = samples[i], samples[j]
        c = _pair_counts(patterns, i, j)
        hets = c["het_i"] + c["het_j"]
        testable = c["informative"] >= MIN_PAIR_SITES and hets > 0
        kinship = (c["shared_het"] - 2 * c["ibs0"]) / hets if hets else None
        relatedness = ((c["shared_het"] - 2 * c["ibs0"]) / min(c["het_i"], c["het_j"])
                       if min(c["het_i"], c["het_j"]) else None)
        stated = expected(a.individual, b.individual)
        parent_of = ("father" if b.father == a.individual or a.father == b.individual
                     else "mother" if b.mother == a.individual or a.mother == b.individual else None)
        pair = {
            "samples": [a.sample, b.sample], "stated": _stated(a, b, stated, parent_of),
            "expected_kinship": round(stated, 4), "kinship": None if kinship is None else round(kinship, 4),
            "relatedness": None if relatedness is None else round(relatedness, 4),
            "ibs0": c["ibs0"], "ibs2": c["ibs2"], "shared_het": c["shared_het"], "sites": c["sites"],
            "informative_sites": c["informative"],
            "ibs0_rate": round(c["ibs0"] / c["informative"], 5) if c["informative"] else None,
            "observed": degree(kinship) if testable else "not testable",
        }
        pair["verdict"] = _verdict(pair, stated, parent_of, testable)
        pairs.append(pair)
        by_pair[(i, j)] = by_pair[(j, i)] = pair
        if not testable:
            continue
        if pair["verdict"] == "parentage not confirmed":
            parent, child = (a, b) if b.father == a.individual or b.mother == a.individual else (b, a)
            code = "non-paternity" if parent_of == "father" else "non-maternity"
            flag(code, [parent.sample, child.sample],
                 f"{parent.sample} is stated to be the {parent_of} of {child.sample}, but their genotypes do not "
                 f"confirm it (kinship {pair['kinship']}, expected 0.25; IBS0 at {pair['ibs0']} of "
                 f"{pair['informative_sites']} sites)")
        elif stated >= DUPLICATE_MIN and pair["observed"] != "same person":
            flag("sample-swap", [a.sample, b.sample], f"{a.sample} and {b.sample} are stated to be samples of one "
                                                      f"person but their genotypes are not one person's (kinship "
                                                      f"{pair['kinship']}, {pair['observed']})")
        elif pair["observed"] == "same person" and stated < DUPLICATE_MIN:
            flag("sample-swap", [a.sample, b.sample], f"{a.sample} and {b.sample} are stated to be different "
                                                      f"people but their genotypes are one person's (kinship "
                                                      f"{pair['kinship']})")
        elif _rank(kinship) > _rank(stated):
            flag("unexpected-relatedness", [a.sample, b.sample],
                 f"{a.sample} and {b.sample} are {pair['observed']} relatives by their genotypes (kinship "
                 f"{pair['kinship']}), closer than the pedigree states ({pair['stated']})")
        elif _rank(kinship) < _rank(stated):
            flag("relatedness-mismatch", [a.sample, b.sample],
                 f"{a.sample} and {b.sample} are stated {pair['stated']} but their genotypes say "
                 f"{pair['observed']} (kinship {pair['kinship']}, expected {round(stated, 3)})")
    parentage = []
    index = {s.individual: i for i, s in enumerate(samples)}
    for i, child in enumerate(samples):
        if not child.father and not child.mother:
            continue
        entry = {"child": child.sample}
        for role, parent in (("father", child.father), ("mother", child.mother)):
            if parent is None:
                entry[role] = "not in the pedigree"
            elif parent not in index:
                entry[role] = "not sequenced"
            else:
                verdict = by_pair[(i, index[parent])]["verdict"]
                entry[role] = {"as stated": "confirmed", "not testable": "not testable"}.get(verdict, "not confirmed")
        parentage.append(entry)
        if entry.get("father") == entry.get("mother") == "not confirmed":
            flag("sample-swap", [child.sample], f"{child.sample} is related to neither stated parent: is it the "
                                                "child's sample?")
    codes = sorted({f["code"] for f in flags})
    return {"samples": per_sample, "pairs": pairs, "parentage": parentage, "flags": codes, "flag_details": flags,
            "blocking": any(code in BLOCKING for code in codes),
            "sites": {"autosomal": sum(c for r, _, c in patterns if r == QC_AUTOSOMAL),
                      "x_outside_par": sum(c for r, _, c in patterns if r == QC_X),
                      "y_outside_par": sum(c for r, _, c in patterns if r == QC_Y)}}


def _stated(a: SampleIdentity, b: SampleIdentity, kinship: float, parent_of: str | None) -> str:
    if a.individual == b.individual:
        return "same person"
    if parent_of:
        return f"{parent_of} and child"
    if a.father and a.father == b.father and a.mother and a.mother == b.mother:
        return "full siblings"
    return degree(kinship) if kinship > 0 else "unrelated"


def _verdict(pair: dict, stated: float, parent_of: str | None, testable: bool) -> str:
    if not testable:
        return "not testable"
    kinship = pair["kinship"]
    if parent_of:
        confirmed = (FIRST_DEGREE_MIN <= kinship < DUPLICATE_MIN
                     and pair["ibs0_rate"] is not None and pair["ibs0_rate"] <= PARENT_CHILD_MAX_IBS0_RATE)
        return "as stated" if confirmed else "parentage not confirmed"
    return "as stated" if _rank(kinship) == _rank(stated) else "not as stated"


def parentage_confirmed(sample_qc: dict | None, child_sample: str) -> bool:
    """Both parents of ``child_sample`` sequenced and confirmed by the genotypes, and no blocking flag on the
    case (two 'parents' who are one person each look like a parent of the child)."""
    if not sample_qc or sample_qc.get("blocking"):
        return False
    for entry in sample_qc.get("parentage", ()):
        if entry["child"] == child_sample:
            return entry.get("father") == "confirmed" and entry.get("mother") == "confirmed"
    return False
