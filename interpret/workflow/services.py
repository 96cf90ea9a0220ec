"""The case workflow a department follows, and who may move a case when:

    ready for analysis -> in analysis (assigned to a clinical geneticist)
    in analysis -> in review (by the assignee, to a second clinical geneticist, never the assignee)
    in review -> in analysis (the reviewer sends it back, saying why)
    in review -> report signed out (only by the report's sign-out: interpret/reporting)
    report signed out -> closed
    report signed out or closed -> in analysis (reopened with a reason: new evidence, reanalysis alert,
                                               clinician request)

Only clinical geneticists of the case's own department move its cases (a department the case is shared with
reads it). Every change is a CaseEvent (who, when, from, to, why) and an audit row, in one transaction with the
case row locked, so two people cannot move one case at once. Services take the acting user, not the request.
"""
from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from core.audit import Action, AuditContext, audit_record
from core.models import Membership, Role, User
from genomes.models import Case
from interpret.workflow.models import CaseEvent, CaseNote

S = Case.Status
REOPEN_REASONS = (CaseEvent.Reason.NEW_EVIDENCE, CaseEvent.Reason.REANALYSIS_ALERT,
                  CaseEvent.Reason.CLINICIAN_REQUEST)
HPO_TERM = re.compile(r"\bHP:\d{7}\b")
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


