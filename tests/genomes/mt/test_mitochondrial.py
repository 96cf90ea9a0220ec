"""Mitochondrial variants (issue 28, the MT part): Mutect2's mitochondria-mode calls of NA12878 with their
heteroplasmy from FORMAT/AF, the multi-allelic site 302 split with its own levels (0.768/0.128/0.094), FILTER kept
(possible_numt, weak_evidence); HmtNote's 66-sample file with FORMAT/HF, haploid and odd genotypes accepted, the
HmtVar/MITOMAP fields shown; a mother's level decides "maternally inherited" or "absent in the mother"; the tab,
API and analyse_case with the same rights and audit; a file of another genome refused."""
import io
import json

import pytest
from django.core.management import call_command

from core.models import AuditEvent, Role
from genomes.models import Case, MtVariant
from tests.factories import make_user
from tests.genomes.importing.test_import_case import write_ped
from tests.genomes.sv.test_import import GRCH38, run, small_vcf
from tests.public_data import public_file

pytestmark = pytest.mark.django_db


def singleton(department, tmp_path, identifier="MITO", individual="NA12878"):
    ped = write_ped(tmp_path, f"{identifier}\t{individual}\t0\t0\t2\t2\n", f"{identifier}.ped")
    vcf = small_vcf(tmp_path, f"{identifier}.vcf", [individual], GRCH38, "chr1")
    code, outcome, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped",
                             str(ped), "--vcf", str(vcf), "--wait")
    assert code == 0, err
    return Case.objects.get(identifier=identifier)


def test_mutect2s_heteroplasmy_is_read_per_allele_and_the_tab_filters_by_level(department, tmp_path, client):
    case = singleton(department, tmp_path)
    path = str(public_file("mito/gatk-mutect2-mito-filtered.vcf"))
    code, outcome, err = run("import_variants", "MITO", "--kind", "mt", "--vcf", path, "--sample",
                             "NA12878=NA12878")
    assert code == 0, err
    assert outcome["records_read"] == 6 and outcome["heteroplasmy_from"] == "FORMAT/AF"
    at_302 = {v.alt: v.sample_calls[0]["heteroplasmy"] for v in MtVariant.objects.filter(case=case, pos=302)}
    assert sorted(at_302.values(), reverse=True) == [0.768, 0.128, 0.094]
    numt = MtVariant.objects.get(case=case, pos=301)
    assert "possible_numt" in numt.filters and numt.sample_calls[0]["heteroplasmy"] == 0.084
    geneticist = make_user("gina", department=department, role=Role.CLINICAL_GENETICIST)
    client.force_login(geneticist)
    every = client.get(f"/cases/{case.pk}/mitochondrial-variants/", {"min_heteroplasmy": "0"}).content.decode()
    high = client.get(f"/cases/{case.pk}/mitochondrial-variants/", {"min_heteroplasmy": "0.95"}).content.decode()
    assert every.count('data-testid="mt-row"') == MtVariant.objects.filter(case=case).count()
    assert 0 < high.count('data-testid="mt-row"') < every.count('data-testid="mt-row"') and "homoplasmic" in high
    passed = client.post(f"/api/cases/{case.pk}/mitochondrial-variants/", {"min_heteroplasmy": 0, "pass_only": True},
                         content_type="application/json").json()
    assert all(row["filters"] == ["PASS"] for row in passed["alleles"]) and passed["filter_run"]
    assert client.post(f"/api/cases/{case.pk}/mitochondrial-variants/", {"min_heteroplasmy": 3},
                       content_type="application/json").status_code == 400
    assert AuditEvent.objects.filter(user=geneticist, object_type="mitochondrial_variants", action="view").exists()
    out = io.StringIO()
    call_command("analyse_case", "MITO", "--kind", "mt", "--set", "min_heteroplasmy=0.5", "--user", "gina",
                 "--json", stdout=out)
    assert {row["pos"] for row in json.loads(out.getvalue())} >= {152, 263}
    # a file of the nuclear genome is refused, naming the record, and nothing is replaced
    code, _, err = run("import_variants", "MITO", "--kind", "mt", "--vcf",
                       str(tmp_path / "MITO.vcf"))
    assert code == 1 and "MITO.vcf" in err and "not the mitochondrial genome" in err
    assert MtVariant.objects.filter(case=case).count() == len(every.split('data-testid="mt-row"')) - 1


