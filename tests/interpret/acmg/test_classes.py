"""Classification classes come from one vocabulary (interpret.acmg.classes): the model's choices, the combiners'
classes, the alert sentences and the conflict groups all read it."""
import re
from pathlib import Path

from interpret.acmg.classes import ALL_CLASSES, ONCOGENICITY, PATHOGENICITY, class_in_words, conflict_group
from interpret.acmg.combine import Classification as AcmgClass
from interpret.cancer.oncogenicity import combine as oncogenicity_combine
from interpret.classification.models import Classification

ROOT = Path(__file__).resolve().parents[3]


def test_the_model_the_combiners_and_the_sentences_share_the_vocabulary():
    assert Classification.Result.choices == [(term.code, term.label) for term in ALL_CLASSES]
    assert Classification.Result.UNCERTAIN == "uncertain_significance"
    assert [c.value for c in AcmgClass] == [term.code for term in PATHOGENICITY]
    assert AcmgClass.LIKELY_PATHOGENIC.label == "Likely pathogenic" and AcmgClass.UNCERTAIN.short == "VUS"
    assert oncogenicity_combine([])["class_label"] == "Uncertain significance"
    assert {term.code for term in ONCOGENICITY} >= {"oncogenic", "likely_oncogenic", "benign"}
    assert class_in_words("likely_pathogenic") == "likely pathogenic"
    assert class_in_words("uncertain_significance") == "VUS"
    assert conflict_group("pathogenic") == conflict_group("likely_pathogenic") != conflict_group("likely_benign")


def test_no_module_keeps_its_own_table_of_classes():
    """(genomes/clinvar.py maps ClinVar's own significance words, a vocabulary of ClinVar's, not ours.)"""
    table = re.compile(r"\"(?:likely_)?(?:pathogenic|oncogenic|benign)\"\s*:\s*\"")
    offenders = [str(path.relative_to(ROOT)) for package in ("interpret",)
                 for path in (ROOT / package).rglob("*.py")
                 if "migrations" not in path.parts and path.name != "classes.py" and table.search(path.read_text())]
    assert offenders == []
