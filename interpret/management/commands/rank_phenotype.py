"""Command-line contract for batch jobs (stable; see README):

rank_phenotype (CASE_ID | --terms HP:... [HP:...] | --phenopacket FILE [FILE ...]) [--top N]
               [--method resnik|lin|count] [--user USER] --json

Prints the annotated genes ranked by the phenotype: one JSON object per case, term list or file (a list when
several phenopackets are given), each with its terms, the method, the HPO version and the ranked genes (symbol,
HGNC id where the HGNC table knows it, score, rank with ties at mid-rank, matched term pairs). A case's terms are
its proband's observed terms, read as the account --user (default batch) may open the case, audited. Errors
(an unknown or malformed term, a file of another Phenopacket schema version): exit code 1, the term or field
named on stderr.
"""
import json
import sys

from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.models import User
from genomes.hpo import HpoTermError, ontology_version
from genomes.phenotypes import proband_terms, read_phenopacket
from genomes.selectors import case_by_identifier
from interpret.phenotype.context import terms_checked
from interpret.phenotype.ranking import METHODS, RankingError, gene_ranking

COMMAND = AuditContext(method="COMMAND", path="manage.py rank_phenotype")


class Command(BaseCommand):
    help = "Rank the ontology's annotated genes by a case's, a term list's or a phenopacket's HPO terms (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("case_id", nargs="?", help="case identifier (or numeric id)")
        parser.add_argument("--terms", nargs="+", metavar="HP:NNNNNNN")
        parser.add_argument("--phenopacket", nargs="+", metavar="FILE")
        parser.add_argument("--top", type=int, default=20, help="how many genes to print (default 20)")
        parser.add_argument("--method", choices=METHODS, default="resnik")
        parser.add_argument("--user", default="batch", help="the account a case is read as (default: batch)")
        parser.add_argument("--json", action="store_true", required=True, help="JSON output (the only format)")

    def handle(self, *args, **options):
        given = [name for name in ("case_id", "terms", "phenopacket") if options[name]]
        if len(given) != 1:
            return self._fail("give one of CASE_ID, --terms or --phenopacket")
        if options["top"] < 1:
            return self._fail("--top: at least 1")
        try:
            if options["case_id"]:
                outcome = self._ranked(self._case_terms(options), options, case=options["case_id"])
            elif options["terms"]:
                outcome = self._ranked(terms_checked(options["terms"], field="--terms"), options)
            else:
                outcome = []
                for path in options["phenopacket"]:
                    packet = read_phenopacket(path)
                    observed = [e.term.term_id for e in packet.entries if not e.excluded]
                    outcome.append(self._ranked(observed, options, phenopacket=packet.file,
                                                subject=packet.subject_id))
                if len(outcome) == 1:
                    outcome = outcome[0]
        except (HpoTermError, RankingError, OSError) as error:
            return self._fail(str(error))
        self.stdout.write(json.dumps(outcome))

    def _case_terms(self, options) -> list[str]:
        from genomes.services import case_open

        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise RankingError(f"--user: no active account {options['user']!r}")
        case = case_by_identifier(options["case_id"], user=user)
        if case is None:
            raise RankingError(f"no case {options['case_id']!r} among the cases {user.username} may open")
        case_open(user=user, case_id=case.pk, audit=COMMAND)  # the read of the patient's phenotype, audited
        return proband_terms(case)

    def _ranked(self, terms: list[str], options, **named) -> dict:
        return {**named, "terms": terms, "method": options["method"], "hpo_version": ontology_version(),
                "genes": gene_ranking(terms, method=options["method"], top=options["top"],
                                      explain=options["top"])}

    def _fail(self, message: str):
        self.stderr.write(f"rank_phenotype: {message}")
        sys.exit(1)
