"""python manage.py withdraw_case_variants CASE_IDENTIFIER --department CODE --reason TEXT [--user USER]

Takes a case's variants out of the national store (consent withdrawn, a sample found to be wrong), with their
national observations, in one transaction; the case and its imports stay as history. Runs as ``--user``, a
clinical member of the case's department, and is audited with the reason. Prints one JSON object; errors exit 1
with the message on stderr."""
import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.models import User
from genomes.models import Case
from genomes.services import CaseWithdrawError, case_variants_withdraw

COMMAND = AuditContext(method="COMMAND", path="manage.py withdraw_case_variants")


class Command(BaseCommand):
    help = "Take a case's variants (and their national observations) out of the national store."

    def add_arguments(self, parser):
        parser.add_argument("case_identifier")
        parser.add_argument("--department", required=True, help="the case's department code")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--user", required=True, help="a clinical member of the case's department")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            return self._fail(f"--user: no active account {options['user']!r}")
        case = Case.objects.filter(identifier=options["case_identifier"],
                                   department__code=options["department"]).first()
        if case is None:
            return self._fail(f"no case {options['case_identifier']!r} in department {options['department']!r}")
        try:
            outcome = case_variants_withdraw(case=case, by=user, reason=options["reason"], audit=COMMAND)
        except (PermissionDenied, ValidationError, CaseWithdrawError) as error:
            return self._fail(" ".join(getattr(error, "messages", [str(error)])))
        self.stdout.write(json.dumps(outcome))

    def _fail(self, message: str):
        self.stderr.write(f"withdraw_case_variants: {message}")
        sys.exit(1)
