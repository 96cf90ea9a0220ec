"""The platform core's models moved from the app label ``interpret`` to ``core`` (issue 24, core 0001). On a
database made before the move, their content types (which permissions and admin log entries point at) are renamed
in place, so nothing that refers to them changes; a new database has none yet and this does nothing."""
from django.db import migrations

MOVED = ("user", "department", "membership", "patientgroup", "auditevent", "apitoken", "job")


def rename_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="interpret", model__in=MOVED).update(app_label="core")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model__in=MOVED).update(app_label="interpret")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(rename_content_types, restore_content_types)]
