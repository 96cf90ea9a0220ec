"""Inputs that once answered HTTP 500 (issue 25, item 8): each is a 400 (or a page with the message) naming what
was wrong. The shapes are those an audit sent; tests/test_api_schemathesis.py generates more of them."""
import pytest
from django.urls import reverse

from tests.test_access_matrix import world  # noqa: F401 - the shared fixture of cases, reports, meetings

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_bad_inputs_are_answered_400_not_500(client, world):  # noqa: F811
    people, tokens, args = world
    client.raise_request_exception = False  # a 500 is collected as an answer, so that all are listed at once
    alice, tina = people["alice"], people["tina"]
    case, meeting, item = args["case_id"], args["meeting_id"], args["item_id"]
    from interpret.reporting.models import Report

    draft = Report.objects.create(case_id=case, version=2, author=alice, edited_by=[alice.pk], status="draft",
                                  html="<p>draft</p>")
    answers = {}
    client.force_login(alice)
    for value in ("abc", "1e3", "", "99999999999999999999"):
        answers[f"report lock_version={value}"] = client.post(
            f"/reports/{draft.pk}/",
            {"lock_version": value, "action": "save", "conclusion": "x"})
    answers["variant table run=²"] = client.get(f"/cases/{case}/variants/", {"run": "²"})
    answers["classify gene 5000"] = client.post(reverse("classification_start", args=[case, args["variant_id"]]),
                                                {"gene": "G" * 5000, "condition": "x", "mode_of_inheritance": "AD"})
    for hgvs in ("AGRN:p.(=)", "AGRN:p.?", "AGRN:p.0", "ENST00000379370:c.1_999999999999del"):
        answers[f"lookup {hgvs}"] = client.get("/api/variants/lookup/", {"q": hgvs, "build": "GRCh38"})
    for name, url in (("workflow", f"/api/cases/{case}/workflow/"), ("classifications", "/api/classifications/"),
                      ("analysis", f"/api/cases/{case}/analysis/")):
        answers[f"{name} JSON []"] = client.post(url, "[]", content_type="application/json")
        answers[f"{name} JSON 5000 nested"] = client.post(url, nested(5000),
                                                          content_type="application/json")
    answers["analysis nested filter"] = client.post(f"/api/cases/{case}/analysis/",
                                                    '{"filters": ' + nested(5000) + "}",
                                                    content_type="application/json")
    answers["beacon requestParameters [1]"] = client.post("/api/beacon/g_variants", {
        "query": {"requestParameters": [1]}}, content_type="application/json")
    client.force_login(tina)
    answers["meeting participants=abc"] = client.post(f"/board/meetings/{meeting}/",
                                                      {"action": "participants", "participants": "abc"})
    answers["item agreed_by=abc"] = client.post(f"/board/meetings/{meeting}/items/{item}/",
                                                {"agreed_by": "abc", "kinds": "therapy", "text": "x"})
    answers["knowledge biomarker=abc"] = client.get(reverse("biomarker_knowledge"), {"biomarker": "abc"})
    server_errors = {name: answer.status_code for name, answer in answers.items() if answer.status_code >= 500}
    assert not server_errors, sorted(server_errors)
    refused = {name: answer.status_code for name, answer in answers.items()
               if name.startswith(("lookup", "beacon")) or "JSON" in name or "nested" in name}
    assert all(code == 400 for code in refused.values()), refused
    too_long = answers["lookup ENST00000379370:c.1_999999999999del"].json()
    assert "longer than" in str(too_long) or "at most" in str(too_long), too_long


HOSTILE_BODIES = ("[]", "[1]", '"text"', "null", "1e999", nested(5000), '{"a": ' + nested(40) + "}",
                  '{"department": ["x"], "cases": "abc", "trigger": {}, "filters": [[]], "page_size": "1e3"}',
                  '{"gene": "' + "G" * 5000 + '"}', "{", '{"\\ud800": 1}')


def test_no_api_route_answers_a_hostile_json_body_with_a_server_error(client, world):  # noqa: F811
    """Every POST, PUT, PATCH and DELETE of the API (from the URL configuration, as the access matrix), with the
    shapes an audit sent: lists, scalars, 5,000 nested arrays, wrong types in known fields, broken JSON."""
    from tests.test_access_matrix import routes, url_of

    people, tokens, args = world
    client.raise_request_exception = False
    client.force_login(people["alice"])
    failures, sent = [], 0
    for pattern in routes():
        if not str(pattern.pattern).startswith("api/") or "beacon" in pattern.name and "g_variants" not in pattern.name:
            continue
        url = url_of(pattern, args)
        for method in ("post", "put", "patch", "delete"):
            for body in HOSTILE_BODIES:
                answer = getattr(client, method)(url, body, content_type="application/json")
                sent += 1
                if answer.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {body[:30]!r}: {answer.status_code}")
    assert sent > 300 and not failures, sorted({f.split(" '")[0] for f in failures})
