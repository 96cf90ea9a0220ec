"""The shared cache table (DatabaseCache, used when no REDIS_URL is set) as part of `migrate`, so an
installation that only migrates still has it: the variant table's result reuse and API throttling need it."""
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Creates the tables of database caches only; with Redis as cache it does nothing.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("interpret", "0007_classifications")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
