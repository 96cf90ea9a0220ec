"""Command-line contract for batch jobs (stable; see README):

analyse_case CASE_ID [--preset NAME] [--inheritance de_novo|ar_hom|comp_het|x_linked|ad ...]
             [--panel NAME[:VERSION] ...] [--genome-wide] [--set KEY=VALUE ...] --json
analyse_case CASE_ID --kind sv [--inheritance de_novo|ar_hom|x_linked|ad ...] [--set KEY=VALUE ...] --json
analyse_case CASE_ID --kind str [--set KEY=VALUE ...] --json

``--kind str``: the case's repeat loci as the repeat-expansion tab shows them (--set min_status=pre_mutation,
panel_genes=1, disagreements_only=1, segregating_only=1, reduced_penetrance=1): locus, gene, disease,
inheritance, motif, thresholds, each person's allele sizes and status, the file's status and any disagreement, an
expansion in transmission, and the relatives of known affection for and against the proband's finding.
``--kind mt``: the case's mitochondrial alleles as the tab shows them (--set min_heteroplasmy=0.05, pass_only=1,
genes=..., segregating_only=1, reduced_penetrance=1), with every person's level and the relatives' verdicts.

``--kind sv``: the case's structural and copy-number calls as the SV tab shows them (--set types=DEL,DUP,
min_length=1000, genes=..., region=..., pass_only=1, max_population_af=0.01); each call with its genes and
overlap kinds, genotypes per individual, the inheritance modes it fits and any low-confidence reasons.

Prints the candidates as a JSON list, best score first: one object per variant with chrom, pos, ref, alt (as
stored, after normalisation), gene, consequence, genotypes per individual, the inheritance modes matched (a
compound-het object names its partner variants) and the score with its parts. The run is recorded like any
filter run on the case. CASE_ID is the case identifier (or its numeric id). Errors: exit code 1, message on stderr.
"""
import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from core.access import user_may_export
from core.audit import AuditContext
from core.errors import QuotaExceeded
from core.models import User
from core.patient_reads import patient_rows_read
from genomes.selectors import case_by_identifier
from interpret.analysis.engine import run_analysis
from interpret.analysis.models import FilterRun
from interpret.analysis.output import candidates_as_dicts
from interpret.analysis.presets import preset_or_default
from interpret.rules.inheritance import MODES

COMMAND = AuditContext(method="COMMAND", path="manage.py analyse_case")


class Command(BaseCommand):
    help = "Filter and rank a case's variants with the same engine as the variant table; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("case_id")
        parser.add_argument("--kind", choices=["small", "sv", "str", "mt"], default="small",
                            help="small variants (default), structural and copy-number variants, or repeat "
                                 "expansions")
        parser.add_argument("--preset", help="preset name or id (built-in or a department's)")
        parser.add_argument("--inheritance", action="append", choices=MODES, default=[],
                            help="inheritance mode to require; repeatable (any of them matches)")
        parser.add_argument("--panel", action="append", default=[], metavar="NAME[:VERSION]",
                            help="panel code (current published version) or code:major.minor; repeatable")
        parser.add_argument("--genome-wide", action="store_true", help="no panel restriction")
        parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                            help="any other filter setting, e.g. --set max_popmax=0.001; repeatable")
        parser.add_argument("--user", default="batch",
                            help="the account the run is made as and recorded for: an active account with patient "
                                 "access to the case (default: batch)")
        parser.add_argument("--json", action="store_true", required=True, help="JSON output (the only format)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            return self._fail(f"--user: no active account {options['user']!r}")
        case = case_by_identifier(options["case_id"], user=user)
        if case is None:
            return self._fail(f"no case {options['case_id']!r} among the cases {user.username} may open")
        if not user_may_export(user, case.department):  # the whole list is an export, whatever its length
            return self._refuse(user, case)
        filters = {}
        for pair in options["set"]:
            key, sep, value = pair.partition("=")
            if not sep:
                return self._fail(f"--set: {pair!r} is not KEY=VALUE")
            filters[key.strip()] = value.strip()
        if options["kind"] == "sv":
            return self._structural(user, case, filters, options["inheritance"])
        if options["kind"] in ("str", "mt"):
            return self._repeats(user, case, filters, options["kind"])
        if options["inheritance"]:
            filters["inheritance"] = options["inheritance"]
        if options["panel"]:
            filters["panels"] = options["panel"]
        if options["genome_wide"]:
            filters["genome_wide"] = True
        try:
            preset = preset_or_default(options["preset"], user, case, filters)
            result = run_analysis(case, filters, preset=preset, user=user, via=FilterRun.Via.COMMAND)
        except ValidationError as exc:
            return self._fail("; ".join(exc.messages))
        try:
            patient_rows_read(user=user, department=case.department, rows=len(result.candidates), export=True,
                              object_type="case_variants", object_id=case.pk, audit=COMMAND,
                              details={"filter_run": result.filter_run.pk, "via": "manage.py analyse_case"})
        except (PermissionDenied, QuotaExceeded) as exc:
            return self._fail(str(exc))
        self.stdout.write(json.dumps(candidates_as_dicts(result, result.candidates)))

    def _structural(self, user, case, filters, inheritance):
        from interpret.analysis.kinds import AnalysisInputError, analyse

        values = {**filters, "inheritance": inheritance}
        try:
            rows = analyse(case, "sv", values, user=user, via=FilterRun.Via.COMMAND).rows
            patient_rows_read(user=user, department=case.department, rows=len(rows), export=True,
                              object_type="structural_variants", object_id=case.pk, audit=COMMAND,
                              details={"via": "manage.py analyse_case --kind sv"})
        except AnalysisInputError as exc:
            return self._fail(str(exc))
        except (PermissionDenied, QuotaExceeded) as exc:
            return self._fail(str(exc))
        self.stdout.write(json.dumps(rows))

    def _repeats(self, user, case, filters, kind):
        from interpret.analysis.kinds import AnalysisInputError, analyse

        try:
            rows = analyse(case, kind, filters, user=user, via=FilterRun.Via.COMMAND).rows
            patient_rows_read(user=user, department=case.department, rows=len(rows), export=True,
                              object_type="repeat_expansions" if kind == "str" else "mitochondrial_variants",
                              object_id=case.pk, audit=COMMAND,
                              details={"via": f"manage.py analyse_case --kind {kind}"})
        except AnalysisInputError as exc:
            return self._fail(str(exc))
        except (PermissionDenied, QuotaExceeded) as exc:
            return self._fail(str(exc))
        self.stdout.write(json.dumps(rows))

    def _refuse(self, user, case):
        try:
            patient_rows_read(user=user, department=case.department, rows=0, export=True,
                              object_type="case_variants", object_id=case.pk, audit=COMMAND)
        except PermissionDenied as exc:
            return self._fail(str(exc))

    def _fail(self, message: str):
        self.stderr.write(f"analyse_case: {message}")
        sys.exit(1)
