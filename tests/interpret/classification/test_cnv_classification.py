"""CNV classification (issue 26): a deletion of SMAD3 and AAGAB (ClinGen haploinsufficiency 3), de novo in a
GRCh38 trio, is classified by the ACMG/ClinGen 2020 points with the platform's suggestions, recorded in the
classification store with the same two-person approval as small variants (the author, the submitter and anyone
who decided a code cannot approve), each code's points held to the scoresheet's range; the signed report names it
HGVS-style and ISCN-style with its class, the Phenopacket carries it, and the SV run is recorded like a filter
run. Pages and API act through the same services and write the same audit rows."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, Role
from genomes.models import Case
from genomes.sv.descriptions import sv_hgvs
from genomes.sv.dosage import dosage_load
from interpret.acmg.cnv import cnv_total
from interpret.analysis.models import FilterRun
from interpret.classification.models import CnvClassification
from interpret.cnv.services import (
    cnv_approve,
    cnv_classification_start,
    cnv_points_set,
    cnv_reclassify,
    cnv_submit,
)
from tests.factories import make_user
from tests.genomes.importing.test_import_case import write_ped
from tests.genomes.sv.test_import import GRCH38, run, small_vcf
from tests.public_data import public_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def smad3_trio(department, tmp_path):
    dosage_load(public_file("sv-cnv/clingen-gene_curation_list_GRCh38.2020-05-31.tsv"))
    ped = write_ped(tmp_path, "F\tCHILD\tFATHER\tMOTHER\t1\t2\nF\tFATHER\t0\t0\t1\t1\nF\tMOTHER\t0\t0\t2\t1\n")
    vcf = small_vcf(tmp_path, "small.vcf", ["CHILD", "FATHER", "MOTHER"],
                    {**GRCH38, "chr13": 114364328, "chr15": 101991189}, "chr1")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped", str(ped),
                       "--vcf", str(vcf), "--wait", "--sv-vcf", public_file("handmade/cnv_grch38_trio.vcf"))
    assert code == 0, err
    case = Case.objects.get(identifier="F")
    return case, case.structural_variants.get(svtype="DEL", start=67000001)


def test_the_hgvs_style_description_uses_the_builds_refseq_chromosome_and_the_uncertain_form_from_depth():
    assert sv_hgvs(build="GRCh38", chrom="1", start=1000000, end=2000000, svtype="DEL",
                   from_depth=True) == "NC_000001.11:g.(?_1000000)_(2000000_?)del"
    assert sv_hgvs(build="GRCh37", chrom="X", start=31000000, end=31100000, svtype="DUP") == \
        "NC_000023.10:g.31000000_31100000dup"
    assert sv_hgvs(build="GRCh38", chrom="4", start=5, end=5, svtype="BND") == ""
    assert cnv_total({"2A": 1.0, "4A": 0.45, "4B": 0.45, "4C": 0.45}) == 1.9  # section 4 capped at 0.90
    assert cnv_total({"1B": -0.6, "4O": -1.0}) == -1.6


def test_a_de_novo_smad3_deletion_is_classified_by_two_people_and_reported_and_exported(smad3_trio, department,
                                                                                       client):
    case, call = smad3_trio
    alice = make_user("alice2", department=department, role=Role.CLINICAL_GENETICIST)
    carl = make_user("carl2", department=department, role=Role.VARIANT_CURATOR)
    tina = make_user("tina2", department=department, role=Role.TUMOR_BOARD_MEMBER)
    with pytest.raises(PermissionDenied):
        cnv_classification_start(case=case, call_id=call.pk, condition="Loeys-Dietz syndrome 3", by=tina)
    draft = cnv_classification_start(case=case, call_id=call.pk, condition="Loeys-Dietz syndrome 3", by=alice)
    assert draft.hgvs == "NC_000015.10:g.(?_67000001)_(67300000_?)del"
    assert draft.iscn.startswith("seq[GRCh38] del(15)(q22.33q23)")
    assert draft.iscn.endswith("15q22.33q23(67000001_67300000)x1")
    assert draft.points["2A"]["suggestion"]["points"] == 1.0 and "SMAD3" in draft.points["2A"]["suggestion"]["reason"]
    assert "5A" in draft.points and draft.result_class == "uncertain_significance"  # nothing applied yet
    # the same event and condition: the open draft, not a second
    assert cnv_classification_start(case=case, call_id=call.pk, condition="Loeys-Dietz syndrome 3",
                                    by=carl).pk == draft.pk
    with pytest.raises(ValidationError, match="between"):
        cnv_points_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice, code="5A",
                       decision="applied", points=0.9, justification="de novo")
    draft = cnv_points_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice, code="2A",
                           decision="applied")
    assert (draft.total, draft.result_class) == (1.0, "pathogenic")
    assert draft.points["2A"]["justification"].startswith("complete overlap of an established haploinsufficient")
    stale = draft.lock_version - 1
    with pytest.raises(Exception, match="changed by someone else"):
        cnv_points_set(classification_id=draft.pk, lock_version=stale, by=alice, code="3A", decision="applied")
    submitted = cnv_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=alice)
    with pytest.raises(PermissionDenied, match="second person"):
        cnv_approve(classification_id=submitted.pk, by=alice)
    final = cnv_approve(classification_id=submitted.pk, by=carl)
    assert (final.status, final.approved_by, final.result_class) == ("final", carl, "pathogenic")
    assert AuditEvent.objects.filter(object_type="cnv_classification", object_id=str(final.pk),
                                     username="carl2", action="change").exists()
    # the SV tab shows the classification; the run is recorded as the case's SV filter run
    client.force_login(alice)
    html = client.get(f"/cases/{case.pk}/structural-variants/", {"dosage_sensitive": "1"}).content.decode()
    assert 'data-testid="sv-cnv-classification"' in html and "Pathogenic (final)" in html
    run_ = FilterRun.objects.filter(case=case, kind="sv", user=alice).get()
    assert run_.filters["dosage_sensitive_only"] is True and run_.result_count == 1 and run_.sv_imports.count() == 1
    # the report's first draft reports the classified call; signed, the Phenopacket carries it
    from interpret.reporting import services as reports
    from interpret.workflow import services as workflow

    gwen = make_user("gwen2", department=department, role=Role.CLINICAL_GENETICIST)
    workflow.case_start_analysis(case=case, by=alice)
    report = reports.report_draft_start(case=case, by=alice)
    assert report.structural_variant_ids == [call.pk] and run_.pk in report.filter_run_ids
    (reported,) = report.facts["structural_variants"]
    assert reported["hgvs"] == final.hgvs and reported["classification"]["code"] == "pathogenic"
    assert reported["classification"]["codes"] == ["2A (+1.00)"] and reported["zygosity"] == "heterozygous"
    assert reported["inheritance"][0].lower().startswith("de novo")
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    signed = reports.report_sign_out(report=report, by=gwen)
    assert "NC_000015.10:g.(?_67000001)_(67300000_?)del" in signed.html and "del(15)(q22.33q23)" in signed.html
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    packet = json_format.Parse(client.get(f"/cases/{case.pk}/phenopacket.json").content.decode(), Phenopacket())
    interpretation = packet.interpretations[0]
    assert interpretation.progress_status == interpretation.ProgressStatus.SOLVED
    (finding,) = interpretation.diagnosis.genomic_interpretations
    descriptor = finding.variant_interpretation.variation_descriptor
    assert {e.syntax: e.value for e in descriptor.expressions}["hgvs"] == final.hgvs
    assert descriptor.structural_type.id == "SO:0000159" and finding.variant_interpretation \
        .acmg_pathogenicity_classification == 5  # PATHOGENIC
    # a reclassification is version 2; the final stays until it is approved
    second = cnv_reclassify(classification_id=final.pk, by=carl, reason="new family data")
    assert (second.version, second.points["2A"]["decision"]) == (2, "applied")
    assert CnvClassification.objects.get(pk=final.pk).status == "final"


def test_the_api_starts_and_acts_on_a_cnv_classification_with_the_same_rules(smad3_trio, department, client):
    case, call = smad3_trio
    alice = make_user("alice3", department=department, role=Role.CLINICAL_GENETICIST)
    client.force_login(alice)
    started = client.post(f"/api/cases/{case.pk}/structural-variants/{call.pk}/cnv-classification/",
                          {"condition": "Loeys-Dietz syndrome 3"}, content_type="application/json")
    assert started.status_code == 201, started.content
    body = started.json()
    url = f"/api/cnv-classifications/{body['id']}/"
    applied = client.post(url, {"action": "points", "code": "2A", "decision": "applied",
                                "lock_version": body["lock_version"]}, content_type="application/json")
    assert applied.status_code == 200 and applied.json()["result"]["class"] == "pathogenic"
    assert client.post(url, {"action": "points", "code": "9Z", "decision": "applied",
                             "lock_version": applied.json()["lock_version"]},
                       content_type="application/json").status_code == 400
    submitted = client.post(url, {"action": "submit", "lock_version": applied.json()["lock_version"]},
                            content_type="application/json")
    assert submitted.json()["status"] == "submitted"
    assert client.post(url, {"action": "approve"}, content_type="application/json").status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", username="alice3").exists()
    # a classification needs its condition; another department's geneticist learns nothing of it
    assert client.post(f"/api/cases/{case.pk}/structural-variants/{call.pk}/cnv-classification/",
                       {"condition": " "}, content_type="application/json").status_code == 400
    from tests.factories import make_department

    client.force_login(make_user("bob3", department=make_department("kg-other"), role=Role.CLINICAL_GENETICIST))
    assert client.get(url).status_code == 404
