import json

from django.core.management.base import BaseCommand

from interpret.demo.loading import demo_data_load


class Command(BaseCommand):
    help = "Load the demo departments, users and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        summary = demo_data_load()
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(f"Demo data ready: {len(summary['users'])} users, {len(summary['cases'])} cases, "
                              f"{len(summary['panels'])} panels.")
