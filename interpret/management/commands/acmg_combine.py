"""acmg_combine: the ACMG/AMP combiner on the command line (a contract batch jobs rely on).

    acmg_combine --codes "PVS1,PM2_Supporting,PP4_Moderate" [--system points|rules2015|auto] [--expert-panel NAME]
    acmg_combine --input FILE.tsv[.gz] --codes-column NAME [--expert-panel-column NAME] [--guideline-column NAME]
"""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from interpret.acmg.batch import BatchInputError, combine_rows
from interpret.acmg.combine import SYSTEMS, combine
from interpret.acmg.criteria import EvidenceCodeError, parse_codes
from interpret.acmg.specifications import SpecificationError, specification_get


class Command(BaseCommand):
    help = "Combine ACMG/AMP evidence codes into a class (points, posterior, system used); or score a TSV."

    def add_arguments(self, parser):
        parser.add_argument("--codes", help='comma-separated codes, e.g. "PVS1,PM2_Supporting,PP4_Moderate"')
        parser.add_argument("--system", choices=SYSTEMS, default="auto",
                            help="auto: the expert panel's system, else points (default)")
        parser.add_argument("--expert-panel", help="an expert-panel specification by name or alias")
        parser.add_argument("--input", help="TSV (gzip allowed) with one classification per row")
        parser.add_argument("--codes-column", help="column of --input holding the applied codes")
        parser.add_argument("--expert-panel-column", help="column naming each row's expert panel")
        parser.add_argument("--guideline-column", help="column with each row's guideline (specification URL)")

    def handle(self, *args, codes=None, system="auto", expert_panel=None, input=None, codes_column=None,
               expert_panel_column=None, guideline_column=None, **options):
        if (codes is None) == (input is None):
            raise CommandError("give either --codes or --input")
        if input is not None:
            if not codes_column:
                raise CommandError("--input needs --codes-column")
            try:
                count = combine_rows(input, sys.stdout, codes_column=codes_column, system=system,
                                     expert_panel_column=expert_panel_column, guideline_column=guideline_column)
            except BatchInputError as error:
                raise CommandError(str(error)) from None
            self.stderr.write(f"{count} rows scored")
            return
        try:
            evidence = parse_codes(codes)
            specification = specification_get(expert_panel) if expert_panel else None
        except (EvidenceCodeError, SpecificationError) as error:
            raise CommandError(str(error)) from None
        result = combine(evidence, system=system, specification=specification)
        self.stdout.write(json.dumps({"codes": [item.code for item in evidence], **result.as_dict()}))
