"""National SV observations (issue 26): calls clustered across cases by reciprocal overlap and breakpoints, each
person and family counted once, exact against a recomputation after every import, replacement and withdrawal;
the gCNV cohort of 200 exomes counts its 2,317 autosomal carrier calls and not a man's X at one copy; a region
query returns the clusters overlapping it."""
import pytest
from django.db import connection

from core.models import Role
from genomes.models import Case, StructuralVariant, SvCluster, SvClusterObservation
from genomes.services import case_variants_withdraw
from genomes.sv.national import cluster_observations_recomputed, sv_clusters_in_region
from genomes.sv.reading import SvReading, read_structural_calls
from genomes.variant_identity import xpos
from tests.factories import make_user
from tests.genomes.importing.test_import_case import write_ped
from tests.genomes.sv.test_import import GRCH37, run, small_vcf
from tests.public_data import public_file

pytestmark = pytest.mark.django_db
GCNV = "sv-cnv/gatk-gcnv-clustered.1000G.vcf.gz"
COLUMNS = ("cluster_id", "origin", "patient_group_id", "carriers", "families", "het", "hom", "hemi",
           "affected_carriers", "affected_families")


def kept_and_recomputed():
    kept = set(SvClusterObservation.objects.values_list(*COLUMNS))
    with connection.cursor() as cursor:
        return kept, cluster_observations_recomputed(cursor)


def import_trio(department, tmp_path, identifier, sv_file=public_file("sv-cnv/varfish-delly2-NA12878-trio.vcf")):
    ped = write_ped(tmp_path, f"{identifier}\tNA12878\tNA12891\tNA12892\t2\t2\n{identifier}\tNA12891\t0\t0\t1\t1\n"
                              f"{identifier}\tNA12892\t0\t0\t2\t1\n", f"{identifier}.ped")
    vcf = small_vcf(tmp_path, f"{identifier}.vcf", ["NA12878", "NA12891", "NA12892"], GRCH37, "1")
    code, outcome, err = run("import_case", "--patient-group", "RARE", "--department", department.code,
                             "--case-id", identifier, "--ped", str(ped), "--vcf", str(vcf), "--wait",
                             "--sv-vcf", str(sv_file))
    assert code == 0, err
    return Case.objects.get(identifier=identifier)


def test_the_same_trio_in_two_cases_is_one_family_and_counts_stay_exact(department, tmp_path):
    first = import_trio(department, tmp_path, "TRIO-A")
    assert SvCluster.objects.count() == 4
    kept, recomputed = kept_and_recomputed()
    assert kept == recomputed and kept
    deletion = SvClusterObservation.objects.get(cluster__svtype="DEL")
    assert (deletion.carriers, deletion.families, deletion.affected_carriers) == (2, 1, 1)
    second = import_trio(department, tmp_path, "TRIO-B")  # the same people again, as another case
    assert SvCluster.objects.count() == 4  # every call joined its event's cluster
    deletion = SvClusterObservation.objects.get(cluster__svtype="DEL")  # recounted: a new row
    assert (deletion.carriers, deletion.families) == (2, 1)  # the same two persons, one family
    assert kept_and_recomputed()[0] == kept_and_recomputed()[1]
    # replacing the first case's file keeps the counts exact
    code, _, err = run("import_variants", "TRIO-A", "--kind", "sv", "--wait", "--vcf",
                       public_file("sv-cnv/varfish-delly2-NA12878-trio.vcf"))
    assert code == 0, err
    kept, recomputed = kept_and_recomputed()
    assert kept == recomputed
    geneticist = make_user(department=department, role=Role.CLINICAL_GENETICIST)
    case_variants_withdraw(case=first, by=geneticist, reason="consent withdrawn")
    case_variants_withdraw(case=second, by=geneticist, reason="consent withdrawn")
    kept, recomputed = kept_and_recomputed()
    assert kept == recomputed == set()


def test_a_region_query_returns_the_overlapping_clusters(department, tmp_path):
    import_trio(department, tmp_path, "TRIO-R")
    found = sv_clusters_in_region(build="GRCh37", xstart=xpos("1", 1_800_000), xend=xpos("1", 1_900_000))
    assert [(c["svtype"], c["start"], c["germline_carriers"]) for c in found] == [("DEL", 1866284, 2)]
    assert sv_clusters_in_region(build="GRCh38", xstart=xpos("1", 1_800_000), xend=xpos("1", 1_900_000)) == []


def test_the_gcnv_cohort_counts_its_autosomal_carrier_calls_and_not_a_mans_x_at_one_copy(department, tmp_path,
                                                                                       settings):
    settings.CASE_MAX_INDIVIDUALS = 200
    reading = SvReading("gcnv", [], [])
    calls = list(read_structural_calls(public_file(GCNV), build="GRCh37", reading=reading))
    # men: the samples the file gives one copy of X outside the pseudoautosomal regions
    men = {s.sample for c in calls if c.chrom == "X" and 2_700_000 < c.start < 154_900_000
           for s in c.samples if s.cn == 1}
    lines = "".join(f"COHORT\t{sample}\t0\t0\t{1 if sample in men else 2}\t1\n" for sample in reading.samples)
    ped = write_ped(tmp_path, lines, "cohort.ped")
    vcf = small_vcf(tmp_path, "cohort.vcf", reading.samples, {**GRCH37, "Y": 59373566}, "1")
    code, outcome, err = run("import_case", "--patient-group", "RARE", "--department", department.code,
                             "--ped", str(ped), "--vcf", str(vcf), "--wait", "--sv-vcf", public_file(GCNV))
    assert code == 0, err
    assert outcome["structural_variants"][0]["calls_stored"] == 864
    autosomal = SvClusterObservation.objects.exclude(cluster__chrom__in=["X", "Y"])
    assert sum(autosomal.values_list("carriers", flat=True)) == 2317
    men_with_one_x = StructuralVariant.objects.filter(chrom="X").values_list("genotypes", "sample_calls")
    samples = list(Case.objects.get(identifier="COHORT").samples.select_related("individual").order_by("position"))
    for genotypes, details in men_with_one_x:
        for sample, code_, detail in zip(samples, genotypes, details):
            if sample.individual.sex == "male" and detail and detail.get("cn") == 1:
                assert code_ == 0  # the reference state of a man's X: not a carrier, not counted
    kept, recomputed = kept_and_recomputed()
    assert kept == recomputed


def test_the_national_search_lists_the_svs_overlapping_a_region(department, tmp_path, client):
    import_trio(department, tmp_path, "TRIO-S")
    user = make_user(department=department, role=Role.RESEARCHER)  # aggregates are for every member
    client.force_login(user)
    page = client.get("/variants/search/", {"q": "1:1800000-1900000", "build": "GRCh37"}).content.decode()
    assert page.count('data-testid="national-sv"') == 1 and "1:1866284-1867170" in page
    answer = client.get("/api/variants/lookup/", {"q": "1:1800000-1900000", "build": "GRCh37"}).json()
    assert [(sv["svtype"], sv["germline_families"]) for sv in answer["structural_variants"]] == [("DEL", 1)]
