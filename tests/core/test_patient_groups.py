"""The 17 patient groups of the programme exist after migration, as domain.md lists them."""

import pytest

from core.models import PatientGroup
from tests.factories import scramble_patient_group_storage

# The programme's 17 patient groups in its own order, as the team's domain brief
# (../shared/design/domain.md, outside this repository) lists them; written out here so the
# checkout stands alone.
PROGRAMME_GROUP_CODES = [
    "RARE",
    "FOETAL",
    "CANCER-CHILD",
    "CANCER-ADULT",
    "CANCER-ADVANCED",
    "HAEM-CANCER",
    "HAEM",
    "HEART",
    "LIVER",
    "KIDNEY",
    "ENDO",
    "IMMUNE",
    "NEURO",
    "PSYCH",
    "SKIN",
    "EYE",
    "HEARING",
]


def codes_in_domain_brief():
    return list(PROGRAMME_GROUP_CODES)


@pytest.mark.django_db
def test_migration_creates_the_17_patient_groups_with_the_codes_of_the_domain_brief():
    codes = list(PatientGroup.objects.order_by("number").values_list("code", flat=True))
    assert len(codes) == 17
    assert codes == codes_in_domain_brief()


@pytest.mark.django_db
def test_the_cancer_groups_are_germline_and_somatic_and_the_others_germline():
    kinds = dict(PatientGroup.objects.values_list("code", "kind"))
    assert {c for c, k in kinds.items() if k == "both"} == {
        "CANCER-CHILD",
        "CANCER-ADULT",
        "CANCER-ADVANCED",
        "HAEM-CANCER",
    }
    assert all(PatientGroup.objects.values_list("description", flat=True))


@pytest.mark.django_db
def test_the_api_lists_the_patient_groups(client, alice):
    client.force_login(alice)
    groups = client.get("/api/patient-groups/").json()
    assert len(groups) == 17 and groups[0]["code"] == "RARE"


@pytest.mark.django_db
def test_the_navigation_lists_groups_in_programme_order_whatever_the_storage_order(client, alice):
    scramble_patient_group_storage()
    client.force_login(alice)
    listed = [g.code for g in client.get("/").context["nav_patient_groups"]]
    assert listed == codes_in_domain_brief()
