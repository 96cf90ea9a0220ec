"""Command-line contract (stable; see README):

load_str_catalog --build GRCh37|GRCh38 FILE

Loads a repeat catalog in stranger's JSON format for the build, replacing the build's previous one, all or
nothing. Prints {"build", "loci", "replaced", "with_thresholds"} as JSON; a bad entry exits 1 naming the file,
the entry and the field.
"""
import json
import sys

from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.errors import InputFileError
from genomes.str.catalog import catalog_load


class Command(BaseCommand):
    help = "Load a repeat catalog (stranger's JSON: LocusId, motif, NormalMax, PathologicMin, disease, ...)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--build", required=True, choices=["GRCh37", "GRCh38"])

    def handle(self, *args, **options):
        try:
            outcome = catalog_load(options["file"], build=options["build"],
                                   audit=AuditContext(method="COMMAND", path="manage.py load_str_catalog"))
        except (InputFileError, OSError) as error:
            self.stderr.write(f"load_str_catalog: {error}")
            sys.exit(1)
        self.stdout.write(json.dumps(outcome))
