"""Property-based tests (hypothesis) of the filter settings and the engine: any settings are normalised or
refused with a ValidationError naming the setting; settings that pass run on a real case without error, and
through the API are a 200 or a 400, never a 500."""
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpret.analysis.engine import run_analysis
from interpret.analysis.filters import DEFAULTS, normalise_settings

EXAMPLES = 500
raw_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
                       st.lists(st.text(max_size=8), max_size=3),
                       st.sampled_from(["HIGH", "de_novo", "green", "1:100-200", "chrX:5-1", "missense_variant",
                                        "1e400", "-inf", "score", "PASS", "BRCA1"]))
settings_dicts = st.dictionaries(st.one_of(st.sampled_from(sorted(DEFAULTS)), st.text(max_size=6)), raw_values,
                                 max_size=6)


@settings(max_examples=EXAMPLES, deadline=None)
@given(raw=settings_dicts)
def test_any_settings_are_normalised_or_refused_naming_the_setting(raw):
    try:
        normalised = normalise_settings(raw)
    except ValidationError as error:
        assert error.messages[0]
    else:
        assert set(normalised) == set(DEFAULTS)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=settings_dicts)
def test_settings_that_pass_run_on_a_real_case_and_the_api_never_fails(trio, client, alice, raw):
    try:
        run_analysis(trio, raw, record=False)
    except ValidationError:
        pass
    client.force_login(alice)
    response = client.post(f"/api/cases/{trio.pk}/analysis/", {"filters": raw, "page_size": 5},
                           content_type="application/json")
    assert response.status_code in (200, 400), response.content


def test_a_nul_character_in_a_text_setting_is_refused_naming_it():
    for raw in ({"text": "BRCA\x002"}, {"genes": ["TT\x00N"]}):
        with pytest.raises(ValidationError, match="contains a NUL character"):
            normalise_settings(raw)
