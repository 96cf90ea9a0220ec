"""python manage.py check_observations

Recounts every national observation from the stored cases and compares it with the kept counts, changing
nothing: after an upgrade, a restore or a repair, and in the demo's tests. Prints one JSON object (rows, families,
differing rows with examples); exit 1 when any row differs."""
import json
import sys

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from genomes.observations import observations_differences


class Command(BaseCommand):
    help = "Recount the national observations from the stored cases and compare them with the kept counts."

    def handle(self, *args, **options):
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if outermost:  # one snapshot of cases and counts: an import committing meanwhile is in both or neither
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            outcome = observations_differences(cursor)
        self.stdout.write(json.dumps(outcome, default=str))
        if outcome["differing_rows"]:
            self.stderr.write(f"check_observations: {outcome['differing_rows']} observation rows differ from a "
                              "recount of the stored cases")
            sys.exit(1)
