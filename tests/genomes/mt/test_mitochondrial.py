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
