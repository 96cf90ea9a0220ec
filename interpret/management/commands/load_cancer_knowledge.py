"""load_cancer_knowledge [--cancer-genes TSV] [--hotspots TSV] [--biomarkers TSV [--replace]] --source TEXT
                        [--user U] [--demo]

The somatic view's reference tables, from files the user provides: the cancer gene list (symbol, role:
oncogene|tsg|both, predisposition: yes|no) and the hotspot table (gene, residue, change, residue_samples,
change_samples) replace the current ones; a CIViC-style biomarker TSV fills the knowledge table's draft, which a
second curator signs off (on /knowledge/biomarkers/). ``--demo`` loads the shipped demo tables where none are
loaded. Errors name the file, the line and the field; nothing is half-loaded.
"""
import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from core.errors import InputFileError
from core.models import User
from interpret.cancer import biomarkers, knowledge
from interpret.demo.cancer_knowledge import demo_knowledge_load


class Command(BaseCommand):
    help = "Load the cancer gene list, hotspot table or biomarker knowledge (draft) from TSV files."

    def add_arguments(self, parser):
        parser.add_argument("--cancer-genes")
        parser.add_argument("--hotspots")
        parser.add_argument("--biomarkers")
        parser.add_argument("--replace", action="store_true", help="the biomarker lines replace the draft's")
        parser.add_argument("--source", default="", help="what the tables are, e.g. 'Cancer Gene Census v99'")
        parser.add_argument("--user", default="", help="the curator loading them (needed for --biomarkers)")
        parser.add_argument("--demo", action="store_true", help="the shipped demo tables, where none are loaded")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first() if options["user"] else None
        if options["user"] and user is None:
            return self._fail(f"--user: no active account {options['user']!r}")
        if (options["cancer_genes"] or options["hotspots"]) and not options["source"]:
            return self._fail("--source: say what the tables are (it is shown with every gene role and hotspot)")
        outcome = {}
        try:
            if options["demo"]:
                demo_knowledge_load()
                outcome["demo"] = True
            if options["cancer_genes"]:
                outcome["cancer_genes"] = knowledge.cancer_genes_load(options["cancer_genes"],
                                                                      source=options["source"], by=user)
            if options["hotspots"]:
                outcome["hotspots"] = knowledge.hotspots_load(options["hotspots"], source=options["source"], by=user)
            if options["biomarkers"]:
                if user is None:
                    return self._fail("--biomarkers: name the curator with --user")
                biomarkers.knowledge_draft_start(by=user)
                outcome["biomarkers"] = biomarkers.biomarkers_import_tsv(by=user, path=options["biomarkers"],
                                                                         replace=options["replace"])
        except InputFileError as error:
            return self._fail(str(error))
        except (ValidationError, PermissionDenied) as error:
            return self._fail(" ".join(getattr(error, "messages", [str(error)])))
        self.stdout.write(json.dumps(outcome))

    def _fail(self, message: str):
        self.stderr.write(f"load_cancer_knowledge: {message}")
        sys.exit(1)
