"""National persons: each individual linked to the person it is (genomes.persons), and the national observations
counted again, each person and each family once (before, a person in three cases counted three times)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('genomes', '0013_tumor_board'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('family_id', models.BigIntegerField(db_index=True, help_text='The national family: persons linked by cases')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('department', models.ForeignKey(help_text='Where the person was first seen', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.department')),
            ],
        ),
        migrations.AddField(
            model_name='individual',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='individuals', to='genomes.person'),
        ),
    ]


def link_and_count(apps, schema_editor):
    # The cases that exist: their individuals linked in the order the cases came (so the first case's person is
    # the one later cases find), each case's persons one family, and every observation counted again. The
    # functions are imported, not copied, so the migration and the import link and count alike.
    from genomes.observations import observations_rebuild
    from genomes.persons import families_merge, families_of_case, persons_link

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM genomes_case ORDER BY created_at, id")
        for (case_id,) in cursor.fetchall():
            persons_link(cursor, case_id)
            families = families_of_case(cursor, case_id)
            if families:
                families_merge(cursor, families)
        observations_rebuild(cursor)


Migration.operations += [migrations.RunPython(link_and_count, migrations.RunPython.noop)]
