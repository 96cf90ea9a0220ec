from django.urls import path

from interpret.tumor_board import api, views

urlpatterns = [
    path("cases/<int:case_id>/somatic/", views.somatic_view, name="somatic_case"),
    path("cases/<int:case_id>/variants/<int:variant_id>/oncogenicity/", views.oncogenicity_start,
         name="oncogenicity_start"),
    path("board/", views.board_meetings, name="board_meetings"),
    path("board/meetings/<int:meeting_id>/", views.board_meeting, name="board_meeting"),
    path("board/meetings/<int:meeting_id>/print/", views.board_meeting_print, name="board_meeting_print"),
    path("board/meetings/<int:meeting_id>/items/<int:item_id>/", views.board_item, name="board_item"),
    path("board/meetings/<int:meeting_id>/items/<int:item_id>/print/", views.board_item_print,
         name="board_item_print"),
    path("knowledge/biomarkers/", views.biomarker_knowledge, name="biomarker_knowledge"),
    path("api/cases/<int:case_id>/somatic/", api.CaseSomatic.as_view(), name="api_case_somatic"),
    path("api/board/meetings/", api.MeetingList.as_view(), name="api_board_meetings"),
    path("api/board/meetings/<int:meeting_id>/", api.MeetingDetail.as_view(), name="api_board_meeting"),
]