def test_hmtnotes_file_gives_levels_from_hf_with_odd_genotypes_and_the_mothers_level_decides(department,
                                                                                               tmp_path, client):
    ped = write_ped(tmp_path, "FAM\tKID\tDAD\tMUM\t1\t2\nFAM\tDAD\t0\t0\t1\t1\nFAM\tMUM\t0\t0\t2\t1\n", "fam.ped")
    vcf = small_vcf(tmp_path, "fam.vcf", ["KID", "DAD", "MUM"], GRCH38, "chr1")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped",
                       str(ped), "--vcf", str(vcf), "--wait")
    assert code == 0, err
    case = Case.objects.get(identifier="FAM")
    code, imported, err = run("import_variants", "FAM", "--kind", "mt", "--vcf",
                              str(public_file("mito/hmtnote-multisample_ann_offline.vcf")), "--sample",
                              "KID=SRR1777294", "--sample", "MUM=SRR1777295", "--sample", "DAD=SRR1777296")
    assert code == 0, err
    assert imported["records_read"] == 120 and imported["heteroplasmy_from"] == "FORMAT/HF"
    kid, mum = (case.samples.get(individual__individual_id=i).position for i in ("KID", "MUM"))
    at_73 = MtVariant.objects.get(case=case, pos=73, alt="G")
    assert at_73.sample_calls[kid]["heteroplasmy"] == 0.994 and at_73.sample_calls[kid]["gt"] == "0/1"
    assert at_73.sample_calls[mum]["gt"] == "1"  # haploid, as written
    assert at_73.annotations["Locus"] == "MT-DLOOP" and at_73.gene == "MT-DLOOP"
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    html = client.get(f"/cases/{case.pk}/mitochondrial-variants/").content.decode()
    assert "maternally inherited" in html and "HmtVar" in html
    rows = client.post(f"/api/cases/{case.pk}/mitochondrial-variants/", {}, content_type="application/json").json()
    maternal = {row["maternal"].split(" (")[0] for row in rows["alleles"]}
    assert maternal <= {"maternally inherited", "absent in the mother", "mother not measured"}


def test_the_main_vcfs_chrm_records_reach_the_mitochondrial_tab_with_levels_from_ad(department, client):
    from genomes.models import MtImport
    from tests.genomes.importing.test_import_case import import_case

    _, job = import_case(department, public_file("scout-demo/643594.ped"),
                         public_file("scout-demo/643594.clinical.vcf.gz"))
    assert job.state == "done", job.error
    assert job.result["mitochondrial"] == {"records_read": 3, "alleles": 3, "heteroplasmy_from": "FORMAT/AD"}
    case = Case.objects.get(identifier="643594")
    assert case.mt_imports.get(is_current=True).source == MtImport.Source.MAIN_VCF
    proband = case.samples.get(individual__individual_id="ADM1059A2").position
    at_16023 = MtVariant.objects.get(case=case, pos=16023)
    assert at_16023.sample_calls[proband]["heteroplasmy"] == round(1125 / 2154, 4) == 0.5223
    # genes from the mitochondrial genome's own models, not the annotation's first (upstream) gene
    assert at_16023.gene == "MT-TP" and MtVariant.objects.get(case=case, pos=14872).gene == "MT-CYB"
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    html = client.get(f"/cases/{case.pk}/mitochondrial-variants/").content.decode()
    assert html.count('data-testid="mt-row"') == 3 and "0.522" in html


