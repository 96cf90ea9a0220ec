"""``manage.py restore FOLDER``: a backup made by ``manage.py backup`` into a database without tables
(core/backup.py), then bootstrap; every table's rows are checked against the backup's manifest."""
import json

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database, put its files back, run bootstrap, check row counts."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by `manage.py backup`")

    def handle(self, *args, **options):
        try:
            result = backup_restore(options["folder"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result))
