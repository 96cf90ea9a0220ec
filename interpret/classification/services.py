"""ACMG/AMP curation services (classification_<action>): the workflow draft -> submitted -> final (approved by a
second qualified user, never the author) -> superseded by a reclassification.

Every change recomputes the class with the classification's recorded rule set and bumps ``lock_version``, and
every edit must name the lock version it was made on, so two curators editing one draft never silently overwrite
each other. Services take the acting user (``by``) and an audit context; the facts come from
interpret.classification.facts, the rules from interpret.acmg.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import Action, AuditContext, audit_record
from core.models import Department
from genomes import case_variants
from genomes.models import Case, Variant
from genomes.transcripts import decoded_hgvs, shown_transcript
from interpret.acmg.criteria import Evidence, Strength
from interpret.acmg.specifications import specification_for_gene, specification_get
from interpret.acmg.suggest import suggest
from interpret.classification.evaluation import (
    applied_evidence,
    criteria_of,
    evaluate,
    is_oncogenicity,
    specification_of,
)
from interpret.classification.facts import variant_facts
from interpret.classification.models import Classification
from interpret.classification.selectors import OPEN_STATUSES, lineage, may_classify


class ClassificationConflict(Exception):
    """The draft changed since the editor loaded it."""

    def __init__(self, classification: Classification):
        self.classification = classification
        super().__init__(f"This draft was changed by someone else since you opened it (it is now at edit "
                         f"{classification.lock_version}); your change was not saved. Reload to see theirs.")



def _require_classifier(user, classification: Classification):
    if not may_classify(user, classification.department, origin=classification.origin):
        raise PermissionDenied("Only clinical geneticists and variant curators of the department classify")


def _require_classifier_of(classification_id: int, by) -> None:
    found = Classification.objects.filter(pk=classification_id).values_list("department", "origin").first()
    if found is not None and not may_classify(by, Department(pk=found[0]), origin=found[1]):
        raise PermissionDenied("Only clinical geneticists and variant curators of the department classify")


def _refresh_suggestions(classification: Classification):
    """Re-run the engine; keep every curator decision, replace suggestions."""
    criteria = {code: {k: v for k, v in entry.items() if k != "suggestion"}
                for code, entry in classification.criteria.items()}
    if is_oncogenicity(classification):
        from interpret.cancer.facts import oncogenicity_facts
        from interpret.cancer.oncogenicity import suggest as oncogenicity_suggest

        suggestions, considered = oncogenicity_suggest(oncogenicity_facts(classification))
        for item in suggestions:
            criteria.setdefault(item["criterion"], {})["suggestion"] = item
        classification.criteria = {code: entry for code, entry in criteria.items() if entry}
        classification.considered = considered
        return
    spec = specification_of(classification)
    suggestions, considered = suggest(variant_facts(classification), spec)
    for item in suggestions:
        entry = criteria.setdefault(item.evidence.criterion, {})
        entry["suggestion"] = item.as_dict()
    classification.criteria = {code: entry for code, entry in criteria.items() if entry}
    classification.considered = [{"criterion": c.criterion, "reason": c.reason} for c in considered]



def classification_start(*, variant: Variant, gene: str, condition: str, mode_of_inheritance: str, by,
                         department: Department, case: Case | None = None, rule_set: str | None = None,
                         origin: str = Classification.Origin.GERMLINE, transcript: str = "",
                         audit: AuditContext | None = None) -> Classification:
    """A new draft (version 1), or the department's open draft for the same variant, gene and condition (for an
    oncogenicity, ``origin`` somatic: the tumour type). It is made on ``transcript`` when that is one of the
    gene's annotated transcripts (the one the variant page showed), else on the one the case shows the variant by
    for this gene (genomes.transcripts.shown_transcript); its id and HGVS are frozen with it."""
    if origin not in Classification.Origin.values:
        raise ValidationError(f"origin {origin!r} is not one of {', '.join(Classification.Origin.values)}")
    if not may_classify(by, department, origin=origin):
        raise PermissionDenied("Only clinical geneticists and variant curators of the department classify"
                               + (" (and its tumor board members, oncogenicity)" if origin == "somatic" else ""))
    condition = " ".join((condition or "").split())
    if not gene or not condition:
        raise ValidationError("A classification needs a gene and a condition"
                              + (" (the tumour type)" if origin == "somatic" else ""))
    key = dict(variant=variant, gene=gene, condition=condition, department=department, origin=origin)
    with transaction.atomic():
        open_version = Classification.objects.select_for_update().filter(**key, status__in=OPEN_STATUSES).first()
        if open_version is not None:
            return open_version
        if Classification.objects.filter(**key, status=Classification.Status.FINAL).exists():
            raise ValidationError("This variant already has a final classification for this gene and condition: "
                                  "reclassify it (with a reason) instead")
        if origin == Classification.Origin.SOMATIC:
            from interpret.cancer.oncogenicity import RULE_SET, RULE_SET_VERSION
            rule_set_name, rule_set_version = RULE_SET, RULE_SET_VERSION
        else:
            spec = specification_get(rule_set) if rule_set else (specification_for_gene(gene)
                                                                 or specification_get("national"))
            rule_set_name, rule_set_version = spec.name, spec.version
        chosen = transcript_of_classification(variant, case, gene, transcript)
        classification = Classification(
            **key,
            mode_of_inheritance=mode_of_inheritance or Classification.Inheritance.UNKNOWN,
            case=case,
            transcript=chosen.get("transcript", ""),
            hgvsc=decoded_hgvs(chosen.get("hgvsc")) or "",
            hgvsp=decoded_hgvs(chosen.get("hgvsp")) or "",
            rule_set=rule_set_name,
            rule_set_version=rule_set_version,
            created_by=by,
            edited_by=[by.pk],
        )
        _refresh_suggestions(classification)
        evaluate(classification)
        classification.save()
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="classification",
                     object_id=classification.pk, department_code=department.code,
                     details={"variant": str(variant), "gene": gene, "rule_set": classification.rule_set,
                              "origin": origin})
    return classification


def transcript_of_classification(variant: Variant, case: Case | None, gene: str, transcript: str = "") -> dict:
    """The annotated transcript a classification of ``gene`` is made on (see classification_start); {} when the
    variant's annotation has none of the gene."""
    row = None
    if case is not None:
        current = case.imports.filter(is_current=True).first()
        row = case_variants.row_of_variant(current, variant.pk) if current else None
        if row is not None:
            row = {**row, "case_id": case.pk, "case_import_id": current.pk}
    if row is None:
        row = case_variants.any_row_of_variant(variant.pk)  # a classification from the API: any case's annotation
    if row is None:
        return {}
    transcripts = case_variants.transcripts_of(row["case_import_id"], row["case_id"], [row["id"]]).get(row["id"], [])
    of_gene = [t for t in transcripts if (t.get("gene") or "").upper() == gene.upper()]
    named = next((t for t in of_gene if transcript and t.get("transcript") == transcript), None)
    return named or shown_transcript(of_gene) or {}


