from django.db import migrations, models


def not_shared_until_consent_is_recorded(apps, schema_editor):
    # Every group was shared by the field's old default, not by a recorded decision on its consent: none is
    # shared until an administrator records that its consent covers sharing (audited from now on).
    PatientGroup = apps.get_model("core", "PatientGroup")
    PatientGroup.objects.filter(beacon_shared=True).update(beacon_shared=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_password_change_required_and_token_guard")]

    operations = [
        migrations.AlterField(
            model_name="patientgroup", name="beacon_shared",
            field=models.BooleanField(default=False, help_text=(
                "Its cases' observations are counted in the Beacon v2 answers (aggregates only); on only where the "
                "group's consent covers sharing (every change is audited)")),
        ),
        migrations.RunPython(not_shared_until_consent_is_recorded, migrations.RunPython.noop),
    ]
