"""A case's import state and its workflow state become two fields (issue 24): ``import_state``, written by the
import and a withdrawal, and ``status``, written by the workflow only. Existing cases: the import's former states
(new, importing) become import states, with the workflow at "ready"; every other case has its data imported, or
is importing a replacement file while its workflow goes on."""
from django.db import migrations, models


def split_states(apps, schema_editor):
    Case = apps.get_model("genomes", "Case")
    CaseImport = apps.get_model("genomes", "CaseImport")
    running = set(CaseImport.objects.filter(job__state__in=("queued", "running")).values_list("case_id", flat=True))
    Case.objects.exclude(status__in=("new", "importing")).update(import_state="imported")
    Case.objects.filter(status="new").update(import_state="awaiting_data", status="ready")
    Case.objects.filter(status="importing").update(import_state="importing", status="ready")
    Case.objects.filter(pk__in=running, import_state="imported").update(import_state="importing")


def join_states(apps, schema_editor):
    Case = apps.get_model("genomes", "Case")
    Case.objects.filter(import_state="awaiting_data").update(status="new")
    Case.objects.filter(import_state="importing", status="ready").update(status="importing")


class Migration(migrations.Migration):
    dependencies = [("genomes", "0014_national_persons"), ("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="import_state",
            field=models.CharField(choices=[("awaiting_data", "Awaiting data"), ("importing", "Importing"),
                                            ("imported", "Data imported")], default="awaiting_data", max_length=14),
        ),
        migrations.AlterField(
            model_name="case",
            name="status",
            field=models.CharField(choices=[("ready", "Ready for analysis"), ("in_analysis", "In analysis"),
                                            ("in_review", "In review"), ("reported", "Report signed out"),
                                            ("closed", "Closed")], db_index=True, default="ready", max_length=20),
        ),
        migrations.RunPython(split_states, join_states),
    ]
