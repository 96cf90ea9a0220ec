import pytest

from genomes.clinvar import is_pathogenic, normalize_clinvar, pathogenic_sql, pathogenic_status


@pytest.mark.parametrize("raw,terms", [
    ("Pathogenic", ("pathogenic",)),
    ("Pathogenic/Likely_pathogenic", ("likely_pathogenic", "pathogenic")),
    ("Conflicting_interpretations_of_pathogenicity", ("conflicting",)),
    # Scout's numeric codes, as in 643594: pathogenic beside benign (several submissions) is a conflict, never
    # read as pathogenic
    ("5|2", ("conflicting",)),
    ("5,255,2", ("conflicting", "other")),
    ("5|4", ("likely_pathogenic", "pathogenic")),
    ("Benign|Uncertain_significance", ("conflicting",)),
    ("0,0", ("uncertain_significance",)),
    (("Benign", "Likely_benign"), ("benign", "likely_benign")),
    (None, ()), (".", ()),
])
def test_clinvar_significance_from_text_and_numeric_codes(raw, terms):
    assert normalize_clinvar(raw) == terms


def test_pathogenic_means_pathogenic_or_likely_pathogenic_and_nothing_else():
    assert is_pathogenic(("benign", "pathogenic")) and is_pathogenic(["likely_pathogenic"])
    assert not is_pathogenic(("conflicting",)) and not is_pathogenic(()) and not is_pathogenic(None)
    assert pathogenic_status(("likely_pathogenic", "pathogenic")) == "P"
    assert pathogenic_status(("likely_pathogenic",)) == "LP"
    assert pathogenic_status(("conflicting", "uncertain_significance")) is None
    assert pathogenic_sql("clinvar") == "clinvar && ARRAY['pathogenic', 'likely_pathogenic']::text[]"
