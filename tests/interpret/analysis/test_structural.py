"""The SV tab, its API and analyse_case --kind sv (issue 26) on Scout's Manta trio: genmod's two de novo SVs
(AD_dn: 4:861261 and 8:141468110) are the platform's de novo calls, both flagged low confidence for the reasons
the file gives (the mother's GQ 15 and PL favouring 0/1 over her 0/0; the father's FT MinGQ at GQ 6); filters
by type, size, region and genes; the same rights, audit rows and export counting as small variants."""
import io
import json

import pytest
from django.core.management import call_command

from core.models import AuditEvent, Role
from genomes.models import Case
from tests.factories import make_user
from tests.genomes.importing.test_import_case import import_case
from tests.public_data import public_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio_with_svs(department):
    _, job = import_case(department, public_file("scout-demo/643594.ped"),
                         public_file("scout-demo/643594.clinical.vcf.gz"))
    assert job.state == "done", job.error
    call_command("import_variants", "643594", "--kind", "sv", "--wait", "--vcf",
                 public_file("sv-cnv/scout-643594.clinical.SV.vcf.gz"), stdout=io.StringIO())
    return Case.objects.get(identifier="643594")


def test_genmods_de_novo_svs_are_the_platforms_and_both_are_low_confidence(trio_with_svs, department):
    geneticist = make_user("gina", department=department, role=Role.CLINICAL_GENETICIST)
    out = io.StringIO()
    call_command("analyse_case", "643594", "--kind", "sv", "--inheritance", "de_novo", "--user", "gina", "--json",
                 stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["chrom"], r["start"] - 1) for r in rows] == [("4", 861261), ("8", 141468110)]
    mother_doubt, father_doubt = rows[0]["low_confidence"], rows[1]["low_confidence"]
    assert "mother: GQ 15" in mother_doubt and "mother: PL 35,0,68 favours 0/1 over 0/0" in mother_doubt
    assert father_doubt[:2] == ["father: GQ 6", "father: FT MinGQ"]
    assert rows[0]["genotypes"]["ADM1059A2"]["zygosity"] == "heterozygous"
    assert AuditEvent.objects.filter(user=geneticist, action="export", object_type="structural_variants").exists()
    with pytest.raises(SystemExit):
        call_command("analyse_case", "643594", "--kind", "sv", "--set", "types=DELETION", "--user", "gina",
                     "--json", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_sv_tab_filters_and_is_audited_and_the_api_counts_bulk_reads(trio_with_svs, department, client):
    geneticist = make_user("gina", department=department, role=Role.CLINICAL_GENETICIST)
    client.force_login(geneticist)
    page = client.get(f"/cases/{trio_with_svs.pk}/structural-variants/", {"inheritance": "de_novo"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="sv-row"') == 2 and html.count('data-testid="sv-low-confidence"') == 2
    assert AuditEvent.objects.filter(user=geneticist, action="view", object_type="structural_variants").exists()
    insertions = client.get(f"/cases/{trio_with_svs.pk}/structural-variants/", {"types": "INS", "all_calls": "1"},
                            HTTP_HX_REQUEST="true")
    assert insertions.content.decode().count('data-testid="sv-row"') == 5
    region = client.get(f"/cases/{trio_with_svs.pk}/structural-variants/", {"region": "4", "all_calls": "1"})
    assert region.content.decode().count('data-testid="sv-row"') == 1
    bad = client.get(f"/cases/{trio_with_svs.pk}/structural-variants/", {"min_length": "abc"})
    assert bad.status_code == 200 and "min_length" in bad.content.decode()
    api = client.post(f"/api/cases/{trio_with_svs.pk}/structural-variants/",
                      {"filters": {"types": ["DEL"], "min_length": 100}, "all_calls": True},
                      content_type="application/json").json()
    assert api["count"] == len(api["calls"]) and all(c["svtype"] == "DEL" for c in api["calls"])
    assert client.post(f"/api/cases/{trio_with_svs.pk}/structural-variants/", {"filters": []},
                       content_type="application/json").status_code == 400
    # another department's geneticist learns nothing of the case, on the page or the API
    from tests.factories import make_department

    outsider = make_user("otto", department=make_department("kg-other"), role=Role.CLINICAL_GENETICIST)
    client.force_login(outsider)
    assert client.get(f"/cases/{trio_with_svs.pk}/structural-variants/").status_code == 404
    assert client.post(f"/api/cases/{trio_with_svs.pk}/structural-variants/", {},
                       content_type="application/json").status_code == 404


def test_the_databases_inheritance_filter_keeps_exactly_the_calls_labelled_with_the_mode(trio_with_svs):
    """The SV tab filters in the database (to read only a page) and labels in Python: both rules must agree."""
    from interpret.analysis.structural import INHERITANCE_MODES, SvSettings, structural_analysis

    every = structural_analysis(trio_with_svs, SvSettings(proband_carries=False)).rows
    assert len(every) == 19
    for mode in INHERITANCE_MODES:
        filtered = structural_analysis(trio_with_svs, SvSettings(inheritance=[mode]))
        labelled = [row["id"] for row in every if mode in row["inheritance"]]
        assert [row["id"] for row in filtered.rows] == labelled and filtered.count == len(labelled), mode
    page = structural_analysis(trio_with_svs, SvSettings(proband_carries=False), page=2, page_size=5)
    assert page.count == 19 and [row["id"] for row in page.rows] == [row["id"] for row in every[5:10]]


def test_an_sv_and_a_small_variant_of_one_gene_are_compound_heterozygous_only_in_trans(department, tmp_path):
    """A deletion of SAMD11 exons from the father and a rare missense from the mother: compound heterozygous; a
    second missense from the father (in cis with the deletion) is not its partner."""
    from genomes.models import Case
    from interpret.analysis.structural import SvSettings, structural_analysis
    from tests.genomes.importing.test_import_case import write_ped
    from tests.genomes.sv.test_import import run

    csq = "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE"
    small = tmp_path / "small.vcf"
    small.write_text("\n".join([
        "##fileformat=VCFv4.2", "##contig=<ID=chr1,length=248956422>",
        f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: {csq}">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tCHILD\tFATHER\tMOTHER",
        "chr1\t941100\t.\tC\tT\t50\tPASS\tCSQ=T|missense_variant|MODERATE|SAMD11|ENSG00000187634|Transcript|"
        "ENST00000342066|protein_coding\tGT\t0/1\t0/0\t0/1",
        "chr1\t942000\t.\tG\tA\t50\tPASS\tCSQ=A|missense_variant|MODERATE|SAMD11|ENSG00000187634|Transcript|"
        "ENST00000342066|protein_coding\tGT\t0/1\t0/1\t0/0",
    ]) + "\n")
    svs = tmp_path / "sv.vcf"
    svs.write_text("\n".join([
        "##fileformat=VCFv4.2", "##contig=<ID=chr1,length=248956422>",
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tCHILD\tFATHER\tMOTHER",
        "chr1\t930000\tDEL1\tN\t<DEL>\t99\tPASS\tEND=935000;SVTYPE=DEL\tGT\t0/1\t0/1\t0/0",
    ]) + "\n")
    ped = write_ped(tmp_path, "CH\tCHILD\tFATHER\tMOTHER\t2\t2\nCH\tFATHER\t0\t0\t1\t1\nCH\tMOTHER\t0\t0\t2\t1\n")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped", str(ped),
                       "--vcf", str(small), "--wait", "--sv-vcf", str(svs))
    assert code == 0, err
    case = Case.objects.get(identifier="CH")
    (row,) = structural_analysis(case, SvSettings(inheritance=["comp_het"])).rows
    assert [o["gene"] for o in row["genes"]] == ["SAMD11"] and row["genes"][0]["overlap"] in ("exons", "whole_gene")
    assert [(p["variant"], p["phase"]) for p in row["compound_partners"]] == [
        ("1-941100-C-T", "in trans (each from another parent)")]
    assert "comp_het" in row["inheritance"]
    # the variant table's side of the same pair: the mother's missense is compound het with the deletion (its
    # only partner: the father's missense is in cis with the deletion and from the same parent as it)
    from interpret.analysis.engine import run_analysis

    result = run_analysis(case, {"inheritance": ["comp_het"], "genome_wide": True}, record=False)
    by_position = {c.row["pos"]: c for c in result.candidates}
    assert set(by_position) == {941100, 942000}  # the two missenses pair with each other, one from each parent
    structural = [p for p in by_position[941100].partners if p.get("structural_variant_id")]
    assert [(p["label"], p["kind"]) for p in structural] == [("DEL 1:930001-935000", "comp_het")]
    assert not [p for p in by_position[942000].partners if p.get("structural_variant_id")]