class WorkflowError(Exception):
    """A refused move: ``status`` 403 (this person may not) or 409 (not from the case's present state)."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


def is_clinical_geneticist(user, case: Case) -> bool:
    return bool(user and user.is_authenticated and Membership.objects.filter(
        user=user, department_id=case.department_id, role=Role.CLINICAL_GENETICIST).exists())


def require_clinical_geneticist(user, case: Case, what: str) -> None:
    """The one rule for moving a case and writing its report: a clinical geneticist of its own department."""
    if not is_clinical_geneticist(user, case):
        raise WorkflowError(f"{what}: only a clinical geneticist of {case.department.code}", 403)


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("department").get(pk=case.pk)


def _record(case: Case, by, kind: str, *, to_status: str = "", person=None, reason: str = "", text: str = "",
            audit: AuditContext | None = None, from_status: str | None = None) -> CaseEvent:
    event = CaseEvent.objects.create(case=case, kind=kind, from_status=case.status if from_status is None
                                     else from_status, to_status=to_status, user=by, person=person,
                                     reason=reason, text=text)
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="case", object_id=case.pk,
                 department_code=case.department.code,
                 details={"workflow": kind, "from": event.from_status, "to": to_status,
                          "person": person.get_username() if person else "", "reason": reason})
    return event


def _move(case: Case, to_status: str, by, kind: str = CaseEvent.Kind.STATUS, **event) -> None:
    from_status = case.status
    case.status = to_status
    case.status_changed_at = timezone.now()
    case.save(update_fields=["status", "status_changed_at", "assigned_to", "reviewer", "reported_at"])
    _record(case, by, kind, to_status=to_status, from_status=from_status, **event)


def _colleague(case: Case, username_or_user, role_text: str):
    person = username_or_user
    if not isinstance(person, User):
        person = User.objects.filter(username=person, is_active=True).first()
    if person is None or not is_clinical_geneticist(person, case):
        raise WorkflowError(f"{role_text} must be a clinical geneticist of {case.department.code}", 400)
    return person


def case_start_analysis(*, case: Case, by, assignee=None, audit: AuditContext | None = None) -> Case:
    with transaction.atomic():
        case = _locked(case)
        require_clinical_geneticist(by, case, "start the analysis")
        if case.status != S.READY or case.import_state != Case.ImportState.IMPORTED:
            raise WorkflowError(f"case {case.identifier} is {case.state_label.lower()}, not ready for analysis")
        case.assigned_to = _colleague(case, assignee or by, "the assignee")
        _move(case, S.IN_ANALYSIS, by, person=case.assigned_to, audit=audit)
    return case


def case_assign(*, case: Case, by, assignee, audit: AuditContext | None = None) -> Case:
    with transaction.atomic():
        case = _locked(case)
        require_clinical_geneticist(by, case, "assign the case")
        if case.status not in (S.READY, S.IN_ANALYSIS):
            raise WorkflowError(f"case {case.identifier} is {case.get_status_display().lower()}: it is assigned "
                                "while ready or in analysis")
        case.assigned_to = _colleague(case, assignee, "the assignee")
        if case.reviewer_id == case.assigned_to.pk:
            case.reviewer = None
        case.save(update_fields=["assigned_to", "reviewer"])
        _record(case, by, CaseEvent.Kind.ASSIGN, to_status=case.status, person=case.assigned_to, audit=audit)
    return case


def case_submit_for_review(*, case: Case, by, reviewer, audit: AuditContext | None = None) -> Case:
    with transaction.atomic():
        case = _locked(case)
        require_clinical_geneticist(by, case, "send the case for review")
        if case.status != S.IN_ANALYSIS:
            raise WorkflowError(f"case {case.identifier} is {case.get_status_display().lower()}, not in analysis")
        if case.assigned_to_id != by.pk:
            raise WorkflowError("only the geneticist the case is assigned to sends it for review", 403)
        chosen = _colleague(case, reviewer, "the reviewer")
        if chosen.pk == case.assigned_to_id:
            raise WorkflowError("the reviewer is a second geneticist, not the one who analysed the case", 400)
        case.reviewer = chosen
        _move(case, S.IN_REVIEW, by, person=chosen, audit=audit)
    return case


def case_return_to_analysis(*, case: Case, by, text: str, audit: AuditContext | None = None) -> Case:
    with transaction.atomic():
        case = _locked(case)
        require_clinical_geneticist(by, case, "send the case back")
        if case.status != S.IN_REVIEW:
            raise WorkflowError(f"case {case.identifier} is {case.get_status_display().lower()}, not in review")
        if case.reviewer_id != by.pk:
            raise WorkflowError("only the case's reviewer sends it back to analysis", 403)
        if not (text or "").strip():
            raise WorkflowError("say what the analysis should look at again", 400)
        _move(case, S.IN_ANALYSIS, by, text=text.strip(), audit=audit)
    return case


def case_mark_reported(*, case: Case, by, report_version: int, audit: AuditContext | None = None) -> Case:
    """Called by the report's sign-out, in its transaction (interpret/reporting): the case's report is out."""
    case = _locked(case)
    if case.status not in (S.IN_REVIEW, S.REPORTED, S.CLOSED):
        raise WorkflowError(f"case {case.identifier} is {case.get_status_display().lower()}: a report is "
                            "signed out from review")
    if case.reported_at is None:
        case.reported_at = timezone.now()
    _move(case, S.REPORTED, by, kind=CaseEvent.Kind.REPORT, text=f"report version {report_version} signed out",
          audit=audit)
    return case


def case_close(*, case: Case, by, audit: AuditContext | None = None) -> Case:
    with transaction.atomic():
        case = _locked(case)
        require_clinical_geneticist(by, case, "close the case")
        if case.status != S.REPORTED:
            raise WorkflowError(f"case {case.identifier} is {case.get_status_display().lower()}: a case is closed "
                                "after its report is signed out")
        _move(case, S.CLOSED, by, audit=audit)
    return case


def case_reopen(*, case: Case, by, reason: str, text: str, audit: AuditContext | None = None) -> Case:
    with transaction.atomic():
        case = _locked(case)
        require_clinical_geneticist(by, case, "reopen the case")
        if case.status not in (S.REPORTED, S.CLOSED):
            raise WorkflowError(f"case {case.identifier} is {case.get_status_display().lower()}: only a reported "
                                "or closed case is reopened")
        if reason not in REOPEN_REASONS:
            raise WorkflowError("a reopened case needs a reason: new evidence, a reanalysis alert or a clinician's "
                                "request", 400)
        if not (text or "").strip():
            raise WorkflowError("say what is new", 400)
        case.assigned_to = by
        case.reviewer = None
        _move(case, S.IN_ANALYSIS, by, kind=CaseEvent.Kind.REOPEN, reason=reason, text=text.strip(), person=by,
              audit=audit)
    return case


def allowed_actions(case: Case, user) -> list[str]:
    """What ``user`` may do to the case now (the case page offers these, the services decide)."""
    if not is_clinical_geneticist(user, case):
        return []
    if case.status == S.READY and case.import_state != Case.ImportState.IMPORTED:
        return []  # nothing to analyse before its data are in
    actions = {S.READY: ["start"], S.IN_ANALYSIS: ["assign"], S.IN_REVIEW: [],
               S.REPORTED: ["close", "reopen"], S.CLOSED: ["reopen"]}.get(case.status, [])
    actions = list(actions)
    if case.status == S.READY:
        actions.append("assign_ready")
    if case.status == S.IN_ANALYSIS and case.assigned_to_id == user.pk:
        actions.append("submit_for_review")
    if case.status == S.IN_REVIEW and case.reviewer_id == user.pk:
        actions.append("return")
    return actions


def case_note_add(*, case: Case, by, kind: str, text: str, audit: AuditContext | None = None) -> CaseNote:
    """A case note; HP:0000000 codes are kept as terms, @username mentions of colleagues who may open the case
    put it on their work list."""
    from genomes.selectors import cases_visible_to

    text = (text or "").strip()
    if not text:
        raise WorkflowError("a note needs text", 400)
    if kind not in CaseNote.Kind.values:
        raise WorkflowError(f"unknown note kind {kind!r}", 400)
    if not Membership.objects.filter(user=by, department_id=case.department_id).exists():
        raise WorkflowError("notes are written by the case's department", 403)
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, kind=kind, text=text, created_by=by,
                                       hpo_terms=sorted(set(HPO_TERM.findall(text))))
        named = set(MENTION.findall(text))
        mentioned = [person for person in User.objects.filter(username__in=named, is_active=True)
                     if cases_visible_to(person).filter(pk=case.pk).exists()]
        note.mentions.set(mentioned)
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="case_note", object_id=note.pk,
                     department_code=case.department.code,
                     details={"case": case.pk, "kind": kind, "mentions": sorted(p.username for p in mentioned)})
    return note
