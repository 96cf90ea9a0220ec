"""Administration of users, departments and tokens. Patient data is not shown here:
cases are opened only through the audited pages and API."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from core.models import ApiToken, AuditEvent, Department, Job, Membership, PatientGroup, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_service_account", "is_active"]
    fieldsets = UserAdmin.fieldsets + (("Service account", {"fields": ["is_service_account"]}),)


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
    list_display = ["name", "prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    exclude = []

    def has_add_permission(self, request):
        return False  # created with `manage.py create_api_token`, which shows the secret once


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "state", "created_at", "finished_at", "worker"]
    list_filter = ["kind", "state"]
