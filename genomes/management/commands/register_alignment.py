"""register_alignment CASE_ID --alignment INDIVIDUAL=PATH [...] [--department CODE]

A person's BAM or CRAM (its index beside it) for the read view, read in place; replaces an earlier one. One JSON
object on stdout; bad input exit code 1 with the file and what is wrong on stderr."""
import json
import sys

from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.errors import InputFileError
from genomes.management.commands.import_variants import case_for_command
from genomes.reads import alignment_pairs, alignment_register


class Command(BaseCommand):
    help = "Register a case's alignment files (BAM/CRAM with index) for the read view."

    def add_arguments(self, parser):
        parser.add_argument("case_id")
        parser.add_argument("--alignment", action="append", required=True, metavar="INDIVIDUAL=PATH")
        parser.add_argument("--department", help="the case's department code, when its identifier is not unique")

    def handle(self, *args, **options):
        case = case_for_command(options["case_id"], options["department"])
        if case is None:
            self.stderr.write(f"register_alignment: no case {options['case_id']!r} (or more than one: give "
                              "--department)")
            sys.exit(1)
        registered = []
        try:
            for individual, path in alignment_pairs(options["alignment"]):
                alignment = alignment_register(case=case, individual=individual, path=path,
                                               audit=AuditContext(method="COMMAND",
                                                                  path="manage.py register_alignment"))
                registered.append({"individual": individual, "file": alignment.path, "format": alignment.format,
                                   "contigs": len(alignment.contigs)})
        except InputFileError as exc:
            self.stderr.write(f"register_alignment: {exc}")
            sys.exit(1)
        self.stdout.write(json.dumps({"case": case.identifier, "alignments": registered}))
