"""Command-line contract for batch jobs (stable; see README):

export_panel PANEL [--version V] --format tsv|json|bed [--build GRCh38|GRCh37]

Writes the version (default: the current published one) to stdout. JSON is PanelApp's panel format.
"""
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from core.errors import NotFound
from panels.export import FORMATS, panel_version_export
from panels.selectors import panel_get, panel_version_get


class Command(BaseCommand):
    help = "Write a panel version as TSV, PanelApp JSON or BED (gene regions plus padding) to stdout."

    def add_base_argument(self, parser, *args, **kwargs):
        # The contract's --version is the panel version, not Django's version.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("panel", help="panel code, e.g. panelapp-522")
        parser.add_argument("--version", dest="panel_version", help="major.minor (default: the current published)")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--build", default="GRCh38", choices=["GRCh38", "GRCh37"], help="for BED")

    def handle(self, *args, **options):
        try:
            version = panel_version_get(panel_get(options["panel"]), options["panel_version"])
            text = panel_version_export(version, fmt=options["format"], build=options["build"])
        except (NotFound, ValidationError, FileNotFoundError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.stderr.write(f"export_panel: {message}")
            sys.exit(1)
        self.stdout.write(text, ending="")
