"""Inheritance rules on GEMINI's hand-made trio files (tests/data/gemini-inheritance): each family's
genotypes are read with cyvcf2 and judged by interpret.rules.inheritance. Expected answers follow the trio
rules stated there, worked out by hand from the genotypes (noted per case)."""
import cyvcf2
import pytest

from interpret.rules.inheritance import Family, compound_het_pairs, modes_of_row
from tests.public_data import public_file

CODES = {0: 0, 1: 1, 2: -1, 3: 2}  # cyvcf2 gt_types: HOM_REF, HET, UNKNOWN, HOM_ALT -> stored codes


def family_rows(name: str, family_id: str):
    """Rows (as the engine reads them) for one family of a GEMINI test file, and its Family."""
    ped = [line.split() for line in public_file(f"gemini-inheritance/test.{name}.ped").read_text().splitlines()
           if line.strip() and not line.startswith("#")]
    people = {p[1]: p for p in ped if p[0] == family_id}
    kid = next(p for p in people.values() if p[2] not in ("0", "-9"))
    order = [kid[1], kid[2], kid[3]]
    vcf = cyvcf2.VCF(str(public_file(f"gemini-inheritance/test.{name}.vcf")))
    columns = [vcf.samples.index(sample) for sample in order]
    rows = []
    for number, record in enumerate(vcf):
        types = record.gt_types
        rows.append({
            "id": number, "variant_id": number, "chrom": record.CHROM.removeprefix("chr"), "pos": record.POS,
            "genes": ["GENE"], "gnomad_popmax": None,
            "genotypes": [CODES[int(types[c])] for c in columns],
            "depth": [30, 30, 30], "genotype_quality": [99, 99, 99],
            # The files' AD fields are hand-made and contradict their GTs (0/1 with 0,23); GEMINI ignores them.
            "allele_fraction": [None, None, None],
        })
    family = Family(proband=0, father=1, mother=2, proband_male=kid[4] == "1", proband_affected=True,
                    father_affected=people[kid[2]][5] == "2", mother_affected=people[kid[3]][5] == "2")
    return rows, family


def matching(name, family_id, mode):
    rows, family = family_rows(name, family_id)
    return [row["pos"] for row in rows if mode in modes_of_row(row, family)]


@pytest.mark.parametrize("family_id,expected", [
    ("1", [1142208, 135336656, 135369532]),   # kid 0/1 with 0/0 parents
    ("2", [48003992, 135336656, 135369532]),  # 48004992 is 1/1 in the kid with het parents
    ("3", [48004992, 135369532]),             # 1142208 is a hom-alt kid: not a de novo het
])
def test_de_novo(family_id, expected):
    assert matching("de_novo", family_id, "de_novo") == expected


def test_de_novo_needs_a_plausible_allele_balance_and_confident_parents():
    rows, family = family_rows("de_novo", "1")
    row = dict(rows[0])
    assert modes_of_row(row, family) and "de_novo" in modes_of_row(row, family)
    assert "de_novo" not in modes_of_row({**row, "allele_fraction": [1.0, None, None]}, family)
    assert "de_novo" not in modes_of_row({**row, "depth": [30, 4, 30]}, family)  # father's 0/0 on 4 reads
    assert "de_novo" not in modes_of_row({**row, "gnomad_popmax": 0.01}, family)


@pytest.mark.parametrize("family_id,expected", [
    ("1", [1142208, 48003992]), ("2", [1142208, 48004992]), ("3", [135369532])])
def test_autosomal_recessive_homozygous(family_id, expected):
    assert matching("auto_rec", family_id, "ar_hom") == expected


@pytest.mark.parametrize("family_id,expected", [
    ("1", []),                                        # unaffected parents: every kid het is a de novo, not AD
    ("2", [1142208, 48003992, 48004992]),             # affected mother carries it, unaffected father does not
    ("3", [1142208, 48003992, 48004992, 135336656]),  # affected father carries; mother's phenotype unknown (-9)
])
def test_autosomal_dominant(family_id, expected):
    # In family 3 the mother's phenotype is unknown (-9): read as unaffected, her 0/0 agrees.
    assert matching("auto_dom", family_id, "ad") == expected


def test_x_linked_in_a_daughter_is_not_called_hemizygous_but_a_son_is():
    rows, family = family_rows("x-linked", "1")
    assert [m for row in rows for m in modes_of_row(row, family) if m.startswith("x_")] == []
    son = Family(**{**family.__dict__, "proband_male": True})
    calls = {row["pos"]: modes_of_row(row, son) for row in rows}
    assert "x_linked" in calls[48004992]        # 1/1 son, het mother, 0/0 father
    assert "x_linked" not in calls[48003992]    # the unaffected father carries it
    assert "x_linked" in calls[135336656] and "x_de_novo" in calls[135336656]  # both parents 0/0


@pytest.mark.parametrize("family_id,expected", [
    ("1", {(16977, 17697): "possible_comp_het"}),     # maternal + de novo
    ("2", {}),                                         # a single maternal het
    ("3", {(17563, 17730): "possible_comp_het"}),     # two de novos; 16977 and 17746 come from both parents
    ("4", {(17222, 17363): "possible_comp_het", (17222, 17697): "possible_comp_het",
           (17363, 17697): "possible_comp_het"}),     # paternal 17363 with de novos 17222 and 17697
])
def test_compound_heterozygous_pairs(family_id, expected):
    rows, family = family_rows("comp_het", family_id)
    pairs = compound_het_pairs(rows, family)
    by_id = {row["id"]: row["pos"] for row in rows}
    found = {tuple(sorted((by_id[a], by_id[b]))): kind for a, partners in pairs.items() for b, kind in partners}
    assert found == expected


