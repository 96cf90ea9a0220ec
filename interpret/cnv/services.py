"""CNV classification by the ACMG/ClinGen 2020 technical standards (interpret.acmg.cnv), in the classification
store with the same workflow and the same two-person rule as ACMG/AMP classifications
(interpret.classification.services): a draft is started from a case's call (the department's open draft of the
same event and condition is returned instead of a second), the curator applies codes with points inside each
code's range and a justification, submits, and a second qualified member of the department who made no decision
in the version approves it; reclassifying makes version n+1 with a reason. Every change is audited and guarded by
``lock_version``."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import Action, AuditContext, audit_record
from genomes.models import Case, StructuralVariant
from interpret.acmg.cnv import RULE_SET, RULE_SET_VERSION, cnv_class, cnv_codes, cnv_total
from interpret.classification.models import CnvClassification
from interpret.classification.selectors import may_classify
from interpret.classification.services import ClassificationConflict

OPEN = ("draft", "submitted")


def _lineage(classification: CnvClassification) -> dict:
    return dict(cluster_id=classification.cluster_id, condition=classification.condition,
                department_id=classification.department_id)


def _refuse_unless_classifier(by, department) -> None:
    if not may_classify(by, department):
        raise PermissionDenied("Only clinical geneticists and variant curators of the department classify")


def _suggest(classification: CnvClassification, row: dict) -> None:
    """The platform's suggestions from the call as the SV tab shows it: decisions are kept."""
    points = {code: {k: v for k, v in entry.items() if k != "suggestion"}
              for code, entry in classification.points.items()}
    for suggestion in row.get("cnv_points", []):
        points.setdefault(suggestion["code"], {})["suggestion"] = suggestion
    classification.points = {code: entry for code, entry in points.items() if entry}


def _evaluate(classification: CnvClassification) -> None:
    applied = {code: entry["points"] for code, entry in classification.points.items()
               if entry.get("decision") == "applied"}
    classification.total = cnv_total(applied)
    classification.result_class = cnv_class(classification.total)


def cnv_classification_start(*, case: Case, call_id: int, condition: str, by,
                             audit: AuditContext | None = None) -> CnvClassification:
    from interpret.analysis.structural import structural_call

    _refuse_unless_classifier(by, case.department)
    condition = " ".join((condition or "").split())
    if not condition:
        raise ValidationError("A CNV classification needs a condition (a disease name or id, or the phenotype)")
    row = structural_call(case, call_id)
    if row is None:
        raise ValidationError(f"{case.identifier} has no structural call {call_id}")
    if not row["copy_number_change"]:
        raise ValidationError("Only a copy-number loss or gain is classified by the CNV standards (this call is "
                              f"a {row['svtype']})")
    call = StructuralVariant.objects.select_related("cluster").get(pk=call_id)
    if call.cluster_id is None:
        raise ValidationError("This call has no national event yet (its import is still clustering)")
    key = dict(cluster_id=call.cluster_id, condition=condition, department=case.department)
    with transaction.atomic():
        open_version = CnvClassification.objects.select_for_update().filter(**key, status__in=OPEN).first()
        if open_version is not None:
            return open_version
        if CnvClassification.objects.filter(**key, status="final").exists():
            raise ValidationError("This CNV already has a final classification for this condition: reclassify it "
                                  "(with a reason) instead")
        classification = CnvClassification(
            **key, case=case, structural_variant=call, direction=row["copy_number_change"],
            genome_build=case.genome_build, chrom=call.chrom, start=call.start, end=call.end,
            genes=sorted({g["gene"] for g in row["genes"]}), hgvs=row["hgvs"][:200], iscn=row["iscn"][:200],
            rule_set=RULE_SET, rule_set_version=RULE_SET_VERSION, created_by=by, edited_by=[by.pk])
        _suggest(classification, row)
        _evaluate(classification)
        classification.save()
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="cnv_classification",
                     object_id=classification.pk, department_code=case.department.code,
                     details={"call": call_id, "hgvs": classification.hgvs, "condition": condition})
    return classification


def _locked(classification_id: int, by, status: str, refusal: str) -> CnvClassification:
    classification = (CnvClassification.objects.select_for_update(of=("self",))
                      .select_related("department").get(pk=classification_id))
    _refuse_unless_classifier(by, classification.department)
    if classification.status != status:
        raise ValidationError(refusal.format(version=classification.version, status=classification.status))
    return classification


def _locked_draft(classification_id: int, lock_version, by) -> CnvClassification:
    classification = _locked(classification_id, by, "draft", "Version {version} is {status}; only a draft can be "
                                                             "edited")
    try:
        stale = lock_version is None or int(lock_version) != classification.lock_version
    except (TypeError, ValueError):
        raise ValidationError(f"lock_version {lock_version!r} is not a whole number") from None
    if stale:
        raise ClassificationConflict(classification)
    return classification


