"""``manage.py backup FOLDER``: the database and the files outside it, in one new folder (core/backup.py)."""
import json

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, one snapshot), uploads and the generated secret key into FOLDER."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder; made private (0700)")

    def handle(self, *args, **options):
        try:
            result = backup_create(options["folder"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result))
