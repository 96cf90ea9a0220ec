"""Pages of the molecular tumor board: a tumour case's somatic view, board meetings (prepare, discuss a case,
record a decision, print), and the biomarker knowledge table. Views stay thin: interpret.tumor_board's and
interpret.cancer's services and selectors do the work, with the same rights and audit rows as every other channel."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.audit import Action
from core.errors import InputFileError
from core.patient_reads import patient_rows_read
from core.web import audit_context, audit_refusal, audit_request, error_text, posted_number, posted_numbers
from genomes.importing.uploads import upload_discard, upload_store
from genomes.selectors import cases_visible_to
from genomes.somatic import is_somatic
from genomes.web import case_for_request
from interpret.analysis.engine import run_analysis
from interpret.analysis.models import FilterRun
from interpret.analysis.output import candidates_as_dicts
from interpret.analysis.presets import somatic_preset_for, somatic_presets
from interpret.analysis.somatic import germline_findings
from interpret.cancer import biomarkers
from interpret.cancer.models import BiomarkerKnowledgeVersion
from interpret.classification.selectors import may_classify
from interpret.reporting.render import report_pdf
from interpret.tumor_board import board
from interpret.tumor_board.models import BoardAgendaItem, BoardMeeting, BoardRecommendation
from interpret.tumor_board.selectors import profile_figures


def somatic_view(request, case_id: int):
    case = case_for_request(request, case_id)
    if not is_somatic(case):
        messages.info(request, f"{case.identifier} is a germline case: it has no somatic view")
        return redirect("case_detail", case_id=case.pk)
    preset = somatic_preset_for(case, request.user, request.GET.get("preset"))
    error, rows, result = None, [], None
    try:
        result = run_analysis(case, None, preset=preset, user=request.user, via=FilterRun.Via.BROWSER, reuse=True)
        rows = candidates_as_dicts(result, result.candidates[:200])
        patient_rows_read(user=request.user, department=case.department, rows=len(rows), object_type="case_variants",
                          object_id=case.pk, audit=audit_context(request),
                          details={"view": "somatic", "filter_run": result.filter_run.pk if result.filter_run else None,
                                   "candidates": len(result.candidates)})
    except ValidationError as exc:
        error = error_text(exc)
    case_import = case.imports.filter(is_current=True).first()
    somatic = (result.somatic if result else None) or {}
    return render(request, "interpret/somatic_case.html", {
        "case": case, "preset": preset, "presets": somatic_presets(request.user), "result": result, "rows": rows,
        "error": error, "somatic": somatic, "figures": profile_figures(somatic["profile"]) if somatic else None,
        "germline": germline_findings(case, case_import) if case_import else [],
        "may_classify": _classifying_department(request.user, case) is not None,
        "active_group": case.patient_group.code,
        "knowledge": biomarkers.published_version()})


def _classifying_department(user, case):
    """Where an oncogenicity the user starts from this case belongs: the case's department, else a board the
    case was referred to where the user is a tumor board member."""
    if may_classify(user, case.department, origin="somatic"):
        return case.department
    for department in board.boards_of(user):
        if case.shares.filter(department=department).exists() and may_classify(user, department, origin="somatic"):
            return department
    return None


@require_POST
def oncogenicity_start(request, case_id: int, variant_id: int):
    from genomes.models import Variant
    from interpret.classification.services import classification_start

    case = case_for_request(request, case_id)
    variant = Variant.objects.filter(pk=variant_id).first()
    if variant is None:
        raise Http404("No such variant")
    department = _classifying_department(request.user, case)
    try:
        if department is None:
            raise PermissionDenied("Only clinical geneticists, variant curators and tumor board members classify "
                                   "oncogenicity")
        classification = classification_start(
            variant=variant, gene=request.POST.get("gene", ""), condition=request.POST.get("condition", "")
            or case.tumour_type, mode_of_inheritance="", by=request.user, department=department, case=case,
            origin="somatic", audit=audit_context(request))
    except (ValidationError, PermissionDenied) as error:
        audit_refusal(request, error)
        messages.error(request, error_text(error))
        return redirect("somatic_case", case_id=case.pk)
    return redirect("classification_detail", classification_id=classification.pk)


# --- board meetings ---

def board_meetings(request):
    boards = board.boards_of(request.user)
    if request.method == "POST":
        chosen = next((b for b in boards if b.code == request.POST.get("board")), None)
        try:
            if chosen is None:
                raise PermissionDenied("You are not a tumor board member of that board")
            meeting = board.meeting_create(by=request.user, board=chosen, title=request.POST.get("title", ""),
                                           date=request.POST.get("date", ""), audit=audit_context(request))
        except (ValidationError, PermissionDenied) as error:
            audit_refusal(request, error, object_type="board_meeting")
            messages.error(request, error_text(error))
            return redirect("board_meetings")
        return redirect("board_meeting", meeting_id=meeting.pk)
    meetings = list(board.meetings_for(request.user)[:100])
    return render(request, "interpret/board_meetings.html", {
        "meetings": meetings, "boards": boards, "today": timezone.localdate()})


def _meeting(request, meeting_id) -> BoardMeeting:
    try:
        return board.meeting_get(request.user, meeting_id)
    except BoardMeeting.DoesNotExist:
        refusal = Http404("No such meeting")
        audit_refusal(request, refusal, object_type="board_meeting", object_id=meeting_id)
        raise refusal from None


def board_meeting(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "participants":
                people = list(get_user_model().objects.filter(
                    pk__in=posted_numbers(request.POST.getlist("participants"), "participants")))
                board.meeting_participants_set(by=request.user, meeting=meeting, participants=people,
                                               audit=audit_context(request))
            elif action == "refer":
                case = cases_visible_to(request.user).filter(identifier=request.POST.get("case", "").strip()).first()
                if case is None:
                    raise ValidationError(f"no case {request.POST.get('case')!r} of your departments")
                board.case_refer(by=request.user, meeting=meeting, case=case,
                                 diagnosis=request.POST.get("diagnosis", ""),
                                 question=request.POST.get("question", ""), audit=audit_context(request))
            else:
                raise ValidationError("unknown action")
        except (ValidationError, PermissionDenied) as error:
            audit_refusal(request, error, object_type="board_meeting", object_id=meeting.pk)
            messages.error(request, error_text(error))
        return redirect("board_meeting", meeting_id=meeting.pk)
    agenda, others = board.meeting_agenda_for(request.user, meeting)
    audit_request(request, action=Action.VIEW, object_type="board_meeting", object_id=meeting.pk,
                  department_code=meeting.board.code, details={"cases": [i.case.identifier for i, _ in agenda]})
    members = get_user_model().objects.filter(memberships__department=meeting.board).distinct().order_by("username")
    return render(request, "interpret/board_meeting.html", {
        "meeting": meeting, "agenda": agenda, "other_departments_items": others,
        "is_member": board.is_board_member(request.user, meeting.board), "members": members,
        "participants": set(meeting.participants.values_list("pk", flat=True))})


def _item(request, meeting, item_id) -> BoardAgendaItem:
    try:
        item = board.agenda_item_get(request.user, meeting, item_id)
    except BoardAgendaItem.DoesNotExist:
        refusal = Http404("No such case on this meeting's agenda")
        audit_refusal(request, refusal, object_type="board_agenda_item", object_id=item_id)
        raise refusal from None
    # the case itself is opened like any case: audited, refused (and audited) if not visible
    case_for_request(request, item.case_id)
    return item


def board_item(request, meeting_id: int, item_id: int):
    meeting = _meeting(request, meeting_id)
    item = _item(request, meeting, item_id)
    if request.method == "POST":
        try:
            people = list(get_user_model().objects.filter(
                pk__in=posted_numbers(request.POST.getlist("agreed_by"), "agreed_by")))
            board.recommendation_record(by=request.user, item=item, kinds=request.POST.getlist("kinds"),
                                        text=request.POST.get("text", ""), agreed_by=people,
                                        reason=request.POST.get("reason", ""), audit=audit_context(request))
            messages.success(request, "Recommendation recorded")
        except (ValidationError, PermissionDenied) as error:
            audit_refusal(request, error, object_type="board_recommendation", object_id=item.pk)
            messages.error(request, error_text(error))
        return redirect("board_item", meeting_id=meeting.pk, item_id=item.pk)
    summary = board.case_summary(item.case, user=request.user, item=item)
    _count_summary_rows(request, item.case, summary)
    return render(request, "interpret/board_item.html", {
        "meeting": meeting, "item": item, "summary": summary, "kinds": BoardRecommendation.Kind.choices,
        "is_member": board.is_board_member(request.user, meeting.board),
        "participants": meeting.participants.order_by("username")})


def _count_summary_rows(request, case, summary):
    patient_rows_read(user=request.user, department=case.department,
                      rows=len(summary["variants"]) + len(summary["germline"]), object_type="board_summary",
                      object_id=case.pk, audit=audit_context(request))


def _printable(request, html: str, name: str):
    if request.GET.get("format") == "pdf":
        response = HttpResponse(report_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
    return HttpResponse(html)


def board_item_print(request, meeting_id: int, item_id: int):
    meeting = _meeting(request, meeting_id)
    item = _item(request, meeting, item_id)
    summary = board.case_summary(item.case, user=request.user, item=item)
    _count_summary_rows(request, item.case, summary)
    html = render_to_string("interpret/board_summary_document.html", {
        "meeting": meeting, "summaries": [summary], "printed_by": request.user, "printed_at": timezone.now()})
    audit_request(request, action=Action.EXPORT, object_type="board_summary", object_id=item.pk,
                  department_code=item.case.department.code,
                  details={"case": item.case.identifier, "format": request.GET.get("format") or "html"})
    return _printable(request, html, f"board-{meeting.date}-{item.case.identifier}")


def board_meeting_print(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    summaries = []
    for item, _ in board.meeting_agenda_for(request.user, meeting)[0]:
        summary = board.case_summary(item.case, user=request.user, item=item)
        _count_summary_rows(request, item.case, summary)
        summaries.append(summary)
    html = render_to_string("interpret/board_summary_document.html", {
        "meeting": meeting, "summaries": summaries, "printed_by": request.user, "printed_at": timezone.now()})
    audit_request(request, action=Action.EXPORT, object_type="board_meeting", object_id=meeting.pk,
                  department_code=meeting.board.code,
                  details={"cases": [s["case"].identifier for s in summaries],
                           "format": request.GET.get("format") or "html"})
    return _printable(request, html, f"board-{meeting.date}")


# --- biomarker knowledge table ---

def biomarker_knowledge(request):
    if request.method == "POST":
        action = request.POST.get("action")
        context = audit_context(request)
        stored = None
        try:
            if action == "start":
                biomarkers.knowledge_draft_start(by=request.user, note=request.POST.get("note", ""), audit=context)
            elif action == "add":
                biomarkers.biomarker_add(by=request.user, values=request.POST.dict(), audit=context)
            elif action == "remove":
                biomarkers.biomarker_remove(by=request.user,
                                            biomarker_id=posted_number(request.POST.get("biomarker"), "biomarker"),
                                            audit=context)
            elif action == "import":
                upload = request.FILES.get("tsv")
                if upload is None:
                    raise ValidationError("choose a TSV file")
                stored = upload_store(upload)
                try:
                    outcome = biomarkers.biomarkers_import_tsv(by=request.user, path=stored,
                                                               replace=bool(request.POST.get("replace")), audit=context)
                except InputFileError as error:
                    raise ValidationError(str(error.naming_file(upload.name))) from None
                messages.success(request, f"{outcome['imported']} lines imported, {outcome['skipped']} skipped "
                                          "(evidence types other than predictive, diagnostic, prognostic)")
            elif action == "sign_off":
                version = biomarkers.knowledge_sign_off(by=request.user, audit=context)
                messages.success(request, f"Version {version.number} published")
            else:
                raise ValidationError("unknown action")
        except InputFileError as error:
            messages.error(request, str(error))
        except (ValidationError, PermissionDenied) as error:
            audit_refusal(request, error, object_type="biomarker_knowledge")
            messages.error(request, error_text(error))
        finally:
            if stored is not None:
                upload_discard(stored)
        return redirect("biomarker_knowledge")
    published, draft = biomarkers.published_version(), biomarkers.draft_version()
    shown = draft if (request.GET.get("show") == "draft" and draft) else published
    return render(request, "interpret/biomarker_knowledge.html", {
        "published": published, "draft": draft, "shown": shown,
        "lines": list(shown.biomarkers.all()) if shown else [],
        "versions": BiomarkerKnowledgeVersion.objects.select_related("created_by", "signed_off_by")[:20],
        "may_curate": biomarkers.may_curate_knowledge(request.user),
        "categories": ["therapeutic", "diagnostic", "prognostic"], "levels": ["A", "B", "C", "D"],
        "classes": sorted(biomarkers.CLASS_WORDS)})