def _locked(classification_id: int, by, status: str, refusal: str) -> Classification:
    """The classification, row-locked for this transaction, if ``by`` may act on it in ``status``."""
    classification = (Classification.objects.select_for_update(of=("self",))
                      .select_related("department", "variant", "case").get(pk=classification_id))
    _require_classifier(by, classification)
    if classification.status != status:
        raise ValidationError(refusal.format(version=classification.version,
                                             status=classification.get_status_display().lower()))
    return classification


def _locked_draft(classification_id: int, lock_version: int | None, by) -> Classification:
    classification = _locked(classification_id, by, Classification.Status.DRAFT,
                             "Version {version} is {status}; only a draft can be edited")
    try:
        stale = lock_version is None or int(lock_version) != classification.lock_version
    except (TypeError, ValueError):
        raise ValidationError(f"lock_version {lock_version!r} is not a whole number") from None
    if stale:
        raise ClassificationConflict(classification)
    return classification


def _save_change(classification: Classification, by, audit: AuditContext | None, details: dict, *,
                 edit: bool = False):
    """Recompute, bump the lock version, save and audit; ``edit``: a change of the version's content, whose
    author may then not approve it."""
    if edit and by.pk not in classification.edited_by:
        classification.edited_by = [*classification.edited_by, by.pk]
    evaluate(classification)
    classification.lock_version += 1
    classification.updated_at = timezone.now()
    classification.save()
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="classification",
                 object_id=classification.pk, department_code=classification.department.code, details=details)


