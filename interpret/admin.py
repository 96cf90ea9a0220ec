"""The admin site's view of interpretation data: departments' report templates (letterhead and fixed texts, no
patient data). Patient data (cases, classifications, reports) are not edited here: they have their own pages,
rules and audit."""
from django.contrib import admin
from django.utils import timezone

from interpret.models import ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    list_display = ("department", "updated_by", "updated_at")
    fields = ("department", "letterhead", "methods", "limitations", "footer")

    def save_model(self, request, obj, form, change):
        obj.updated_by, obj.updated_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
