"""The REST API's OpenAPI 3 schema and its browsable page: served to signed-in users and tokens only, every API
route in it, Swagger UI from vendored files with its script in a file (the CSP allows no inline script)."""
import json

import pytest

from core.tokens import api_token_create


@pytest.mark.django_db
def test_the_schema_lists_every_api_route_for_signed_in_users_and_tokens_only(client, alice):
    assert client.get("/api/schema/").status_code in (401, 403)
    token = api_token_create(user=alice, name="schema", department_codes=["kg-a"])[1]
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Bearer {token}",
                          HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    from openapi_spec_validator import validate

    validate(schema)  # a valid OpenAPI 3 document, or this raises
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http", "scheme": "bearer", "description": "An API token (manage.py create_api_token), scoped to "
                                                           "departments."}
    assert schema["openapi"].startswith("3.") and schema["info"]["title"].startswith("National")
    paths = set(schema["paths"])
    for expected in ("/api/cases/", "/api/cases/{case_id}/", "/api/cases/{case_id}/analysis/", "/api/worklist/",
                     "/api/cases/{case_id}/workflow/", "/api/classifications/", "/api/panels/", "/api/whoami/",
                     "/api/cases/{case_id}/structural-variants/",
                     "/api/cases/{case_id}/structural-variants/{call_id}/cnv-classification/",
                     "/api/cnv-classifications/{classification_id}/", "/api/cases/{case_id}/phenotype/",
                     "/api/cases/{case_id}/phenotype/genes/", "/api/hpo/terms/",
                     "/api/cases/{case_id}/repeat-expansions/"):
        assert expected in paths, sorted(paths)
    assert not any(path.startswith(("/api/schema", "/api/docs")) for path in paths)


@pytest.mark.django_db
def test_the_browsable_page_uses_vendored_files_and_no_inline_script(client, alice):
    client.force_login(alice)
    page = client.get("/api/docs/").content.decode()
    assert "cdn" not in page.lower() and "swagger-ui" in page
    assert "<script>" not in page.replace(" ", "") and '<script src="' in page
