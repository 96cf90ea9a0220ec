"""National observations of repeat expansions (per locus and size class) and mitochondrial alleles (per allele
and heteroplasmy class): each person once and each family once, also when the same family arrives as a second
case; exact against a recomputation after every import, replacement, catalog change and withdrawal; shown on the
tabs."""
import json

import pytest
from django.db import connection

from core.models import Role
from genomes.models import Case, MtVariantObservation, StrCall, StrLocusObservation
from genomes.mt.national import mt_observations_recomputed
from genomes.services import case_variants_withdraw
from genomes.str.catalog import calls_reclassify, catalog_load
from genomes.str.national import str_observations_recomputed
from tests.factories import make_user
from tests.genomes.sv.test_import import run
from tests.public_data import public_file

pytestmark = pytest.mark.django_db
STR_COLUMNS = ("build", "locus_id", "size_class", "patient_group_id", "carriers", "families", "affected_carriers")
MT_COLUMNS = ("pos", "ref", "alt", "level_class", "patient_group_id", "carriers", "families", "affected_carriers")


def exact():
    with connection.cursor() as cursor:
        str_kept = set(StrLocusObservation.objects.values_list(*STR_COLUMNS))
        mt_kept = set(MtVariantObservation.objects.values_list(*MT_COLUMNS))
        assert str_kept == str_observations_recomputed(cursor)
        assert mt_kept == mt_observations_recomputed(cursor)
    return str_kept, mt_kept


def scout_case(department, identifier):
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--case-id",
                       identifier, "--ped", str(public_file("scout-demo/643594.ped")), "--vcf",
                       str(public_file("scout-demo/643594.clinical.vcf.gz")), "--wait", "--str-vcf",
                       str(public_file("str/scout-643594.clinical.str.stranger.vcf.gz")))
    assert code == 0, err
    return Case.objects.get(identifier=identifier)


def test_a_family_seen_twice_counts_once_and_counts_follow_catalog_changes_and_withdrawals(department, client,
                                                                                          tmp_path):
    catalog_load(public_file("str/stranger-variant_catalog_grch37.json"), build="GRCh37")
    first = scout_case(department, "643594-A")
    str_kept, mt_kept = exact()
    assert str_kept and mt_kept
    rfc1 = {row.size_class: (row.carriers, row.families)
            for row in StrLocusObservation.objects.filter(locus_id="RFC1")}
    assert sum(carriers for carriers, _ in rfc1.values()) == 3 and all(f == 1 for _, f in rfc1.values())
    at_16023 = MtVariantObservation.objects.get(pos=16023)  # AD 1125/2154 in all three: heteroplasmic
    assert (at_16023.level_class, at_16023.carriers, at_16023.families, at_16023.affected_carriers) == (
        "heteroplasmic", 3, 1, 1)
    assert MtVariantObservation.objects.get(pos=14872).level_class == "homoplasmic"
    second = scout_case(department, "643594-B")  # the same three people as another case
    assert exact() == (str_kept, mt_kept)
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    page = client.get(f"/cases/{second.pk}/repeat-expansions/").content.decode()
    assert 'data-testid="str-national"' in page and "fullmutation" in page
    mt_page = client.get(f"/cases/{second.pk}/mitochondrial-variants/").content.decode()
    assert "heteroplasmic 3 · 1" in mt_page
    # a catalog that lowers AR's thresholds below everyone's alleles moves the three people: recounted
    catalog = json.loads(public_file("str/stranger-variant_catalog_grch37.json").read_text())
    for entry in catalog:
        if entry["LocusId"] == "AR":
            entry["NormalMax"], entry["PathologicMin"] = 10, 12
    (tmp_path / "lowered.json").write_text(json.dumps(catalog))
    catalog_load(tmp_path / "lowered.json", build="GRCh37")
    assert calls_reclassify(list(StrCall.objects.filter(locus_id="AR").select_related("case")))
    assert StrLocusObservation.objects.get(locus_id="AR", size_class="full_mutation").carriers == 3
    assert exact()[0] != str_kept
    geneticist = make_user(department=department, role=Role.CLINICAL_GENETICIST)
    case_variants_withdraw(case=first, by=geneticist, reason="consent withdrawn")
    assert exact()[1] == mt_kept  # the same people remain through the second case
    case_variants_withdraw(case=second, by=geneticist, reason="consent withdrawn")
    assert exact() == (set(), set())
