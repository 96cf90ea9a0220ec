"""Administration of users, departments, roles and tokens. Patient data is not shown here: cases, and the jobs
that name them, are opened only through the audited pages and API.

Only administrators (core.access.user_is_administrator) enter, with their second factor when the platform asks
for one. Roles are given through role grants (core.roles): a privileged role, administrator included, waits for a
second administrator. The admin site shows memberships but cannot add or change them; removing one (a
revocation) is audited. It cannot make a superuser or staff account, hand out Django permissions, show a second
factor's secret, move a token to another person or widen its departments, or bring a revoked token back; a
password an administrator sets is audited with its actor and must be changed by its owner at the next sign-in."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import user_is_administrator
from core.models import ApiToken, AuditEvent, Department, Membership, PatientGroup, RoleGrant, User
from core.roles import (
    membership_revoke,
    role_grant_approve,
    role_grant_problem,
    role_grant_reject,
    role_grant_request,
)
from core.second_factor import second_factor_reset
from core.tokens import api_token_revoke
from core.web import audit_context


def administrators_only(request) -> bool:
    """The admin site's door: an active administrator (staff standing alone is not enough)."""
    return bool(request.user.is_active and user_is_administrator(request.user))


admin.site.has_permission = administrators_only
admin.site.unregister(Group)  # Django's permission groups are not how this platform gives rights (core.roles)
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)  # django-otp's own page shows every secret key


class MembershipInline(admin.TabularInline):
    """The account's roles, read only: give one with a role grant, take one away from the membership list."""

    model = Membership
    extra = 0
    fields = readonly_fields = ["department", "role", "granted_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships may only be taken away here (at once, audited); they are given through role grants."""

    list_display = ["user", "department", "role", "granted_at"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "department__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        membership_revoke(membership_id=obj.pk, by=request.user, reason="removed in the admin site",
                          audit=audit_context(request))

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Ask for a role here; a second administrator approves or rejects it with the list's actions."""

    list_display = ["user", "department", "role", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "role"]
    fields = ["user", "department", "role", "reason"]
    actions = ["approve", "reject"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RoleGrantForm(form):
            def clean(self):
                data = super().clean()
                if all(data.get(k) for k in ("user", "department", "role")):
                    problem = role_grant_problem(user=data["user"], department=data["department"],
                                                 role=data["role"], reason=data.get("reason", ""))
                    if problem:
                        raise ValidationError(problem)
                return data

        return RoleGrantForm

    def has_change_permission(self, request, obj=None):
        return obj is None  # the add form only; decisions are the actions

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        grant = role_grant_request(by=request.user, user=obj.user, department=obj.department, role=obj.role,
                                   reason=obj.reason, audit=audit_context(request))
        obj.pk = grant.pk
        if grant.status == RoleGrant.Status.PENDING:
            messages.info(request, "The grant waits for a second administrator's approval.")

    def _decide(self, request, queryset, decide, done: str):
        for grant in queryset:
            try:
                decide(grant_id=grant.pk, by=request.user, audit=audit_context(request))
                messages.success(request, f"{grant}: {done}.")
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{grant}: {'; '.join(getattr(error, 'messages', [str(error)]))}")

    @admin.action(description="Approve (as the second administrator)")
    def approve(self, request, queryset):
        self._decide(request, queryset, role_grant_approve, "approved")

    @admin.action(description="Reject")
    def reject(self, request, queryset):
        self._decide(request, queryset, role_grant_reject, "rejected")


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    """Accounts: names, e-mail, active, service account. Rights come from role grants, never from here."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_service_account", "is_active"]
    list_filter = ["is_active", "is_service_account", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Standing", {"fields": ("is_active", "is_service_account", "is_staff", "is_superuser",
                                 "password_change_required")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["is_staff", "is_superuser", "password_change_required", "last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, so the audit log's rows keep naming a person


@admin.register(TOTPDevice)
class SecondFactorAdmin(admin.ModelAdmin):
    """Who has enrolled an authenticator app. No secret is shown; deleting a device resets that person's second
    factor (a lost phone), audited, and the person is told at their next sign-in."""

    list_display = ["user", "name", "confirmed"]
    fields = readonly_fields = ["user", "name", "confirmed"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        second_factor_reset(device=obj, by=request.user, audit=audit_context(request))

    def delete_queryset(self, request, queryset):
        for device in queryset:
            self.delete_model(request, device)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region"]
    search_fields = ["code", "name"]


@admin.register(PatientGroup)
class PatientGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "code", "name", "kind"]
    readonly_fields = ["code", "number"]

    def has_add_permission(self, request):
        return False  # the 17 groups come from the programme, by migration

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["timestamp", "username", "action", "object_type", "object_id", "department_code", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id", "path"]
    date_hierarchy = "timestamp"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `manage.py create_api_token` (the secret shown once). Here only their name changes;
    revoking is the list's action, for good: a token never changes owner or scope and is never un-revoked (a
    database trigger holds the owner and the revocation, whatever the channel)."""

    list_display = ["name", "prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    fields = ["name", "user", "prefix", "departments", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "departments", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay, so the audit log's token prefixes keep naming one

    @admin.action(description="Revoke (for good)")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            api_token_revoke(token=token, by=request.user, audit=audit_context(request))
            messages.success(request, f"{token}: revoked.")
