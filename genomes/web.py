"""What case pages and case API views share: opening the case named in the URL for the request's user."""
from __future__ import annotations

from core.web import audit_context, request_token
from genomes.models import Case
from genomes.services import case_open


def case_for_request(request, case_id) -> Case:
    """The case, audited as viewed by the request's user (token-scoped for API calls); refusals raise
    CaseNotFound (404) or PermissionDenied (403), audited too."""
    return case_open(user=request.user, case_id=case_id, token=request_token(request), audit=audit_context(request))
