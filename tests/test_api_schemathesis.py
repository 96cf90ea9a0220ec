"""Schemathesis against the served OpenAPI schema (/api/schema/): for every operation of the REST API, inputs
generated from the schema, sent through the application with an API token of a clinical geneticist, never get a
server error. Runs with the suite (make test), so CI runs it on every change."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from core.tokens import api_token_create
from interpret.wsgi import application


def _served_schema() -> dict:
    """The schema /api/schema/ serves (drf-spectacular's generator; made here because collecting runs before
    a database or a signed-in client exists), through JSON so that it is the served document."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = application


@pytest.fixture
def token(alice, trio):
    """A clinical geneticist's token; requests go through the WSGI application inside the test's transaction, so
    the connection is not closed at the end of each request (as Django's own test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    _, secret = api_token_create(user=alice, name="schemathesis", department_codes=["kg-a"])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield secret
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_operation_answers_generated_input_with_a_server_error(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
