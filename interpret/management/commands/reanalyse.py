"""python manage.py reanalyse [--patient-group CODE] [--department CODE] [--cases ID ...]
                              [--trigger panel|classification|frequency|dosage|all] [--wait] [--user USER]

Re-runs stored cases against current knowledge and raises alerts (interpret.reanalysis), as --user (a clinical
geneticist or variant curator; their departments' cases only). Without --wait the job is queued for a worker and
the command prints its id; with --wait it runs here and prints the JSON summary: cases_rerun, alerts_created,
alerts_updated, alerts_unchanged, seconds. A stable contract for batch jobs, like import_case. Errors exit 1 with
the message on stderr."""
import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.jobs import job_run
from core.models import User
from interpret.reanalysis.models import Reanalysis
from interpret.reanalysis.services import TRIGGER_CHECKS, reanalysis_request

COMMAND = AuditContext(method="COMMAND", path="manage.py reanalyse")


class Command(BaseCommand):
    help = "Re-run stored cases against current panels, classifications and national frequencies; raise alerts."

    def add_arguments(self, parser):
        parser.add_argument("--patient-group")
        parser.add_argument("--department")
        parser.add_argument("--cases", nargs="+", type=int, metavar="ID")
        parser.add_argument("--trigger", choices=list(TRIGGER_CHECKS), default="all")
        parser.add_argument("--wait", action="store_true", help="run here and print the summary")
        parser.add_argument("--user", default="batch", help="the account asking (default: batch)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            return self._fail(f"--user: no active account {options['user']!r}")
        try:
            reanalysis = reanalysis_request(by=user, checks=options["trigger"], patient_group=options["patient_group"],
                                            department=options["department"], cases=options["cases"],
                                            send_to_worker=not options["wait"], audit=COMMAND)
        except (PermissionDenied, ValidationError) as error:
            return self._fail(" ".join(getattr(error, "messages", [str(error)])))
        if not options["wait"]:
            self.stdout.write(json.dumps({"reanalysis": reanalysis.pk, "job_id": reanalysis.job_id,
                                          "status": "queued"}))
            return
        job = job_run(reanalysis.job_id)
        if job.state != job.State.DONE:
            return self._fail(job.error or job.state)
        summary = Reanalysis.objects.get(pk=reanalysis.pk).summary
        self.stdout.write(json.dumps({"reanalysis": reanalysis.pk, "job_id": job.pk, **summary}))

    def _fail(self, message: str):
        self.stderr.write(f"reanalyse: {message}")
        sys.exit(1)
