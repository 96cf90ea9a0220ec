"""Sample identity QC during import: relatedness, parentage and sex from the genotypes, against the pedigree.

On real files: the Scout demo trio (its sexes as peddy inferred them, 643594.peddy.ped) and the GIAB Ashkenazi
trio (figures as peddy reports them: bench/sample_identity_peddy.py). Broken families are built from the GIAB
trio: the mother's column given the father's genotypes (a swap), and the father's column given an unrelated
person's genotypes (each site's genotype taken from another site: a person with the same heterozygosity but
no relation to anyone).
"""
import gzip
import json
import random

import pytest

from genomes.models import Case
from tests.genomes.importing.test_import_case import import_case
from tests.public_data import public_file

ASHK_VCF, ASHK_PED = "slivar/ashk-trio.vcf.gz", "slivar/ashk-trio.ped"


def unrelated(rows, column, seed):
    """``column`` replaced by genotypes drawn from other records of the same FORMAT and number of alleles."""
    groups = {}
    for index, row in enumerate(rows):
        groups.setdefault(row[-1], []).append(index)
    replaced = [list(row[:3]) for row in rows]
    generator = random.Random(seed)
    for indices in groups.values():
        donors = indices[:]
        generator.shuffle(donors)
        for index, donor in zip(indices, donors):
            replaced[index][column] = rows[donor][column]
    return replaced


def rewrite_columns(tmp_path, change, name="family.vcf.gz"):
    """The GIAB trio with its sample columns (HG002, HG003, HG004) changed by ``change(rows) -> rows``."""
    with gzip.open(public_file(ASHK_VCF), "rt") as handle:
        lines = handle.read().splitlines()
    header = [line for line in lines if line.startswith("#")]
    records = [line.split("\t") for line in lines if not line.startswith("#")]
    # the last item of each row says which records' columns may be exchanged (same FORMAT, same alleles)
    samples = change([[record[9], record[10], record[11], (record[8], record[4].count(","))] for record in records])
    out = tmp_path / name
    with gzip.open(out, "wt") as handle:
        handle.write("\n".join(header) + "\n")
        for record, columns in zip(records, samples):
            handle.write("\t".join(record[:9] + columns) + "\n")
    return out


def sample_qc_of(case_import):
    case_import.refresh_from_db()
    return case_import.statistics["sample_qc"]


def pair(qc, a, b):
    return next(p for p in qc["pairs"] if set(p["samples"]) == {a, b})


@pytest.mark.django_db
def test_the_scout_trio_sexes_agree_with_peddy_and_its_parentage_is_confirmed(department):
    case_import, job = import_case(department, public_file("scout-demo/643594.ped"),
                                   public_file("scout-demo/643594.research.vcf.gz"))
    assert job.state == "done", job.error
    qc = sample_qc_of(case_import)
    peddy_sex = {}
    for line in public_file("scout-demo/643594.peddy.ped").read_text().splitlines()[1:]:
        fields = line.split("\t")
        peddy_sex[fields[1]] = {"1": "male", "2": "female"}[fields[4]]
    assert {s["sample"]: s["inferred_sex"] for s in qc["samples"]} == peddy_sex
    assert qc["flags"] == [] and qc["blocking"] is False
    assert qc["parentage"] == [{"child": "ADM1059A2", "father": "confirmed", "mother": "confirmed"}]
    for parent in ("ADM1059A1", "ADM1059A3"):
        assert 0.2 <= pair(qc, "ADM1059A2", parent)["kinship"] <= 0.3
    assert abs(pair(qc, "ADM1059A1", "ADM1059A3")["kinship"]) < 0.05
    case = Case.objects.get(pk=case_import.case_id)
    from genomes.selectors import family_of_case
    assert family_of_case(case).parentage_confirmed is True


