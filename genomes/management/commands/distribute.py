"""Command-line contract (stable; README "Past one machine"):

distribute [--json]

Turns a migrated database on a Citus coordinator into the layout of genomes.distribution (docs/scaling.md):
the case side's bulk rows distributed by case and co-located, the national observations by variant, the rest
reference tables or kept on the coordinator. Idempotent: run it again after migrations that add tables. Refused,
with exit code 1 and the reason on stderr, on a database without the citus extension."""
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.citus import CitusError, distribute
from genomes.distribution import PLAN


class Command(BaseCommand):
    help = "Lay the schema out on a Citus cluster (distributed and reference tables)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print what was done as JSON")

    def handle(self, *args, **options):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                done = distribute(cursor, PLAN)
        except CitusError as error:
            raise CommandError(f"distribute: {error}") from None
        if options["json"]:
            self.stdout.write(json.dumps(done, indent=2))
        else:
            self.stdout.write(f"distributed {len(done['distributed'])} tables, {len(done['reference'])} reference "
                              f"tables, {len(done['dropped_foreign_keys'])} foreign keys dropped, "
                              f"{len(done['already'])} already laid out")
