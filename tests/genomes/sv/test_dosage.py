"""Dosage evidence (issue 26): ClinGen's dosage curation TSV loads (all its genes, the build its header states,
bad lines named); a deletion covering a gene of haploinsufficiency score 3 gets the CNV standards' section 2A
suggestion and a deletion covering only genes of score 40 does not; the SV tab shows the genes and the points."""
import io
import json

import pytest
from django.core.management import call_command

from core.errors import InputFileError
from core.models import Role
from genomes.models import Case, DosageSensitivity
from genomes.sv.dosage import dosage_load
from interpret.analysis.structural import SvSettings, structural_analysis
from tests.factories import make_user
from tests.genomes.importing.test_import_case import write_ped
from tests.genomes.sv.test_import import GRCH38, run, small_vcf
from tests.public_data import public_file

pytestmark = pytest.mark.django_db
CLINGEN = "sv-cnv/clingen-gene_curation_list_GRCh38.2020-05-31.tsv"


def test_clingens_dosage_list_loads_and_bad_lines_are_named(tmp_path):
    out = io.StringIO()
    call_command("load_dosage_sensitivity", public_file(CLINGEN), stdout=out)
    outcome = json.loads(out.getvalue())
    assert (outcome["build"], outcome["genes"]) == ("GRCh38", 1404)
    assert outcome["scores"]["haploinsufficiency"] == {"0": 232, "1": 90, "2": 57, "3": 309, "30": 714, "40": 2}
    assert "31 May,2020" in outcome["source"]
    smad3 = DosageSensitivity.objects.get(gene="SMAD3")
    assert (smad3.chrom, smad3.start, smad3.end, smad3.haploinsufficiency) == ("15", 67065698, 67195195, 3)
    again = dosage_load(public_file(CLINGEN))
    assert again["replaced"] == 1404 and DosageSensitivity.objects.count() == 1404
    bad = tmp_path / "bad.tsv"
    lines = open(public_file(CLINGEN)).read().splitlines()
    lines[7] = lines[7].replace("\t3\t", "\t7\t", 1)
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFileError, match=r"bad.tsv, line 8, field Haploinsufficiency Score: '7' is not"):
        dosage_load(bad)
    assert DosageSensitivity.objects.count() == 1404  # nothing half loaded


def test_a_deletion_of_an_established_haploinsufficient_gene_gets_2a_and_one_of_score_40_genes_does_not(
        department, tmp_path):
    dosage_load(public_file(CLINGEN))
    ped = write_ped(tmp_path, "F\tCHILD\tFATHER\tMOTHER\t1\t2\nF\tFATHER\t0\t0\t1\t1\nF\tMOTHER\t0\t0\t2\t1\n")
    contigs = {**GRCH38, "chr13": 114364328, "chr15": 101991189}
    vcf = small_vcf(tmp_path, "small.vcf", ["CHILD", "FATHER", "MOTHER"], contigs, "chr1")
    code, outcome, err = run("import_case", "--patient-group", "RARE", "--department", department.code,
                             "--ped", str(ped), "--vcf", str(vcf), "--wait",
                             "--sv-vcf", public_file("handmade/cnv_grch38_trio.vcf"))
    assert code == 0, err
    assert outcome["structural_variants"][0]["caller"] == "gatk-gcnv"
    case = Case.objects.get(identifier="F")
    rows = {row["svtype"] + ":" + str(row["start"]): row for row in structural_analysis(case, SvSettings()).rows}
    smad3 = rows["DEL:67000001"]
    assert [d["gene"] for d in smad3["dosage_sensitive_genes"]] == ["SMAD3", "AAGAB"]
    codes = {p["code"]: p for p in smad3["cnv_points"]}
    assert codes["2A"]["points"] == 1.0 and "SMAD3, AAGAB" in codes["2A"]["reason"]
    assert "5A" in codes and smad3["inheritance"][:1] == ["de_novo"]
    gjb2 = rows["DEL:20180001"]
    assert "2A" not in {p["code"] for p in gjb2["cnv_points"]} and gjb2["dosage_sensitive_genes"] == []
    boy_x = rows["DEL:6500001"]
    assert boy_x["genotypes"]["CHILD"]["zygosity"] == "hemizygous"
    assert boy_x["genotypes"]["FATHER"]["zygosity"] == "reference"  # a man's X at one copy
    only_sensitive = structural_analysis(case, SvSettings(dosage_sensitive_only=True)).rows
    assert [r["start"] for r in only_sensitive] == [67000001]
    geneticist = make_user("gina", department=department, role=Role.CLINICAL_GENETICIST)
    from django.test import Client

    client = Client()
    client.force_login(geneticist)
    html = client.get(f"/cases/{case.pk}/structural-variants/", {"dosage_sensitive": "1"}).content.decode()
    assert html.count('data-testid="sv-row"') == 1 and "SMAD3" in html and "<b>2A</b> 1.00" in html
