"""A GenNet network with two curators: ``author`` (ada) drafts versions, ``reviewer`` (rob) signs them off."""
import pytest

from core.models import Department, Role
from tests.factories import make_user


@pytest.fixture
def network(patient_groups):
    return Department.objects.create(code="gennet-heart", name="GenNet Heart", kind=Department.Kind.EXPERT_NETWORK)


@pytest.fixture
def author(network):
    return make_user("ada", department=network, role=Role.VARIANT_CURATOR)


@pytest.fixture
def reviewer(network):
    return make_user("rob", department=network, role=Role.VARIANT_CURATOR)


@pytest.fixture
def resolver():
    from panels.genes import configured_gene_resolver

    return configured_gene_resolver()