def test_a_true_compound_het_and_a_duo_and_a_singleton():
    trio = Family(proband=0, father=1, mother=2, proband_male=False, proband_affected=True)
    paternal = {"id": 1, "genes": ["G"], "chrom": "1", "gnomad_popmax": 0.001, "genotypes": [1, 1, 0]}
    maternal = {"id": 2, "genes": ["G"], "chrom": "1", "gnomad_popmax": None, "genotypes": [1, 0, 1]}
    cis = {"id": 3, "genes": ["G"], "chrom": "1", "gnomad_popmax": None, "genotypes": [1, 1, 0]}
    common = {"id": 4, "genes": ["G"], "chrom": "1", "gnomad_popmax": 0.2, "genotypes": [1, 0, 1]}
    pairs = compound_het_pairs([paternal, maternal, cis, common], trio)
    assert sorted(pairs[2]) == [(1, "comp_het"), (3, "comp_het")] and 4 not in pairs
    assert (3, "comp_het") not in pairs[1]  # both from the father: in cis
    duo = Family(proband=0, father=1, proband_male=False, proband_affected=True)
    duo_pairs = compound_het_pairs([{**paternal, "genotypes": [1, 1]}, {**maternal, "genotypes": [1, 0]}], duo)
    assert duo_pairs[1] == [(2, "possible_comp_het")]
    single = Family(proband=0, proband_male=False, proband_affected=True)
    assert compound_het_pairs([{**paternal, "genotypes": [1]}, {**maternal, "genotypes": [1]}],
                              single)[1] == [(2, "possible_comp_het")]


def x_row(number, pos, genotypes, chrom="X", balance=0.5):
    return {"id": number, "variant_id": number, "chrom": chrom, "pos": pos, "genes": ["CSF2RA"],
            "gnomad_popmax": None, "genotypes": genotypes, "depth": [30, 30, 30],
            "genotype_quality": [99, 99, 99], "allele_fraction": [balance, 0.0, 0.0]}


@pytest.mark.parametrize("build,par_pos,outside_pos", [
    ("GRCh38", 1_400_000, 2_781_480),      # PAR1 ends at 2,781,479 on GRCh38
    ("GRCh37", 60_001, 2_699_521),         # PAR1 starts at 60,001 and ends at 2,699,520 on GRCh37
    ("GRCh38", 155_800_000, 155_701_382),  # PAR2 starts at 155,701,383
])
def test_a_males_pseudoautosomal_region_follows_autosomal_rules(build, par_pos, outside_pos):
    from interpret.rules.inheritance import flags_of_row

    male = Family(proband=0, father=1, mother=2, proband_male=True, proband_affected=True, build=build)
    in_par, outside = x_row(1, par_pos, [1, 0, 0]), x_row(2, outside_pos, [1, 0, 0])
    # a het de novo in PAR is an ordinary de novo; outside it a het in a male is a ploidy conflict
    assert modes_of_row(in_par, male) == ["de_novo"] and flags_of_row(in_par, male) == []
    assert "de_novo" not in modes_of_row(outside, male) and flags_of_row(outside, male) == ["x_ploidy_conflict"]
    # a hemizygous call outside PAR is the X-linked de novo; in PAR a hom-alt call is not hemizygous
    assert modes_of_row(x_row(3, outside_pos, [2, 0, 0], balance=1.0), male)[0] == "x_de_novo"
    female = Family(proband=0, father=1, mother=2, proband_male=False, proband_affected=True, build=build)
    assert flags_of_row(outside, female) == [] and "de_novo" in modes_of_row(outside, female)


def test_compound_het_applies_in_a_males_pseudoautosomal_region_and_not_outside_it():
    male = Family(proband=0, father=1, mother=2, proband_male=True, proband_affected=True, build="GRCh38")
    from_father = {**x_row(1, 1_400_000, [1, 1, 0]), "allele_fraction": [0.5, 0.5, 0.0]}
    from_mother = {**x_row(2, 1_400_500, [1, 0, 1]), "allele_fraction": [0.5, 0.0, 0.5]}
    assert compound_het_pairs([from_father, from_mother], male) == {1: [(2, "comp_het")], 2: [(1, "comp_het")]}
    outside = [{**row, "pos": row["pos"] + 10_000_000} for row in (from_father, from_mother)]
    assert compound_het_pairs(outside, male) == {}


def test_two_variants_in_two_overlapping_genes_pair_once():
    trio = Family(proband=0, father=1, mother=2, proband_male=False, proband_affected=True, build="GRCh38")
    first = {**x_row(1, 1000, [1, 1, 0], chrom="11"), "genes": ["PSMD13", "SIRT3"]}
    second = {**x_row(2, 2000, [1, 0, 1], chrom="11"), "genes": ["PSMD13", "SIRT3"]}
    assert compound_het_pairs([first, second], trio) == {1: [(2, "comp_het")], 2: [(1, "comp_het")]}
