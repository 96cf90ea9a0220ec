"""Molecular tumor board meetings: preparing a meeting (date, participants, agenda of referred cases), the case
summary the board discusses, and its recorded recommendations (versioned, audited).

Rights: a board is a department of kind tumor board. Its tumor board members prepare meetings and record
decisions. A case comes onto the agenda when a clinical member of its own department refers it: the referral
shares the case with the board (genomes.services.case_share), so the board's members open it through the same
rights, audit rows and channels as any shared case, and across every department that refers cases to it.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from core.access import departments_with_patient_access
from core.audit import Action, AuditContext, audit_record
from core.models import Department, Membership, Role
from genomes.models import Case
from genomes.selectors import cases_visible_to
from genomes.services import case_share
from genomes.somatic import is_somatic
from interpret.tumor_board.models import BoardAgendaItem, BoardMeeting, BoardRecommendation

SUMMARY_VARIANTS = 25  # key somatic variants on a summary: the strongest tiers first


def boards_of(user) -> list[Department]:
    """Boards where ``user`` is a tumor board member."""
    if not user or not user.is_authenticated:
        return []
    return list(Department.objects.filter(kind=Department.Kind.TUMOR_BOARD, memberships__user=user,
                                          memberships__role=Role.TUMOR_BOARD_MEMBER).distinct())


def is_board_member(user, board: Department) -> bool:
    return bool(user and user.is_authenticated and board.kind == Department.Kind.TUMOR_BOARD and
                Membership.objects.filter(user=user, department=board, role=Role.TUMOR_BOARD_MEMBER).exists())


def meetings_for(user, *, token=None):
    """Meetings of the boards the user belongs to (with a clinical role), and meetings where a case of the user's
    departments is on the agenda (the referring clinicians follow their cases); narrowed to an API token's
    departments."""
    departments = departments_with_patient_access(user, token=token)
    return (BoardMeeting.objects.filter(Q(board_id__in=departments) | Q(agenda__case__department_id__in=departments))
            .distinct().select_related("board").order_by("-date", "-id"))


def meeting_get(user, meeting_id: int, *, token=None) -> BoardMeeting:
    meeting = meetings_for(user, token=token).filter(pk=meeting_id).first()
    if meeting is None:
        raise BoardMeeting.DoesNotExist
    return meeting


def meeting_agenda_for(user, meeting: BoardMeeting, *, token=None) -> tuple[list, int]:
    """The agenda items of ``meeting`` whose case ``user`` may open (with their current recommendation), and how
    many others there are. A referral's diagnosis, question and recommendation are patient data of the referring
    department: the page, the print and the API show only the visible items, through this one selector."""
    items = list(meeting.agenda.select_related("case", "case__department", "case__patient_group", "referred_by"))
    visible = set(cases_visible_to(user, token=token).filter(pk__in=[i.case_id for i in items])
                  .values_list("pk", flat=True))
    current = {r.item_id: r for r in BoardRecommendation.objects.filter(item__meeting=meeting, status="current")
               .prefetch_related("agreed_by")}
    shown = [(item, current.get(item.pk)) for item in items if item.case_id in visible]
    return shown, len(items) - len(shown)


def _require_member(user, board: Department):
    if not is_board_member(user, board):
        raise PermissionDenied("Only the board's tumor board members prepare its meetings and record its decisions")


def meeting_create(*, by, board: Department, title: str, date, participants=(),
                   audit: AuditContext | None = None) -> BoardMeeting:
    _require_member(by, board)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("A meeting needs a title")
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date)
        except ValueError:
            raise ValidationError(f"date {date!r} is not YYYY-MM-DD") from None
    with transaction.atomic():
        meeting = BoardMeeting.objects.create(board=board, title=title[:200], date=date, created_by=by)
        meeting_participants_set(by=by, meeting=meeting, participants=[by, *participants], audit=audit)
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="board_meeting", object_id=meeting.pk,
                     department_code=board.code, details={"title": meeting.title, "date": str(meeting.date)})
    return meeting


def meeting_participants_set(*, by, meeting: BoardMeeting, participants, audit: AuditContext | None = None):
    """Participants are members of the board (any role there: oncologists, pathologists, geneticists)."""
    _require_member(by, meeting.board)
    people = list(participants)
    members = set(Membership.objects.filter(department=meeting.board).values_list("user_id", flat=True))
    outsiders = [p for p in people if p.pk not in members]
    if outsiders:
        raise ValidationError(f"{outsiders[0].get_username()} is not a member of {meeting.board.name}")
    meeting.participants.set(people)
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="board_meeting", object_id=meeting.pk,
                 department_code=meeting.board.code, details={"participants": sorted(p.get_username() for p in people)})


def case_refer(*, by, meeting: BoardMeeting, case: Case, diagnosis: str = "", question: str = "",
               audit: AuditContext | None = None) -> BoardAgendaItem:
    """Put a case on a meeting's agenda: a clinical member of the case's department refers it, which shares it
    with the board."""
    if case.department_id not in departments_with_patient_access(by):
        raise PermissionDenied("A case is referred to the board by a clinical member of its own department")
    if not is_somatic(case) and not diagnosis.strip():
        raise ValidationError("A germline case on the tumor board agenda needs its diagnosis stated")
    with transaction.atomic():
        if BoardAgendaItem.objects.filter(meeting=meeting, case=case).exists():
            raise ValidationError(f"{case.identifier} is already on this meeting's agenda")
        case_share(case=case, department=meeting.board, granted_by=by, audit=audit,
                   reason=f"Referred to {meeting.board.name}, meeting {meeting.date}: {meeting.title}"[:300])
        position = (meeting.agenda.aggregate(n=Max("position"))["n"] or 0) + 1
        item = BoardAgendaItem.objects.create(meeting=meeting, case=case, position=position,
                                              diagnosis=(diagnosis or case.tumour_type).strip()[:300],
                                              question=question.strip(), referred_by=by)
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="board_agenda_item", object_id=item.pk,
                     department_code=case.department.code,
                     details={"meeting": meeting.pk, "case": case.identifier, "board": meeting.board.code})
    return item


def recommendation_record(*, by, item: BoardAgendaItem, kinds, text: str, agreed_by=(), reason: str = "",
                          audit: AuditContext | None = None) -> BoardRecommendation:
    """The board's recommendation for an agenda item, and who agreed; a later one is version n+1 with a reason,
    and the one before is kept, superseded."""
    meeting = item.meeting
    _require_member(by, meeting.board)
    kinds = [k for k in (kinds or []) if k]
    bad = [k for k in kinds if k not in BoardRecommendation.Kind.values]
    if bad or not kinds:
        raise ValidationError(f"choose what is recommended: {', '.join(BoardRecommendation.Kind.values)}")
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the recommendation")
    agreed = list(agreed_by)
    participants = set(meeting.participants.values_list("pk", flat=True))
    outsiders = [p for p in agreed if p.pk not in participants]
    if outsiders:
        raise ValidationError(f"{outsiders[0].get_username()} did not take part in this meeting")
    if not agreed:
        raise ValidationError("Record who agreed (participants of the meeting)")
    with transaction.atomic():
        current = BoardRecommendation.objects.select_for_update().filter(item=item, status="current").first()
        if current is not None and not reason.strip():
            raise ValidationError("A recommendation is recorded: give the reason for revising it")
        if current is not None:
            current.status = BoardRecommendation.Status.SUPERSEDED
            current.save(update_fields=["status"])
        recommendation = BoardRecommendation.objects.create(
            item=item, version=(current.version + 1) if current else 1, kinds=kinds, text=text,
            reason=reason.strip(), recorded_by=by, recorded_at=timezone.now())
        recommendation.agreed_by.set(agreed)
        audit_record(action=Action.CREATE if current is None else Action.CHANGE, user=by, audit=audit,
                     object_type="board_recommendation", object_id=recommendation.pk,
                     department_code=item.case.department.code,
                     details={"case": item.case.identifier, "meeting": meeting.pk, "version": recommendation.version,
                              "kinds": kinds, "agreed_by": sorted(p.get_username() for p in agreed)})
    return recommendation


def agenda_item_get(user, meeting: BoardMeeting, item_id: int) -> BoardAgendaItem:
    """An agenda item whose case the user may open (the referral shared it with the board)."""
    item = meeting.agenda.select_related("case", "case__department", "case__patient_group").filter(pk=item_id).first()
    if item is None or not cases_visible_to(user).filter(pk=item.case_id).exists():
        raise BoardAgendaItem.DoesNotExist
    return item


def case_summary(case: Case, *, user, item: BoardAgendaItem | None = None) -> dict:
    """What the board discusses about a case: diagnosis and tumour type, purity, key somatic variants with tier and
    oncogenicity, TMB, germline findings, and the recommendations of earlier meetings."""
    from interpret.analysis.engine import run_analysis
    from interpret.analysis.models import FilterRun
    from interpret.analysis.output import candidates_as_dicts
    from interpret.analysis.presets import somatic_preset_for
    from interpret.analysis.somatic import germline_findings

    summary = {"case": case, "item": item, "tumour_type": case.tumour_type or None, "purity": case.tumour_purity,
               "somatic": is_somatic(case), "variants": [], "tmb": None, "germline": [], "notes": [],
               "preset": None}
    case_import = case.imports.filter(is_current=True).first()
    if case_import is not None and is_somatic(case):
        preset = somatic_preset_for(case, user)
        result = run_analysis(case, None, preset=preset, user=user, via=FilterRun.Via.BROWSER)
        summary.update(preset=preset, variants=candidates_as_dicts(result, result.candidates[:SUMMARY_VARIANTS]),
                       tmb=(result.somatic or {}).get("tmb"), notes=result.notes,
                       more=max(0, len(result.candidates) - SUMMARY_VARIANTS),
                       germline=germline_findings(case, case_import))
    earlier = (BoardRecommendation.objects.filter(item__case=case).exclude(item=item)
               .select_related("item__meeting", "recorded_by").prefetch_related("agreed_by")
               .order_by("-item__meeting__date", "-version"))
    summary["earlier"] = [r for r in earlier if r.status == BoardRecommendation.Status.CURRENT]
    if item is not None:
        summary["recommendations"] = list(item.recommendations.select_related("recorded_by")
                                          .prefetch_related("agreed_by").order_by("-version"))
    return summary
