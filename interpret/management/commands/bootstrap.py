from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare an installation: migrate, cache table, static files, and (with --demo) the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load the demo departments, users and cases")

    def handle(self, *args, **options):
        # One process for all steps, so the embedded database starts once.
        call_command("migrate", interactive=False, verbosity=1)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["demo"]:
            call_command("load_demo_data")
