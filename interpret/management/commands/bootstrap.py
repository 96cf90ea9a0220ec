"""Prepare an installation: migrate, cache table, static files, the application role's privileges, and (with
--demo) the demo data.

Schema changes run as the database's owner role and the application role gets rows only (core.db_roles): with
the embedded database both roles are made here; with an external one, DATABASE_OWNER_URL names the owner.
Without it, one role does both (the audit log is then protected by its triggers alone; docs/security.md)."""
import os
import subprocess
import sys

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from core.db_roles import grant_app_privileges, move_ownership


class Command(BaseCommand):
    help = "Prepare an installation: migrate, cache table, static files, privileges, optionally demo data."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load the demo departments, users and cases")

    def handle(self, *args, **options):
        separate_owner = settings.EMBEDDED_DATABASE or bool(settings.DATABASE_OWNER_URL)
        if separate_owner and settings.DATABASE_ROLE == "app":
            if settings.EMBEDDED_DATABASE:
                self._move_to_owner()
            # The schema steps in a process connected as the owner (settings pick the role at start).
            env = {**os.environ, "INTERPRET_DATABASE_ROLE": "owner"}
            command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bootstrap"]
            subprocess.run(command + (["--demo"] if options["demo"] else []), env=env, check=True)
            return
        # One process for all steps, so the embedded database starts once.
        call_command("migrate", interactive=False, verbosity=1)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if separate_owner:
            app_role = dj_database_url.parse(settings.DATABASE_APP_URL)["USER"]
            with connection.cursor() as cursor:
                grant_app_privileges(cursor, app_role=app_role, owner_role=connection.settings_dict["USER"])
        if options["demo"]:
            call_command("load_demo_data")

    def _move_to_owner(self) -> None:
        """An embedded database made before the roles existed: its tables move to the owner role."""
        import psycopg

        from core.embedded_postgres import OWNER_ROLE, embedded_database_url

        with psycopg.connect(embedded_database_url(settings.DATA_DIR, role="superuser"), autocommit=True) as conn:
            with conn.cursor() as cursor:
                moved = move_ownership(cursor, owner_role=OWNER_ROLE)
        if moved:
            self.stdout.write(f"{moved} database objects now belong to {OWNER_ROLE}")
