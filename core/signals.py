"""What the audit log records whatever the channel: logins, logouts, failed logins and lockouts, and every change
of a membership (a role in a department), of an account's standing (active, staff, superuser) or of its password
by someone else, each naming its actor (core.audit.acting_user: the signed-in user of the request, else the
operating-system account of the command), so that the admin site, a shell or a command cannot change who sees
patient data unseen. Superuser standing is never given through a web request: administrators are made by role
grants that a second administrator approves (core.roles)."""
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.audit import Action, acting_user, audit_record
from core.models import Membership, PatientGroup, User
from core.web import audit_request


def _audit_as_actor(**fields):
    user, username, audit = acting_user()
    return audit_record(user=user, username=username, audit=audit, **fields)


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    from core.account_notices import account_notices_tell

    account_notices_tell(request, user)  # before this login's row: the notices since the previous one
    audit_request(request, action=Action.LOGIN, user=user, object_type="session")


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_request(request, action=Action.LOGOUT, user=user, object_type="session")


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_request(request, action=Action.LOGIN_FAILED, user=None,
                  username=str(credentials.get("username", ""))[:150], object_type="session")


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit_request(request, action=Action.LOCKED_OUT, user=None, username=(username or "")[:150],
                  object_type="session", details={"ip_address": ip_address})


@receiver(post_save, sender=Membership)
def audit_membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _audit_as_actor(action=Action.CREATE if created else Action.CHANGE,
                    object_type="membership", object_id=instance.pk, department_code=instance.department.code,
                    details={"user": instance.user.username, "role": instance.role,
                             "change": "granted" if created else "changed"})


@receiver(post_delete, sender=Membership)
def audit_membership_deleted(sender, instance, **kwargs):
    _audit_as_actor(action=Action.CHANGE, object_type="membership", object_id=instance.pk,
                    department_code=instance.department.code,
                    details={"user": instance.user.username, "role": instance.role, "change": "removed"})


STANDING_FIELDS = ("is_active", "is_staff", "is_superuser", "is_service_account")


@receiver(pre_save, sender=User)
def remember_standing(sender, instance, raw=False, **kwargs):
    if raw:
        return
    actor, _, _ = acting_user()
    before = None if instance.pk is None else User.objects.filter(pk=instance.pk).values(
        *STANDING_FIELDS, "password").first()
    instance._standing_before = before
    if actor is not None and instance.is_superuser and not (before and before["is_superuser"]):
        raise PermissionDenied("Superuser standing is not given through the web: an administrator is made by a "
                               "role grant that a second administrator approves.")
    instance._password_reset = False
    if getattr(instance, "_password", None) is None or not instance.password:
        return  # no new password was set on this object (a login's last_login, a hash upgrade)
    own = actor is not None and actor.pk == instance.pk
    if before is None:
        # A first password: one an administrator typed in is known to them, one a command set for a new
        # (demo, service) account is its owner's.
        instance.password_change_required = actor is not None and not own
    elif before["password"] != instance.password:
        had_password = bool(before["password"]) and not before["password"].startswith("!")
        instance.password_change_required = not own and had_password
        instance._password_reset = instance.password_change_required


@receiver(post_save, sender=User)
def audit_standing(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_standing_before", None)
    after = {field: getattr(instance, field) for field in STANDING_FIELDS}
    changed = {field: after[field] for field in STANDING_FIELDS if before and before[field] != after[field]}
    if created or changed:
        _audit_as_actor(
            action=Action.CREATE if created else Action.CHANGE,
            object_type="account",
            object_id=instance.pk,
            details={"account": instance.username, **(after if created else changed)},
        )
    if getattr(instance, "_password_reset", False):
        instance._password_reset = False
        _audit_as_actor(
            action=Action.CHANGE,
            object_type="password",
            object_id=instance.pk,
            details={
                "account": instance.username,
                "change": "reset by someone else",
                "notice": True,
                "must_change": True,
            },
        )


CONSENT_FIELDS = ("beacon_shared", "retention_popmax")


@receiver(pre_save, sender=PatientGroup)
def remember_consent(sender, instance, raw=False, **kwargs):
    instance._consent_before = None if raw or instance.pk is None else (
        PatientGroup.objects.filter(pk=instance.pk).values(*CONSENT_FIELDS).first())


@receiver(post_save, sender=PatientGroup)
def audit_consent(sender, instance, created, raw=False, **kwargs):
    """What a patient group's consent allows (sharing in the Beacon, what imports keep) changes only on record."""
    before = getattr(instance, "_consent_before", None)
    if raw or before is None:
        return
    changed = {field: [before[field], getattr(instance, field)] for field in CONSENT_FIELDS
               if before[field] != getattr(instance, field)}
    if changed:
        _audit_as_actor(action=Action.CHANGE, object_type="patient_group", object_id=instance.code,
                        details={"changed": changed})
