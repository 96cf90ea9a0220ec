"""Reanalysis of structural calls (issue 26): a copy-number loss of the proband that covers a gene newly green on
a panel the case was analysed with raises "CNV covering a gene newly green", and one covering a gene that a new
ClinGen dosage table newly establishes as haploinsufficient raises "CNV covering a newly established
dosage-sensitive gene" (started by loading the table, once committed); a gene already established raises
nothing new, and running again creates no duplicate."""
import csv

import pytest

from core.models import PatientGroup
from genomes.models import Case
from genomes.sv.dosage import dosage_load
from interpret.analysis.engine import run_analysis
from interpret.reanalysis.models import Alert, Reanalysis
from interpret.reanalysis.services import panel_events_consume, reanalysis_request
from panels.services import panel_entry_set, panel_version_draft, panel_version_publish, panel_version_submit
from tests.genomes.importing.test_import_case import write_ped
from tests.genomes.sv.test_import import GRCH38, small_vcf
from tests.genomes.sv.test_import import run as run_command
from tests.interpret.reanalysis.test_reanalysis import panel, run  # noqa: F401 (the fixture)
from tests.public_data import public_file

pytestmark = pytest.mark.django_db
CLINGEN = "sv-cnv/clingen-gene_curation_list_GRCh38.2020-05-31.tsv"


def smad3_trio(department, tmp_path, *, genes_annotated: bool = False) -> Case:
    """The GRCh38 trio whose child carries a de novo deletion of SMAD3 and AAGAB (chr15:67,000,001-67,300,000);
    ``genes_annotated``: its file names the genes GATK-SV's way (PREDICTED_LOF)."""
    sv_vcf = public_file("handmade/cnv_grch38_trio.vcf")
    if genes_annotated:
        declared = '##INFO=<ID=PREDICTED_LOF,Number=.,Type=String,Description="Genes lost">\n##FORMAT=<ID=GT'
        text = open(sv_vcf).read().replace("##FORMAT=<ID=GT", declared, 1).replace(
            "SVLEN=300000\t", "SVLEN=300000;PREDICTED_LOF=SMAD3,AAGAB\t")
        sv_vcf = tmp_path / "annotated_sv.vcf"
        sv_vcf.write_text(text)
    ped = write_ped(tmp_path, "F\tCHILD\tFATHER\tMOTHER\t1\t2\nF\tFATHER\t0\t0\t1\t1\nF\tMOTHER\t0\t0\t2\t1\n")
    vcf = small_vcf(tmp_path, "small.vcf", ["CHILD", "FATHER", "MOTHER"],
                    {**GRCH38, "chr13": 114364328, "chr15": 101991189}, "chr1")
    code, _, err = run_command("import_case", "--patient-group", "RARE", "--department", department.code,
                               "--ped", str(ped), "--vcf", str(vcf), "--wait",
                               "--sv-vcf", str(sv_vcf))
    assert code == 0, err
    return Case.objects.get(identifier="F")


def test_a_cnv_covering_a_gene_newly_green_on_the_cases_panel_is_alerted(dept_a, alice, panel, tmp_path):  # noqa: F811
    panel_object, author, signer = panel
    case = smad3_trio(dept_a, tmp_path, genes_annotated=True)
    assert case.structural_variants.get(start=67000001).genes == ["AAGAB", "SMAD3"]
    assert PatientGroup.objects.get(code="RARE") == case.patient_group
    run_analysis(case, {}, user=alice)  # analysed with v0.1 (NOC2L only)
    draft = panel_version_draft(panel=panel_object, created_by=author)
    panel_entry_set(version=draft, symbol="SMAD3", by=author, confidence="green")
    panel_version_submit(version=draft, by=author)
    panel_version_publish(version=draft, signed_off_by=signer)
    (started,) = panel_events_consume()
    assert run(started)["alerts_created"] == 1
    alert = Alert.objects.get()
    assert (alert.case_id, alert.kind) == (case.pk, "sv_panel_gene")
    assert "SMAD3 newly green on panel Neuromuscular v0.2" in alert.title and "copy-number loss" in alert.title
    assert alert.evidence["structural_variant"] == case.structural_variants.get(start=67000001).pk
    assert run(reanalysis_request(by=alice, checks="panel", send_to_worker=False))["alerts_created"] == 0


def test_a_gene_newly_established_as_haploinsufficient_alerts_the_cnvs_covering_it(
        dept_a, tmp_path, django_capture_on_commit_callbacks):
    # an older table where SMAD3 was not yet established (score 1); AAGAB already was (3)
    older = tmp_path / "older.tsv"
    with open(public_file(CLINGEN)) as source, open(older, "w") as target:
        for line in source:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "SMAD3":
                fields[4] = "1"
            target.write("\t".join(fields) + "\n")
    dosage_load(older)
    smad3_trio(dept_a, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = dosage_load(public_file(CLINGEN))
    assert outcome["newly_established"] == {"SMAD3": ["haploinsufficiency"]}
    (started,) = Reanalysis.objects.filter(trigger="dosage")
    assert run(started)["alerts_created"] == 1
    alert = Alert.objects.get()
    assert alert.kind == "dosage_gene" and alert.evidence["gene"] == "SMAD3" and alert.evidence["whole_gene"]
    assert "SMAD3 is now an established haploinsufficient gene" in alert.title
    # loading the same table again establishes nothing new and starts nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert dosage_load(public_file(CLINGEN))["newly_established"] == {}
    assert Reanalysis.objects.filter(trigger="dosage").count() == 1


def test_the_clingen_table_header_columns_are_as_the_test_edits_them():
    with open(public_file(CLINGEN)) as source:
        header = next(row for row in csv.reader(source, delimiter="\t") if row and row[0] == "#Gene Symbol")
    assert header[4] == "Haploinsufficiency Score"
