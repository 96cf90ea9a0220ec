import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.audit import AuditContext
from core.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a (service) user, scoped to departments. The token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--department", action="append", required=True, help="department code; repeatable")
        parser.add_argument("--name", default="batch job")
        parser.add_argument("--days", type=int, default=365, help="valid for this many days (0: no expiry)")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {options['user']!r}") from None
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] else None
        try:
            token, raw = api_token_create(
                user=user, name=options["name"], department_codes=options["department"], expires_at=expires,
                audit=AuditContext(method="COMMAND", path="manage.py create_api_token"),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(json.dumps({
            "token": raw, "prefix": token.prefix, "user": user.username,
            "departments": sorted(options["department"]), "expires_at": expires.isoformat() if expires else None,
        }))
