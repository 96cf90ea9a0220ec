"""grant_role --by ADMIN --user USER --department CODE --role ROLE --reason TEXT
grant_role --by ADMIN --approve GRANT_ID | --reject GRANT_ID
grant_role --pending

Roles through the command line, with the same rules as the admin site (core.roles): a privileged role waits for a
second administrator's --approve. Prints one JSON object; errors exit 1 with the message on stderr."""
import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from core.audit import AuditContext
from core.models import Department, RoleGrant, User
from core.roles import role_grant_approve, role_grant_reject, role_grant_request

COMMAND = AuditContext(method="COMMAND", path="manage.py grant_role")


class Command(BaseCommand):
    help = (
        "Give a role (a privileged one waits for a second administrator), approve or reject a grant, list waiting ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", help="the administrator acting")
        parser.add_argument("--user")
        parser.add_argument("--department")
        parser.add_argument("--role")
        parser.add_argument("--reason", default="")
        parser.add_argument("--approve", type=int, metavar="GRANT_ID")
        parser.add_argument("--reject", type=int, metavar="GRANT_ID")
        parser.add_argument("--pending", action="store_true", help="list the grants waiting for approval")

    def handle(self, *args, **options):
        if options["pending"]:
            grants = RoleGrant.objects.filter(status=RoleGrant.Status.PENDING).select_related(
                "user", "department", "requested_by")
            self.stdout.write(json.dumps([_as_dict(g) for g in grants]))
            return
        by = User.objects.filter(username=options["by"] or "", is_active=True).first()
        if by is None:
            return self._fail("--by: an active administrator account is needed")
        try:
            if options["approve"] or options["reject"]:
                decide = role_grant_approve if options["approve"] else role_grant_reject
                grant = decide(grant_id=options["approve"] or options["reject"], by=by, audit=COMMAND)
            else:
                user = User.objects.filter(username=options["user"] or "").first()
                department = Department.objects.filter(code=options["department"] or "").first()
                if user is None or department is None:
                    return self._fail("--user and --department must name an existing account and department")
                grant = role_grant_request(by=by, user=user, department=department, role=options["role"] or "",
                                           reason=options["reason"], audit=COMMAND)
        except RoleGrant.DoesNotExist:
            return self._fail("no such grant")
        except (ValidationError, PermissionDenied) as error:
            return self._fail("; ".join(getattr(error, "messages", [str(error)])))
        self.stdout.write(json.dumps(_as_dict(grant)))

    def _fail(self, message: str):
        self.stderr.write(f"grant_role: {message}")
        sys.exit(1)


def _as_dict(grant: RoleGrant) -> dict:
    return {"grant": grant.pk, "user": grant.user.username, "department": grant.department.code, "role": grant.role,
            "status": grant.status, "requested_by": grant.requested_by.username if grant.requested_by else None,
            "decided_by": grant.decided_by.username if grant.decided_by else None, "reason": grant.reason}
