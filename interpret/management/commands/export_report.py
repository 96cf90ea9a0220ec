"""python manage.py export_report CASE_IDENTIFIER [--version N] --out FILE.pdf [--user USER]

Writes a signed report's PDF, for archiving into the hospital's record system: a stable contract, like
import_case. The download is audited as an export by the account it runs as (``--user``, an active account
with an export role in the case's department); a report that is not signed out is refused. Prints one JSON
object (case, version, pdf_sha256, bytes, out); errors exit 1 with the message on stderr."""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.models import User
from genomes.selectors import case_by_identifier
from interpret.reporting.models import Report
from interpret.reporting.services import report_download
from interpret.workflow.services import WorkflowError

COMMAND = AuditContext(method="COMMAND", path="manage.py export_report")


class Command(BaseCommand):
    help = "Write a signed report's PDF (audited as a download by --user)."

    def add_base_argument(self, parser, *args, **kwargs):
        # --version is this command's report version (the contract), not Django's version flag
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("case_identifier")
        parser.add_argument("--version", type=int, help="report version (default: the latest signed out)")
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--user", default="batch", help="the account the download is made as (default: batch)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            return self._fail(f"--user: no active account {options['user']!r}")
        case = case_by_identifier(options["case_identifier"], user=user)
        if case is None:
            return self._fail(f"no case {options['case_identifier']!r} among the cases {user.username} may open")
        reports = Report.objects.filter(case=case)
        if options["version"]:
            report = reports.filter(version=options["version"]).first()
            if report is None:
                return self._fail(f"case {case.identifier} has no report version {options['version']}")
        else:
            report = reports.filter(status=Report.Status.SIGNED).order_by("-version").first()
            if report is None:
                return self._fail(f"case {case.identifier} has no signed-out report")
        try:
            data = report_download(report=report, by=user, via="manage.py export_report", audit=COMMAND)
        except WorkflowError as error:
            return self._fail(str(error))
        out = Path(options["out"])
        partial = out.with_name(out.name + ".partial")
        partial.write_bytes(data)
        partial.replace(out)
        self.stdout.write(json.dumps({"case": case.identifier, "version": report.version,
                                      "pdf_sha256": report.pdf_sha256, "bytes": len(data), "out": str(out)}))

    def _fail(self, message: str):
        self.stderr.write(f"export_report: {message}")
        sys.exit(1)
