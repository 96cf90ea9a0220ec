"""Import workers commit their staging rows in batches, so the import's own transaction can store each
batch while the workers go on reading (genomes.importing._read_in_parallel): the batch column, and an
index that finds one batch of one import."""
from django.db import migrations

FORWARD = """
ALTER TABLE genomes_importstaging ADD COLUMN batch integer NOT NULL DEFAULT 0;
DROP INDEX genomes_importstaging_import;
CREATE INDEX genomes_importstaging_import_batch ON genomes_importstaging (import_id, batch);
"""
BACKWARD = """
DROP INDEX genomes_importstaging_import_batch;
CREATE INDEX genomes_importstaging_import ON genomes_importstaging (import_id);
ALTER TABLE genomes_importstaging DROP COLUMN batch;
"""


class Migration(migrations.Migration):
    dependencies = [("genomes", "0006_case_variant_analysis_layout")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
