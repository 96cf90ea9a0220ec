"""Work lists and a case's timeline."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Max, Q
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from genomes.models import Case
from genomes.selectors import cases_visible_to
from interpret.workflow.models import CaseEvent, CaseNote

S = Case.Status
# Open in the workflow: ready for analysis once its data are imported (a case awaiting data or in its first import
# is on no work list), in analysis or in review whatever its import is doing.
OPEN_CASES = Q(status__in=(S.IN_ANALYSIS, S.IN_REVIEW)) | Q(status=S.READY, import_state=Case.ImportState.IMPORTED)
VIEWS = {"mine": "My cases", "review": "Waiting for my review", "overdue": "Overdue",
         "department": "All open cases of my departments", "mentions": "Mentioned in notes"}
SORTS = {"age": "created_at", "-age": "-created_at", "turnaround": "turnaround", "-turnaround": "-turnaround",
         "identifier": "identifier", "status": "status", "group": "patient_group__number"}


def case_is_open(case: Case) -> bool:
    return case.status in (S.IN_ANALYSIS, S.IN_REVIEW) or (
        case.status == S.READY and case.import_state == Case.ImportState.IMPORTED)


def turnaround_days() -> int:
    return settings.CASE_TURNAROUND_DAYS


def work_list(user, view: str = "mine", *, patient_group: str = "", status: str = "", analysis_type: str = "",
              sort: str = "-turnaround", limit: int = 200, token=None):
    """Cases for a work list, each with its age and turnaround so far (from its data being ready to its first
    signed report, or to now); a department's cases only for those who may open them."""
    cases = cases_visible_to(user, token=token).select_related("patient_group", "department", "assigned_to", "reviewer")
    if view == "mine":
        cases = cases.filter(OPEN_CASES, assigned_to=user)
    elif view == "review":
        cases = cases.filter(reviewer=user, status=S.IN_REVIEW)
    elif view == "overdue":
        cases = cases.filter(OPEN_CASES, data_ready_at__lt=timezone.now() - timedelta(days=turnaround_days()))
    elif view == "mentions":
        mentioned = CaseNote.objects.filter(mentions=user).values("case_id")
        cases = cases.filter(pk__in=mentioned)
    else:
        cases = cases.filter(OPEN_CASES)
    if patient_group:
        cases = cases.filter(patient_group__code=patient_group)
    if status:
        cases = cases.filter(status=status)
    if analysis_type:
        cases = cases.filter(analysis_type=analysis_type)
    cases = cases.annotate(
        turnaround=ExpressionWrapper(Coalesce("reported_at", Now(), output_field=DateTimeField())
                                     - F("data_ready_at"), output_field=DurationField()),
        age=ExpressionWrapper(Now() - F("created_at"), output_field=DurationField()),
        last_mention=Max("notes__created_at", filter=Q(notes__mentions=user)),
    )
    return cases.order_by(SORTS.get(sort, "-turnaround"), "pk")[:limit]


def work_list_counts(user) -> dict[str, int]:
    visible = cases_visible_to(user)
    late = timezone.now() - timedelta(days=turnaround_days())
    return {"mine": visible.filter(OPEN_CASES, assigned_to=user).count(),
            "review": visible.filter(reviewer=user, status=S.IN_REVIEW).count(),
            "overdue": visible.filter(OPEN_CASES, data_ready_at__lt=late).count(),
            "mentions": visible.filter(pk__in=CaseNote.objects.filter(mentions=user).values("case_id")).count()}


def case_timeline(case: Case, more: list[dict] = ()) -> list[dict]:
    """Workflow events, imports and notes, with ``more`` entries ({at, kind, who, ...}) of the layers that know
    them (the case page adds its filter runs), oldest first."""
    entries = list(more)
    for event in CaseEvent.objects.filter(case=case).select_related("user", "person"):
        entries.append({"at": event.at, "kind": "workflow", "event": event, "who": event.user})
    for case_import in case.imports.select_related("job", "job__created_by"):
        entries.append({"at": case_import.job.created_at, "kind": "import", "import": case_import,
                        "who": case_import.job.created_by})
    for note in CaseNote.objects.filter(case=case).select_related("created_by"):
        entries.append({"at": note.created_at, "kind": "note", "note": note, "who": note.created_by})
    return sorted(entries, key=lambda e: e["at"])


def case_workflow_context(case: Case, user, timeline_more: list[dict] = ()) -> dict:
    """What the case page shows of the workflow: the moves open to ``user``, colleagues to assign, notes,
    timeline (with ``timeline_more``, see case_timeline), turnaround so far."""
    from core.models import Membership, Role
    from interpret.workflow.services import REOPEN_REASONS, allowed_actions

    colleagues = [m.user for m in Membership.objects.filter(
        department_id=case.department_id, role=Role.CLINICAL_GENETICIST, user__is_active=True).select_related(
        "user").order_by("user__username")]
    end = case.reported_at or timezone.now()
    days = (end - case.data_ready_at).days if case.data_ready_at else None
    return {"workflow_actions": allowed_actions(case, user), "colleagues": colleagues,
            "reopen_reasons": [(r.value, r.label) for r in REOPEN_REASONS],
            "notes": CaseNote.objects.filter(case=case).select_related("created_by"),
            "note_kinds": CaseNote.Kind.choices, "timeline": case_timeline(case, timeline_more),
            "turnaround_days_so_far": days,
            "reports": case.reports.select_related("signed_by", "replaces").order_by("-version"),
            "has_signed_report": case.reports.filter(status="signed").exists(),
            "overdue": days is not None and case.reported_at is None and case_is_open(case)
            and days > turnaround_days()}