def classification_criterion_set(*, classification_id: int, lock_version: int | None, by, criterion: str,
                                 decision: str, strength: str | None = None, justification: str = "",
                                 audit: AuditContext | None = None) -> Classification:
    """The curator's decision on one criterion: "applied" (at a strength), "rejected" or "" (undecided)."""
    _require_classifier_of(classification_id, by)  # who may, before what they asked
    if decision not in ("applied", "rejected", ""):
        raise ValidationError("decision must be applied, rejected or empty")
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        table = criteria_of(classification)
        if criterion not in table:
            raise ValidationError(f"{criterion!r} is not an "
                                  + ("oncogenicity" if is_oncogenicity(classification) else "ACMG/AMP")
                                  + " criterion")
        if table[criterion].retired and decision == "applied":
            raise ValidationError(f"{criterion} was retired by ClinGen SVI and cannot be applied")
        entry = dict(classification.criteria.get(criterion, {}))
        suggestion = entry.get("suggestion")
        if decision == "applied" and is_oncogenicity(classification):
            # The oncogenicity SOP gives each criterion its points: no strength is chosen
            if strength and strength != table[criterion].strength.value:
                raise ValidationError(f"{criterion} counts {table[criterion].points:+d} points; its strength is "
                                      "not modified in the oncogenicity standard")
            strength = table[criterion].strength.value
        if decision == "applied":
            chosen = strength or (suggestion or {}).get("strength") or table[criterion].default.value
            try:
                chosen = Strength(chosen)
            except ValueError:
                raise ValidationError(f"unknown strength {strength!r}") from None
            if chosen is Strength.STAND_ALONE and table[criterion].direction != "benign" \
                    and getattr(table[criterion].direction, "value", "") != "benign":
                raise ValidationError("only benign criteria can be stand-alone")
            text = " ".join((justification or "").split()) or (suggestion or {}).get("justification", "")
            if not text:
                raise ValidationError(f"{criterion} is entered by the curator: give a short justification")
            entry.update(decision="applied", strength=chosen.value, justification=text)
        elif decision == "rejected":
            entry.update(decision="rejected", justification=" ".join((justification or "").split()))
            entry.pop("strength", None)
        else:
            entry = {k: v for k, v in entry.items() if k == "suggestion"}
        if decision:
            entry.update(decided_by=by.get_username(), decided_at=timezone.now().isoformat())
        classification.criteria = {**classification.criteria, criterion: entry}
        if not entry:
            classification.criteria.pop(criterion)
        _save_change(classification, by, audit, {"criterion": criterion, "decision": decision,
                                                   "strength": entry.get("strength")}, edit=True)
    return classification


def classification_accept_all_suggestions(*, classification_id: int, lock_version: int | None, by,
                                          audit: AuditContext | None = None) -> Classification:
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        criteria = dict(classification.criteria)
        accepted = []
        for code, entry in criteria.items():
            suggestion = entry.get("suggestion")
            if suggestion and not entry.get("decision"):
                criteria[code] = {**entry, "decision": "applied", "strength": suggestion["strength"],
                                  "justification": suggestion["justification"], "decided_by": by.get_username(),
                                  "decided_at": timezone.now().isoformat()}
                accepted.append(code)
        classification.criteria = criteria
        _save_change(classification, by, audit, {"accepted_suggestions": accepted}, edit=True)
    return classification


def classification_context_set(*, classification_id: int, lock_version: int | None, by,
                               lof_mechanism: str | None = None, phenotype_consistency: str | None = None,
                               mode_of_inheritance: str | None = None, system: str | None = None,
                               audit: AuditContext | None = None) -> Classification:
    """Facts the suggestions depend on; suggestions are recomputed, decisions kept."""
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        for field, value, choices in (
            ("lof_mechanism", lof_mechanism, Classification.LofMechanism.values),
            ("phenotype_consistency", phenotype_consistency, Classification.PhenotypeConsistency.values),
            ("mode_of_inheritance", mode_of_inheritance, Classification.Inheritance.values),
            ("system", system, ["auto", "points", "rules2015"]),
        ):
            if value is not None:
                if value not in choices:
                    raise ValidationError(f"{field}: {value!r} is not one of {', '.join(choices)}")
                setattr(classification, field, value)
        _refresh_suggestions(classification)
        _save_change(classification, by, audit, {"context": {"lof_mechanism": classification.lof_mechanism,
                                                               "phenotype": classification.phenotype_consistency,
                                                               "moi": classification.mode_of_inheritance}}, edit=True)
    return classification


def classification_submit(
    *, classification_id: int, lock_version: int | None, by, audit: AuditContext | None = None
) -> Classification:
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        if not applied_evidence(classification):
            raise ValidationError("Apply at least one criterion before submitting")
        classification.status = Classification.Status.SUBMITTED
        classification.submitted_by, classification.submitted_at = by, timezone.now()
        _save_change(classification, by, audit, {"status": "submitted"})
    return classification