@pytest.mark.django_db
def test_the_giab_trio_figures_agree_with_peddy_within_the_stated_tolerance(department):
    case_import, job = import_case(department, public_file(ASHK_PED), public_file(ASHK_VCF))
    assert job.state == "done", job.error
    qc = sample_qc_of(case_import)
    # peddy 0.4.8 ped_check on this file (bench/sample_identity_peddy.py): rel 0.4884 HG002-HG003, 0.4913
    # HG002-HG004, 0.0086 HG003-HG004; IBS0 1 and 0 of 745 sites between child and parents, 61 between the
    # parents. Tolerance (docs/benchmarks.md): relatedness within 0.05, IBS0 rate within 0.01.
    for (a, b), rel in {("HG002", "HG003"): 0.4884, ("HG002", "HG004"): 0.4913, ("HG003", "HG004"): 0.0086}.items():
        assert abs(pair(qc, a, b)["relatedness"] - rel) <= 0.05, pair(qc, a, b)
    assert pair(qc, "HG002", "HG003")["ibs0_rate"] <= 0.01 and pair(qc, "HG002", "HG004")["ibs0_rate"] <= 0.01
    assert abs(pair(qc, "HG003", "HG004")["ibs0_rate"] - 61 / 745) <= 0.04
    assert qc["flags"] == [] and qc["parentage"][0] == {"child": "HG002", "father": "confirmed",
                                                         "mother": "confirmed"}
    # chromosomes 1 and 2 only: no sex can be inferred, and none is claimed
    assert {s["inferred_sex"] for s in qc["samples"]} == {"unknown"}
    draft = de_novo_draft(case_import)
    assert "PS2" in suggested(draft) and "PM6" not in suggested(draft)
    assert "parentage confirmed by sample identity QC" in suggested(draft)["PS2"]["justification"]


@pytest.mark.django_db
def test_a_mother_column_holding_the_fathers_genotypes_is_a_blocking_sample_swap(department, tmp_path):
    vcf = rewrite_columns(tmp_path, lambda rows: [[child, father, father] for child, father, _, _ in rows])
    case_import, job = import_case(department, public_file(ASHK_PED), vcf)
    assert job.state == "done", job.error
    qc = sample_qc_of(case_import)
    assert "sample-swap" in qc["flags"] and qc["blocking"] is True
    assert pair(qc, "HG003", "HG004")["observed"] == "same person"
    assert qc["parentage"][0]["father"] == qc["parentage"][0]["mother"] == "confirmed"  # both look like the father
    # ... which does not make the de novo calls confirmed: PM6 (assumed), not PS2
    draft = de_novo_draft(case_import)
    assert "PM6" in suggested(draft) and "PS2" not in suggested(draft)
    assert "sample-swap" in suggested(draft)["PM6"]["justification"]


def de_novo_draft(case_import):
    """A classification draft of a de novo call of HG002 (both parents 0/0, balanced het, GQ 99)."""
    from genomes.models import CaseVariant, Variant
    from interpret.classification.services import classification_context_set, classification_start
    from tests.factories import make_user

    case = Case.objects.get(pk=case_import.case_id)
    row = CaseVariant.objects.filter(case_id=case.pk, genotypes=[1, 0, 0], genotype_quality__0__gte=90,
                                     allele_fraction__0__gte=0.4, allele_fraction__0__lte=0.6).first()
    user = make_user(f"cg-{case.pk}", department=case.department, role="clinical_geneticist")
    draft = classification_start(variant=Variant.objects.get(pk=row.variant_id), gene="GENE1", condition="test",
                                 mode_of_inheritance="AD", by=user, department=case.department, case=case)
    # the de novo points need the phenotype's consistency with the gene, which a curator judges
    return classification_context_set(classification_id=draft.pk, lock_version=draft.lock_version, by=user,
                                      phenotype_consistency="consistent")


def suggested(draft):
    return {code: entry["suggestion"] for code, entry in draft.criteria.items() if "suggestion" in entry}


