"""python manage.py load_dosage_sensitivity FILE [--build GRCh37|GRCh38]

Loads ClinGen's gene dosage curation TSV (haploinsufficiency and triplosensitivity scores per gene, with its
location on the build the file states), replacing the build's table in one transaction; audited. Prints one JSON
object (build, source, genes, scores); bad input exits 1 naming the file, line and field."""
import json
import sys

from django.core.management.base import BaseCommand

from core.errors import InputFileError
from genomes.sv.dosage import dosage_load


class Command(BaseCommand):
    help = "Load ClinGen's gene dosage sensitivity curation (the CNV dosage evidence)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--build", choices=["GRCh37", "GRCh38"], help="when the file does not state it")

    def handle(self, *args, **options):
        try:
            outcome = dosage_load(options["file"], build=options["build"])
        except (InputFileError, OSError) as error:
            self.stderr.write(f"load_dosage_sensitivity: {error}")
            sys.exit(1)
        self.stdout.write(json.dumps(outcome))