def classification_approve(*, classification_id: int, by, audit: AuditContext | None = None) -> Classification:
    """A second qualified user of the department makes it final: not the author, not the submitter, and no one
    who made or changed a decision in this version."""
    with transaction.atomic():
        classification = _locked(classification_id, by, Classification.Status.SUBMITTED,
                                 "Only a submitted classification can be approved")
        if by.pk in (classification.created_by_id, classification.submitted_by_id):
            raise PermissionDenied("Approval needs a second person: the author cannot approve their own "
                                   "classification")
        if by.pk in classification.edited_by:
            raise PermissionDenied("Approval needs a second person: you made or changed decisions in this "
                                   "version, so another qualified colleague approves it")
        Classification.objects.filter(**lineage(classification), status=Classification.Status.FINAL).update(
            status=Classification.Status.SUPERSEDED)
        classification.status = Classification.Status.FINAL
        classification.approved_by, classification.approved_at = by, timezone.now()
        _save_change(classification, by, audit, {"status": "final", "class": classification.result_class})
    return classification


def classification_return_to_draft(
    *, classification_id: int, by, reason: str, audit: AuditContext | None = None
) -> Classification:
    with transaction.atomic():
        classification = _locked(classification_id, by, Classification.Status.SUBMITTED,
                                 "Only a submitted classification can be returned")
        classification.status = Classification.Status.DRAFT
        _save_change(classification, by, audit, {"status": "draft", "returned": reason})
    return classification


def classification_reclassify(
    *, classification_id: int, by, reason: str, audit: AuditContext | None = None
) -> Classification:
    """Version n+1 of a final classification, starting from its decisions; the final stays until approved."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Give the reason for the reclassification")
    with transaction.atomic():
        final = _locked(classification_id, by, Classification.Status.FINAL,
                        "Only the final version can be reclassified")
        if Classification.objects.filter(**lineage(final), status__in=OPEN_STATUSES).exists():
            raise ValidationError("A reclassification of this variant is already open")
        if is_oncogenicity(final):
            rule_set_name, rule_set_version = final.rule_set, final.rule_set_version
        else:
            spec = specification_for_gene(final.gene) or specification_get("national")
            rule_set_name, rule_set_version = spec.name, spec.version
        draft = Classification(
            variant=final.variant, gene=final.gene, condition=final.condition, origin=final.origin,
            mode_of_inheritance=final.mode_of_inheritance, department=final.department, case=final.case,
            version=final.version + 1, previous=final, reason=reason, transcript=final.transcript,
            hgvsc=final.hgvsc, hgvsp=final.hgvsp,
            lof_mechanism=final.lof_mechanism, phenotype_consistency=final.phenotype_consistency,
            criteria={code: {k: v for k, v in entry.items() if k != "suggestion"}
                      for code, entry in final.criteria.items() if entry.get("decision")},
            rule_set=rule_set_name, rule_set_version=rule_set_version, system=final.system, created_by=by,
            edited_by=[by.pk])
        _refresh_suggestions(draft)
        evaluate(draft)
        draft.save()
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="classification",
                     object_id=draft.pk, department_code=final.department.code,
                     details={"reclassification_of": final.pk, "reason": reason})
    return draft


def classification_draft_with_codes(*, variant: Variant, gene: str, condition: str, mode_of_inheritance: str,
                                    department: Department, codes: list[tuple[Evidence, str]], submit: bool, by,
                                    origin: str = Classification.Origin.GERMLINE,
                                    audit: AuditContext | None = None) -> Classification:
    """For curator tools: start (or continue) the department's draft, apply each evidence code with its
    justification, and optionally submit it; all or nothing."""
    with transaction.atomic():
        classification = classification_start(variant=variant, gene=gene, condition=condition,
                                               mode_of_inheritance=mode_of_inheritance, by=by, department=department,
                                               origin=origin, audit=audit)
        if classification.status != Classification.Status.DRAFT:
            raise ValidationError("an open version of this classification is awaiting approval")
        for evidence, justification in codes:
            classification = classification_criterion_set(
                classification_id=classification.pk, lock_version=classification.lock_version, by=by,
                criterion=evidence.criterion, decision="applied", strength=evidence.strength.value,
                justification=justification, audit=audit)
        if submit:
            classification = classification_submit(classification_id=classification.pk, by=by,
                                                   lock_version=classification.lock_version, audit=audit)
    return classification