@pytest.mark.django_db
def test_a_stated_father_who_is_not_the_father_is_flagged_and_de_novo_is_only_assumed(department, tmp_path,
                                                                                      client):
    vcf = rewrite_columns(tmp_path, lambda rows: unrelated(rows, 1, seed=5))
    case_import, job = import_case(department, public_file(ASHK_PED), vcf, case_identifier="ASHK-NONPAT")
    assert job.state == "done", job.error
    qc = sample_qc_of(case_import)
    assert qc["flags"] == ["non-paternity"] and qc["blocking"] is True
    assert qc["parentage"][0] == {"child": "HG002", "father": "not confirmed", "mother": "confirmed"}
    assert pair(qc, "HG002", "HG003")["kinship"] < 0.1
    detail = next(f for f in qc["flag_details"] if f["code"] == "non-paternity")
    assert detail["samples"] == ["HG003", "HG002"] and "father" in detail["message"]

    from genomes.selectors import family_of_case
    from interpret.classification.facts import de_novo_confirmation
    family = family_of_case(Case.objects.get(pk=case_import.case_id))
    assert family.parentage_confirmed is False and "non-paternity" in family.identity_flags
    level, basis = de_novo_confirmation(family)
    assert level == "assumed" and "non-paternity" in basis

    # the case page leads with the blocking warning, and shows the pairs and their plot
    from tests.factories import make_user
    client.force_login(make_user("nadia", department=department, role="clinical_geneticist"))
    page = client.get(f"/cases/{case_import.case_id}/").content.decode()
    assert 'data-testid="identity-blocking"' in page and ">non-paternity</span>" in page
    assert page.count('data-testid="identity-pair"') == 3 and "qc-identity-figure" in page


@pytest.mark.django_db
def test_a_child_related_to_neither_parent_is_a_sample_swap(department, tmp_path):
    case_import, job = import_case(
        department, public_file(ASHK_PED), rewrite_columns(tmp_path, lambda rows: unrelated(rows, 0, 11))
    )
    assert job.state == "done", job.error
    qc = sample_qc_of(case_import)
    assert {"non-paternity", "non-maternity", "sample-swap"} <= set(qc["flags"]) and qc["blocking"]


@pytest.mark.django_db
def test_a_tumour_normal_case_is_not_identity_checked_and_says_why(department):
    case_import, job = import_case(department, public_file("scout-demo/cancer_test.ped"),
                                   public_file("scout-demo/cancer_test.vcf.gz"), group="CANCER-ADULT",
                                   analysis_type="tumour_normal")
    assert job.state == "done", job.error
    qc = sample_qc_of(case_import)
    assert qc["flags"] == [] and qc["blocking"] is False and "somatic" in qc["not_evaluated"]


@pytest.mark.django_db(transaction=True)
def test_import_case_wait_json_and_the_case_api_carry_sample_qc(department, client):
    import subprocess
    import sys

    from tests.factories import make_user
    from tests.processes import ROOT, process_env

    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_case",
            "--department",
            department.code,
            "--patient-group",
            "RARE",
            "--ped",
            str(public_file(ASHK_PED)),
            "--vcf",
            str(public_file(ASHK_VCF)),
            "--wait",
        ],
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    qc = json.loads(done.stdout.strip().splitlines()[-1])["sample_qc"]
    assert qc["flags"] == [] and {tuple(sorted(p["samples"])) for p in qc["pairs"]} == {
        ("HG002", "HG003"), ("HG002", "HG004"), ("HG003", "HG004")}
    assert all({"kinship", "ibs0", "relatedness"} <= set(p) for p in qc["pairs"])
    assert all({"inferred_sex", "stated_sex"} <= set(s) for s in qc["samples"])
    case = Case.objects.get(identifier="ash")
    client.force_login(make_user("jsonreader", department=department, role="clinical_geneticist"))
    data = client.get(f"/api/cases/{case.pk}/").json()
    assert data["sample_qc"] == qc
    assert data["evidence_sources"]["consequence"] is None and data["evidence_sources"]["gnomad_af"] is None  # BCSQ
