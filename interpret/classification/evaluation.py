"""A classification's result: its applied criteria combined by its recorded rule set (interpret.acmg)."""
from __future__ import annotations

from interpret.acmg.combine import combine
from interpret.acmg.criteria import Evidence, Strength
from interpret.acmg.specifications import Specification, specification_get
from interpret.classification.models import Classification


def specification_of(classification: Classification) -> Specification:
    return specification_get(classification.rule_set, classification.rule_set_version)


def applied_evidence(classification: Classification) -> list[Evidence]:
    return [Evidence(code, Strength(entry["strength"])) for code, entry in sorted(classification.criteria.items())
            if entry.get("decision") == "applied"]


def is_oncogenicity(classification: Classification) -> bool:
    return classification.origin == Classification.Origin.SOMATIC


def criteria_of(classification: Classification) -> dict:
    """The criteria a classification is made of: ACMG/AMP's, or the oncogenicity standard's."""
    from interpret.acmg.criteria import CRITERIA
    from interpret.cancer.oncogenicity import ONCOGENICITY_CRITERIA

    return ONCOGENICITY_CRITERIA if is_oncogenicity(classification) else CRITERIA


class _OncogenicityResult:
    def __init__(self, combined: dict):
        self.combined = combined

    def as_dict(self) -> dict:
        return dict(self.combined)


def evaluate(classification: Classification):
    """Recompute and set the class, system, points, posterior and notes from the applied criteria."""
    if is_oncogenicity(classification):
        from interpret.cancer.oncogenicity import combine as oncogenicity_combine

        combined = oncogenicity_combine([e.criterion for e in applied_evidence(classification)])
        classification.result_class = combined["class"]
        classification.result_system = "oncogenicity"
        classification.points = combined["points"]
        classification.posterior = 0.0
        classification.notes = combined["notes"]
        return _OncogenicityResult(combined)
    result = combine(applied_evidence(classification), system=classification.system,
                     specification=specification_of(classification))
    classification.result_class = result.classification.value
    classification.result_system = result.system
    classification.points = result.points
    classification.posterior = result.posterior
    classification.notes = result.notes
    return result


def evaluation(classification: Classification) -> dict:
    """Class, points, posterior, temperature and both systems' classes, as the page shows them."""
    return evaluate(classification).as_dict()
