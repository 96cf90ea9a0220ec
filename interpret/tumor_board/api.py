"""REST API of the tumor board for scripts: a tumour case's somatic summary (TMB, what the file lacks, profile,
germline findings; its candidates come from POST /api/cases/<id>/analysis/ with a somatic preset), and the board's
meetings with their agendas and recorded recommendations. Same rights and audit rows as the pages."""
from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import Action
from core.patient_reads import patient_rows_read
from core.web import audit_context, audit_refusal, audit_request, request_token
from genomes.somatic import is_somatic
from genomes.web import case_for_request
from interpret.analysis.presets import somatic_preset_for
from interpret.analysis.somatic import germline_findings
from interpret.tumor_board import board
from interpret.tumor_board.models import BoardMeeting


class CaseSomatic(APIView):
    def get(self, request, case_id: int):
        case = case_for_request(request, case_id)
        case_import = case.imports.filter(is_current=True).first()
        if not is_somatic(case) or case_import is None:
            return Response({"error": f"{case.identifier} is not an imported tumour case"},
                            status=status.HTTP_400_BAD_REQUEST)
        summary = (case_import.statistics or {}).get("somatic") or {}
        findings = germline_findings(case, case_import)
        patient_rows_read(user=request.user, department=case.department, rows=len(findings),
                          object_type="germline_findings", object_id=case.pk, audit=audit_context(request))
        preset = somatic_preset_for(case, request.user)
        return Response({"case": case.identifier, "analysis_type": case.analysis_type,
                         "tumour_type": case.tumour_type or None, "tumour_purity": case.tumour_purity,
                         "tmb": summary.get("tmb"), "evidence": summary.get("evidence"),
                         "profile": summary.get("profile"), "germline_findings": findings,
                         "somatic_preset": preset.name if preset else None})


def _meeting_dict(meeting: BoardMeeting, shown: list) -> dict:
    agenda = []
    for item, recommendation in shown:
        agenda.append({"item": item.pk, "case": item.case.identifier, "case_id": item.case_id,
                       "diagnosis": item.diagnosis, "question": item.question,
                       "recommendation": None if recommendation is None else {
                           "version": recommendation.version, "kinds": recommendation.kinds,
                           "text": recommendation.text,
                           "agreed_by": sorted(u.get_username() for u in recommendation.agreed_by.all()),
                           "recorded_at": recommendation.recorded_at.isoformat()}})
    return {"id": meeting.pk, "board": meeting.board.code, "title": meeting.title, "date": str(meeting.date),
            "participants": sorted(meeting.participants.values_list("username", flat=True)), "agenda": agenda}


class MeetingList(APIView):
    def get(self, request):
        meetings = list(board.meetings_for(request.user, token=request_token(request))[:200])
        audit_request(request, action=Action.VIEW, object_type="board_meeting_list", object_id="",
                      details={"meetings": [m.pk for m in meetings]})
        return Response({"meetings": [{"id": m.pk, "board": m.board.code, "title": m.title, "date": str(m.date)}
                                      for m in meetings]})


class MeetingDetail(APIView):
    def get(self, request, meeting_id: int):
        try:
            meeting = board.meeting_get(request.user, meeting_id, token=request_token(request))
        except BoardMeeting.DoesNotExist:
            from django.http import Http404

            audit_refusal(request, Http404("No such meeting"), object_type="board_meeting", object_id=meeting_id)
            return Response({"error": "No such meeting"}, status=status.HTTP_404_NOT_FOUND)
        answer = _meeting_dict(meeting, board.meeting_agenda_for(request.user, meeting,
                                                                 token=request_token(request))[0])
        audit_request(request, action=Action.VIEW, object_type="board_meeting", object_id=meeting.pk,
                      department_code=meeting.board.code, details={"cases": [a["case"] for a in answer["agenda"]]})
        return Response(answer)