def test_hmtnotes_whole_file_gives_its_published_heteroplasmy_classes_and_hmtvar_pathogenic_records(department,
                                                                                                    tmp_path, client):
    from genomes.mt.importing import mt_file_import

    path = public_file("mito/hmtnote-multisample_ann_offline.vcf")
    samples = [line.rstrip("\n").split("\t")[9:] for line in open(path) if line.startswith("#CHROM")][0]
    assert len(samples) == 66
    levels = []
    for half, names in (("A", samples[:33]), ("B", samples[33:])):  # a case holds at most 50 people
        ped_path = write_ped(tmp_path, "".join(f"F{half}\t{name}\t0\t0\t2\t2\n" for name in names),
                             f"hmt{half}.ped")
        vcf = small_vcf(tmp_path, f"hmt{half}.vcf", names, GRCH38, "chr1")
        code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped",
                           str(ped_path), "--vcf", str(vcf), "--wait", "--case-id", f"HMT{half}")
        assert code == 0, err
        case = Case.objects.get(identifier=f"HMT{half}")
        mt_file_import(case=case, path=path)
        levels += [call["heteroplasmy"] for v in MtVariant.objects.filter(case=case) for call in v.sample_calls
                   if call and call["heteroplasmy"] is not None]
    assert len(levels) == 1340
    # The issue's 183 / 1,111 read the one level written "0.95" as the float32 0.94999999 (cyvcf2's raw value):
    # levels are kept as written (4 decimals), and 0.95 is homoplasmic (>= 0.95), so one moves across.
    assert sum(0.03 <= level < 0.95 for level in levels) == 182 and sum(level >= 0.95 for level in levels) == 1112
    assert levels.count(0.95) == 1
    assert MtVariant.objects.filter(case=case, annotations__Pathogenicity="pathogenic").count() == 5
    # the person carrying three of them (m.8404T>A and m.10861T>A at 0.2% and 0.1%, m.12561G>C homoplasmic)
    ped_path = write_ped(tmp_path, "P307\tSRR1777307\t0\t0\t2\t2\n", "p307.ped")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped",
                       str(ped_path), "--vcf", str(small_vcf(tmp_path, "p307.vcf", ["SRR1777307"], GRCH38, "chr1")),
                       "--wait")
    assert code == 0, err
    carrier = Case.objects.get(identifier="P307")
    mt_file_import(case=carrier, path=path)
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    html = client.get(f"/cases/{carrier.pk}/mitochondrial-variants/", {"min_heteroplasmy": "0"}).content.decode()
    assert html.count('data-testid="mt-hmtvar-pathogenic"') == 3
    default = client.get(f"/cases/{carrier.pk}/mitochondrial-variants/").content.decode()  # at least 5%
    assert default.count('data-testid="mt-hmtvar-pathogenic"') == 1 and "m.12561G&gt;C" in default


MATERNAL_VCF = """##fileformat=VCFv4.2
##contig=<ID=chrM,length=16569>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tMUM
chrM\t3243\t.\tA\tG\t.\tPASS\t.\tGT:AF\t0/1:0.62\t0/1:0.18
chrM\t8993\t.\tT\tG\t.\tPASS\t.\tGT:AF\t0/1:0.91\t0/1:0.02
chrM\t11778\t.\tG\tA\t.\tPASS\t.\tGT:AF\t1:0.99\t1:0.98
"""


def test_maternal_inheritance_absence_in_the_mother_and_a_level_shift_on_a_hand_made_family(department, tmp_path,
                                                                                          client):
    ped = write_ped(tmp_path, "MAT\tKID\t0\tMUM\t2\t2\nMAT\tMUM\t0\t0\t2\t1\n", "mat.ped")
    vcf = small_vcf(tmp_path, "mat.vcf", ["KID", "MUM"], GRCH38, "chr1")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped",
                       str(ped), "--vcf", str(vcf), "--wait")
    assert code == 0, err
    (tmp_path / "mat.mt.vcf").write_text(MATERNAL_VCF)
    code, _, err = run("import_variants", "MAT", "--kind", "mt", "--vcf", str(tmp_path / "mat.mt.vcf"))
    assert code == 0, err
    case = Case.objects.get(identifier="MAT")
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    rows = {row["pos"]: row for row in client.post(f"/api/cases/{case.pk}/mitochondrial-variants/", {},
                                                   content_type="application/json").json()["alleles"]}
    assert rows[11778]["maternal"] == "maternally inherited" and rows[11778]["homoplasmic"]
    assert rows[8993]["maternal"] == "absent in the mother (her level 0.02)"  # MT-ATP6 NARP/Leigh, 91% in the child
    # MELAS m.3243A>G: inherited, the level shifted from 18% in the mother to 62% in the child, both shown
    assert rows[3243]["maternal"] == "maternally inherited, level shift: 0.18 in the mother, 0.62 here"
    assert rows[3243]["levels"]["MUM"]["heteroplasmy"] == 0.18 and rows[3243]["heteroplasmy"] == 0.62
    assert rows[3243]["gene"] == "MT-TL1" and rows[8993]["gene"] == "MT-ATP6"


