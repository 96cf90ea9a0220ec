from django.db import migrations


def forwards(apps, schema_editor):
    from interpret.analysis.presets import built_in_presets_sync

    built_in_presets_sync(apps.get_model("interpret", "FilterPreset"), apps.get_model("core", "PatientGroup"))


class Migration(migrations.Migration):
    dependencies = [("interpret", "0005_case_analysis")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