def _save(classification: CnvClassification, by, audit, details: dict, *, edit: bool = False) -> None:
    if edit and by.pk not in classification.edited_by:
        classification.edited_by = [*classification.edited_by, by.pk]
    _evaluate(classification)
    classification.lock_version += 1
    classification.updated_at = timezone.now()
    classification.save()
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="cnv_classification",
                 object_id=classification.pk, department_code=classification.department.code, details=details)


def cnv_points_set(*, classification_id: int, lock_version, by, code: str, decision: str,
                   points: float | str | None = None, justification: str = "",
                   audit: AuditContext | None = None) -> CnvClassification:
    """The curator's decision on one code: "applied" (with points inside the code's range; its suggested points
    when none are given), "rejected", or "" (undecided)."""
    if decision not in ("applied", "rejected", ""):
        raise ValidationError("decision must be applied, rejected or empty")
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        table = cnv_codes(classification.direction)
        if code not in table:
            raise ValidationError(f"{code!r} is not a code of the copy-number {classification.direction} "
                                  "scoresheet")
        suggested, least, most = table[code]
        entry = {k: v for k, v in classification.points.get(code, {}).items() if k == "suggestion"}
        if decision == "applied":
            try:
                value = suggested if points in (None, "") else round(float(points), 2)
            except (TypeError, ValueError):
                raise ValidationError(f"points {str(points)[:20]!r} is not a number") from None
            if not least <= value <= most:
                raise ValidationError(f"{code} scores between {least:+.2f} and {most:+.2f}; {value:+.2f} is outside")
            text = " ".join((justification or "").split()) or (entry.get("suggestion") or {}).get("reason", "")
            if not text:
                raise ValidationError(f"{code} is entered by the curator: give a short justification")
            entry.update(decision="applied", points=value, justification=text)
        elif decision == "rejected":
            entry.update(decision="rejected", justification=" ".join((justification or "").split()))
        if decision:
            entry.update(decided_by=by.get_username(), decided_at=timezone.now().isoformat())
        classification.points = {**classification.points, code: entry}
        if not entry:
            classification.points.pop(code)
        _save(classification, by, audit, {"code": code, "decision": decision, "points": entry.get("points")},
              edit=True)
    return classification


def cnv_submit(*, classification_id: int, lock_version, by, audit: AuditContext | None = None) -> CnvClassification:
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        if not any(entry.get("decision") == "applied" for entry in classification.points.values()):
            raise ValidationError("Apply at least one code before submitting")
        classification.status = "submitted"
        classification.submitted_by, classification.submitted_at = by, timezone.now()
        _save(classification, by, audit, {"status": "submitted"})
    return classification


def cnv_approve(*, classification_id: int, by, audit: AuditContext | None = None) -> CnvClassification:
    """A second qualified member makes it final: not its author, its submitter, nor anyone who decided a code."""
    with transaction.atomic():
        classification = _locked(classification_id, by, "submitted", "Only a submitted classification can be "
                                                                     "approved")
        if by.pk in (classification.created_by_id, classification.submitted_by_id) or by.pk in \
                classification.edited_by:
            raise PermissionDenied("Approval needs a second person: you made, changed or submitted this version")
        CnvClassification.objects.filter(**_lineage(classification), status="final").update(status="superseded")
        classification.status = "final"
        classification.approved_by, classification.approved_at = by, timezone.now()
        _save(classification, by, audit, {"status": "final", "class": classification.result_class})
    return classification


def cnv_return_to_draft(*, classification_id: int, by, reason: str,
                        audit: AuditContext | None = None) -> CnvClassification:
    with transaction.atomic():
        classification = _locked(classification_id, by, "submitted", "Only a submitted classification can be "
                                                                     "returned")
        classification.status = "draft"
        _save(classification, by, audit, {"status": "draft", "returned": reason})
    return classification


def cnv_reclassify(*, classification_id: int, by, reason: str,
                   audit: AuditContext | None = None) -> CnvClassification:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Give the reason for the reclassification")
    with transaction.atomic():
        final = _locked(classification_id, by, "final", "Only the final version can be reclassified")
        if CnvClassification.objects.filter(**_lineage(final), status__in=OPEN).exists():
            raise ValidationError("A reclassification of this CNV is already open")
        draft = CnvClassification(
            cluster_id=final.cluster_id, condition=final.condition, department=final.department, case=final.case,
            structural_variant_id=final.structural_variant_id, direction=final.direction,
            genome_build=final.genome_build, chrom=final.chrom, start=final.start, end=final.end, genes=final.genes,
            hgvs=final.hgvs, iscn=final.iscn, version=final.version + 1, previous=final, reason=reason,
            points={code: {k: v for k, v in entry.items() if k != "suggestion"}
                    for code, entry in final.points.items() if entry.get("decision")},
            rule_set=RULE_SET, rule_set_version=RULE_SET_VERSION, created_by=by, edited_by=[by.pk])
        _evaluate(draft)
        draft.save()
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="cnv_classification",
                     object_id=draft.pk, department_code=final.department.code,
                     details={"reclassification_of": final.pk, "reason": reason})
    return draft
