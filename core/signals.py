"""What the audit log records whatever the channel: logins, logouts, failed logins and lockouts, and every change
of a membership (a role in a department) or of an account's standing (active, staff, superuser), so that the
admin site, a shell or a command cannot change who sees patient data unseen."""
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.audit import Action, audit_record
from core.models import Membership, User
from core.web import audit_request


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
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
    audit_record(action=Action.CREATE if created else Action.CHANGE, user=None, username="",
                 object_type="membership", object_id=instance.pk, department_code=instance.department.code,
                 details={"user": instance.user.username, "role": instance.role,
                          "change": "granted" if created else "changed"})


@receiver(post_delete, sender=Membership)
def audit_membership_deleted(sender, instance, **kwargs):
    audit_record(action=Action.CHANGE, user=None, username="", object_type="membership", object_id=instance.pk,
                 department_code=instance.department.code,
                 details={"user": instance.user.username, "role": instance.role, "change": "removed"})


STANDING_FIELDS = ("is_active", "is_staff", "is_superuser", "is_service_account")


@receiver(pre_save, sender=User)
def remember_standing(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._standing_before = None
        return
    instance._standing_before = User.objects.filter(pk=instance.pk).values(*STANDING_FIELDS).first()


@receiver(post_save, sender=User)
def audit_standing(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_standing_before", None)
    after = {field: getattr(instance, field) for field in STANDING_FIELDS}
    changed = {field: after[field] for field in STANDING_FIELDS if before and before[field] != after[field]}
    if created or changed:
        audit_record(action=Action.CREATE if created else Action.CHANGE, user=None, username="",
                     object_type="account", object_id=instance.pk,
                     details={"account": instance.username, **(after if created else changed)})
