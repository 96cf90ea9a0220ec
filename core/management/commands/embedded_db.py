import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Show the embedded PostgreSQL in use (status) or print its connection URL (url)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "url"])

    def handle(self, *args, **options):
        if not settings.EMBEDDED_DATABASE:
            raise CommandError("DATABASE_URL is set: the embedded PostgreSQL is not in use")
        db = settings.DATABASES["default"]
        if options["action"] == "url":
            self.stdout.write(settings.DATABASE_URL)
            return
        pgdata = settings.DATA_DIR / "postgres"
        handles = json.loads((pgdata / ".handle_pids.json").read_text())
        self.stdout.write(json.dumps({
            "data_directory": str(pgdata), "socket_directory": db["HOST"], "database": db["NAME"],
            "processes_holding_it": handles,
        }))
