"""Emptied by issue 24: its operations were on the platform core's models, which core 0001 now creates in their
final state. Kept so that databases which recorded it keep a matching history."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interpret", "0009_classification_edited_by")]
    operations = []
