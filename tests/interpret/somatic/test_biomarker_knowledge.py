"""The biomarker knowledge table: CIViC-style import (errors naming file, line, field), draft and second-curator
sign-off, and AMP/ASCO/CAP tiers from the published version."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import InputFileError
from core.models import Role
from interpret.cancer import biomarkers
from interpret.cancer.models import BiomarkerKnowledgeVersion
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def variant(**changes):
    return {"key": 1, "gene": "BRAF", "consequence": "missense_variant", "hgvsp": "p.Val600Glu", "popmax": None,
            "cancer_gene": True, "oncogenicity": None, **changes}


def tier(tumour_type, **changes):
    return biomarkers.tiers_for([variant(**changes)], tumour_type=tumour_type)[1]


def test_tiers_from_the_published_table(cancer_knowledge):
    melanoma = tier("MEL")
    assert melanoma["label"] == "IA" and melanoma["by_category"]["therapeutic"]["therapy"].startswith("Dabrafenib")
    lung = tier("NSCLC")  # approved in melanoma and colorectal, and tumour-agnostic at level C: Tier II
    assert lung["label"] == "IIC"
    assert tier("MEL", gene="DNMT3A", hgvsp="p.Gly532ValfsTer11", consequence="frameshift_variant")["label"] == "III"
    assert tier("MEL", popmax=0.05, gene="XYZ", hgvsp=None)["label"] == "IV"
    assert tier("MEL", oncogenicity="benign", gene="XYZ")["label"] == "IV"
    assert tier("AML", gene="ASXL1", hgvsp="p.Gly646TrpfsTer12", consequence="frameshift_variant")["label"] == "IA"
    assert tier("AML", gene="TP53", hgvsp="p.Ser241Phe")["by_category"]["prognostic"]["significance"] == "adverse"
    assert melanoma["knowledge_version"] == biomarkers.published_version().number


def test_civic_import_errors_name_file_line_and_field(cancer_knowledge, tmp_path):
    author, _ = cancer_knowledge
    biomarkers.knowledge_draft_start(by=author)
    bad = tmp_path / "civic.tsv"
    bad.write_text("molecular_profile\tdisease\toncotree_code\tevidence_type\tevidence_level\tsignificance\ttherapies\tcitation_id\n"
                   "BRAF V600E\tMelanoma\tMEL\tPredictive\tA\tSensitivity/Response\tVemurafenib\tPMID:21639808\n"
                   "KRAS G12D\tPancreatic cancer\tPAAD\tPredictive\tZ\tResistance\tErlotinib\tPMID:1\n")
    with pytest.raises(InputFileError) as error:
        biomarkers.biomarkers_import_tsv(by=author, path=bad)
    assert (error.value.source, error.value.line, error.value.field) == ("civic.tsv", 3, "evidence_level")
    good = tmp_path / "civic_ok.tsv"
    good.write_text("molecular_profile\tdisease\toncotree_code\tevidence_type\tevidence_level\tsignificance\ttherapies\tcitation_id\n"
                    "KRAS G12D\tPancreatic cancer\tPAAD\tPredictive\tE\tResistance\tErlotinib\tPMID:1\n"
                    "TP53 Mutation\tLi-Fraumeni\tANY\tPredisposing\tB\tPredisposition\t\tPMID:2\n")
    outcome = biomarkers.biomarkers_import_tsv(by=author, path=good)
    assert outcome == {"imported": 1, "skipped": 1, "version": biomarkers.draft_version().number}
    line = biomarkers.draft_version().biomarkers.get(gene="KRAS", oncotree_code="PAAD")
    assert (line.protein_change, line.level, line.category) == ("G12D", "D", "therapeutic")  # CIViC E read as D


def test_sign_off_needs_a_second_curator_and_retires_the_previous(cancer_knowledge):
    author, approver = cancer_knowledge
    before = biomarkers.published_version()
    biomarkers.knowledge_draft_start(by=author)
    biomarkers.biomarker_add(by=author, values={"gene": "BRAF", "variant": "V600E", "tumour_type": "Lung",
                                                "oncotree_code": "NSCLC", "category": "therapeutic", "level": "A",
                                                "significance": "sensitivity", "therapy": "Dabrafenib + Trametinib",
                                                "source": "EMA label"})
    assert tier("NSCLC")["label"] == "IIC"  # the draft changes nothing until signed off
    with pytest.raises(PermissionDenied):
        biomarkers.knowledge_sign_off(by=author)
    published = biomarkers.knowledge_sign_off(by=approver)
    before.refresh_from_db()
    assert before.status == "retired" and published.status == "published"
    assert tier("NSCLC")["label"] == "IA"
    assert BiomarkerKnowledgeVersion.objects.filter(status="published").count() == 1


def test_only_curators_and_board_members_keep_the_table(cancer_knowledge, alice):
    with pytest.raises(PermissionDenied):
        biomarkers.knowledge_draft_start(by=alice)
    with pytest.raises(InputFileError):
        biomarkers.biomarker_clean({"gene": "BRAF", "variant": "V600E", "oncotree_code": "MEL",
                                    "category": "therapeutic", "level": "A", "significance": "sensitivity",
                                    "source": "label"})  # a therapeutic line names its therapy
    with pytest.raises(ValidationError):
        biomarkers.knowledge_sign_off(by=make_user("kb-3", department=alice.memberships.first().department,
                                                   role=Role.VARIANT_CURATOR))


def test_load_cancer_knowledge_command_replaces_the_gene_list_and_names_bad_lines(patient_groups, tmp_path, capsys):
    from django.core.management import call_command

    from interpret.cancer.models import CancerGene

    genes = tmp_path / "cgc.tsv"
    genes.write_text("symbol\trole\tpredisposition\nBRAF\toncogene\tno\nBRCA2\ttsg\tyes\n")
    call_command("load_cancer_knowledge", "--cancer-genes", str(genes), "--source", "test list")
    assert sorted(CancerGene.objects.values_list("symbol", "role", "predisposition")) == [
        ("BRAF", "oncogene", False), ("BRCA2", "tsg", True)]
    genes.write_text("symbol\trole\nKRAS\tdriver\n")
    with pytest.raises(SystemExit):
        call_command("load_cancer_knowledge", "--cancer-genes", str(genes), "--source", "test list")
    assert "cgc.tsv, line 2, field role" in capsys.readouterr().err
    assert CancerGene.objects.count() == 2  # nothing half-loaded


def test_the_knowledge_page_drafts_imports_and_signs_off(cancer_knowledge, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    author, approver = cancer_knowledge
    client.force_login(author)
    client.post("/knowledge/biomarkers/", {"action": "start"})
    draft = biomarkers.draft_version()
    assert draft is not None and draft.biomarkers.count() == biomarkers.published_version().biomarkers.count()
    client.post("/knowledge/biomarkers/", {"action": "add", "gene": "KIT", "variant": "D816V", "tumour_type": "GIST",
                                           "oncotree_code": "GIST", "category": "therapeutic", "level": "A",
                                           "significance": "resistance", "therapy": "Imatinib", "source": "label"})
    assert draft.biomarkers.filter(gene="KIT").exists()
    bad = SimpleUploadedFile("civic.tsv", b"gene\tvariant\tdisease\toncotree_code\tevidence_type\tevidence_level\t"
                                          b"significance\ttherapies\tsource\nEGFR\tT790M\tLung\tNSCLC\tPredictive\tA\t"
                                          b"resistance\t\tlabel\n")
    answer = client.post("/knowledge/biomarkers/", {"action": "import", "tsv": bad}, follow=True)
    assert "civic.tsv, line 2, field therapies" in answer.content.decode()
    client.post("/knowledge/biomarkers/", {"action": "sign_off"})
    assert biomarkers.draft_version() is not None  # the author cannot sign off
    client.force_login(approver)
    client.post("/knowledge/biomarkers/", {"action": "sign_off"})
    assert biomarkers.draft_version() is None
    assert biomarkers.published_version().biomarkers.filter(gene="KIT").exists()