def test_a_mitochondrial_allele_is_classified_on_its_m_hgvs_and_a_final_pathogenic_class_alerts_the_case(
        department, tmp_path, client):
    from core.jobs import job_run
    from interpret.classification.models import Classification
    from interpret.reanalysis.models import Alert, Reanalysis
    from interpret.reanalysis.services import classification_finalised

    ped = write_ped(tmp_path, "MAT\tKID\t0\tMUM\t2\t2\nMAT\tMUM\t0\t0\t2\t1\n", "mat.ped")
    vcf = small_vcf(tmp_path, "mat.vcf", ["KID", "MUM"], GRCH38, "chr1")
    assert run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped", str(ped),
               "--vcf", str(vcf), "--wait")[0] == 0
    (tmp_path / "mat.mt.vcf").write_text(MATERNAL_VCF)
    assert run("import_variants", "MAT", "--kind", "mt", "--vcf", str(tmp_path / "mat.mt.vcf"))[0] == 0
    case = Case.objects.get(identifier="MAT")
    melas = MtVariant.objects.get(case=case, pos=3243)
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    response = client.post(f"/cases/{case.pk}/mitochondrial-variants/{melas.pk}/classify/", {"condition": "MELAS"})
    assert response.status_code == 302 and "/classifications/" in response["Location"]
    draft = Classification.objects.get(condition="MELAS")
    assert (draft.gene, draft.hgvsc, draft.mode_of_inheritance, draft.variant.chrom) == (
        "MT-TL1", "NC_012920.1:m.3243A>G", "MT", "MT")
    assert 'data-testid="mt-classification"' in client.get(f"/cases/{case.pk}/mitochondrial-variants/").content.decode()
    # another case's allele is not reachable through this case
    assert client.post(f"/cases/{case.pk}/mitochondrial-variants/999999/classify/",
                       {"condition": "MELAS"}).status_code == 404
    Classification.objects.filter(pk=draft.pk).update(
        status="final", result_class="pathogenic", approved_at=draft.created_at.replace(year=2100))
    reanalysis = classification_finalised(Classification.objects.get(pk=draft.pk))
    assert job_run(reanalysis.job_id).state == "done"
    assert Reanalysis.objects.get(pk=reanalysis.pk).summary["alerts_created"] == 1
    alert = Alert.objects.get(case=case)
    assert "NC_012920.1:m.3243A>G now pathogenic" in alert.title and alert.evidence["heteroplasmy"] == 0.62
    # the report states the classified allele on its m. HGVS with both levels; the Phenopacket carries it
    from interpret.reporting.facts import report_facts
    from interpret.reporting.models import Report
    from interpret.reporting.phenopacket import case_phenopacket, phenopacket_json

    facts = report_facts(case, variant_ids=[], secondary_variant_ids=[], consent="", filter_run_ids=[])
    (finding,) = facts["mitochondrial"]["findings"]
    assert (finding["hgvs"], finding["levels"], finding["classification"]["class"]) == (
        "NC_012920.1:m.3243A>G", {"KID": 0.62, "MUM": 0.18}, "pathogenic")
    assert finding["maternal"].startswith("maternally inherited, level shift")
    gina = make_user("gina2", department=department, role=Role.CLINICAL_GENETICIST)
    Report.objects.create(case=case, version=1, author=gina, edited_by=[gina.pk], status="signed", facts=facts,
                          html="<p>signed</p>", pdf=b"%PDF-1.4", pdf_sha256="0" * 64)
    packet = json.loads(phenopacket_json(case_phenopacket(case, created_by="test")))
    (interpretation,) = packet["interpretations"][0]["diagnosis"]["genomicInterpretations"]
    descriptor = interpretation["variantInterpretation"]["variationDescriptor"]
    assert interpretation["interpretationStatus"] == "CAUSATIVE"
    assert descriptor["expressions"] == [{"syntax": "hgvs", "value": "NC_012920.1:m.3243A>G"}]
    assert descriptor["allelicState"] == {"id": "GENO:0000603", "label": "heteroplasmic"}
