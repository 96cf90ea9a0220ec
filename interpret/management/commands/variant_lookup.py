"""python manage.py variant_lookup QUERY [--build GRCh38] [--json] [--user USER]

Prints the national variants matching QUERY (a position, region, rsID, gene or HGVS c./n./p.) with their
observations and every department's final classifications: a stable contract for batch jobs, like import_case.
With --json, one JSON object (query, build, kind, notes, truncated, target, variants[...]); each variant has
variant, id, chrom, pos, ref, alt, rsid, match, observations {germline, somatic}, classifications, conflict and
your_cases (only cases the --user may open). The lookup is audited as made by --user. Errors exit 1 with the
message on stderr."""
import json
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.errors import QuotaExceeded
from core.models import User
from genomes.variant_search import SearchError
from interpret.national.lookup import variant_lookup

COMMAND = AuditContext(method="COMMAND", path="manage.py variant_lookup")


class Command(BaseCommand):
    help = "Look variants up in the national store (observations and final classifications)."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--build", default="GRCh38", choices=["GRCh38", "GRCh37"])
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
        parser.add_argument("--user", default="batch", help="the account the lookup is made as (default: batch)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            return self._fail(f"--user: no active account {options['user']!r}")
        try:
            answer = variant_lookup(query=options["query"], build=options["build"], user=user, audit=COMMAND)
        except (SearchError, PermissionDenied, QuotaExceeded) as error:
            return self._fail(str(error))
        if options["json"]:
            self.stdout.write(json.dumps(answer))
            return
        for note in answer["notes"]:
            self.stdout.write(note)
        for v in answer["variants"]:
            germline = v["observations"]["germline"]
            finals = ", ".join(f"{c['department']} {c['class']}" for c in v["classifications"]) or "unclassified"
            self.stdout.write(f"{v['variant']}\t{v['match']}\tfamilies {germline['families']}\t"
                              f"AC {germline['allele_count']}/{germline['allele_number']}\t"
                              f"tumours {v['observations']['somatic']['tumours']}\t{finals}")
        if not answer["variants"]:
            self.stdout.write("no national variant matches")

    def _fail(self, message: str):
        self.stderr.write(f"variant_lookup: {message}")
        sys.exit(1)
