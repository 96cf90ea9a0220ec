"""Germline and somatic observations are different things: a tumour's call is a somatic observation, never a
family carrying the variant; the normal sample of a tumour/normal pair is germline."""
import pytest

from genomes.models import CaseVariant, Sample
from genomes.observations import germline_family_counts as carrier_family_counts
from genomes.observations import national_observations
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.public_data import public_file


@pytest.mark.django_db
def test_tumour_calls_are_somatic_observations_and_the_normal_is_germline(department, tmp_path):
    paired, job = import_case(
        department,
        public_file("scout-demo/cancer_test.ped"),
        public_file("scout-demo/cancer_test.vcf.gz"),
        group="CANCER-ADULT",
        analysis_type="tumour_normal",
        case_identifier="T-N-OBS",
    )
    assert job.state == "done", job.error
    positions = dict(Sample.objects.filter(case_id=paired.case_id).values_list("role", "position"))
    rows = list(CaseVariant.objects.filter(case_id=paired.case_id))
    somatic_only = [r for r in rows if r.genotypes[positions["tumour"]] in (1, 2, 3)
                    and r.genotypes[positions["normal"]] == 0]
    in_normal = [r for r in rows if r.genotypes[positions["normal"]] in (1, 2, 3)]
    assert somatic_only, [r.genotypes for r in rows]
    observed = national_observations(somatic_only[0].variant_id)
    assert observed["total"] == 0 and observed["by_group"] == []
    assert observed["somatic_total"] == 1 and observed["somatic_by_group"] == [{"code": "CANCER-ADULT", "tumours": 1}]
    assert carrier_family_counts([somatic_only[0].variant_id]) == {}
    if in_normal:  # a germline call in the normal sample: a family, not a somatic observation
        observed = national_observations(in_normal[0].variant_id)
        assert observed["total"] == 1 and observed["somatic_total"] == 0

    # a tumour-only case's calls are somatic observations too (no germline sample to say otherwise)
    ped = write_ped(tmp_path, "tumour\tTUMOR\t0\t0\t0\t2\n")
    alone, job = import_case(
        department,
        ped,
        public_file("scout-demo/scout_example_tumor_only.snv.indel.sorted.vcf.gz"),
        group="CANCER-ADVANCED",
        analysis_type="tumour_only",
        case_identifier="T-ONLY-OBS",
    )
    assert job.state == "done", job.error
    row = CaseVariant.objects.filter(case_id=alone.case_id).first()
    observed = national_observations(row.variant_id)
    assert observed["total"] == 0 and observed["somatic_total"] >= 1


@pytest.mark.django_db
def test_germline_trio_carriers_are_families_counted_once(trio):
    row = CaseVariant.objects.filter(case_id=trio.pk, genotypes__0=1, genotypes__1=1).first()
    observed = national_observations(row.variant_id)
    assert observed["total"] == 1 and observed["by_group"][0]["code"] == "RARE" and observed["somatic_total"] == 0
    assert carrier_family_counts([row.variant_id]) == {row.variant_id: 1}
