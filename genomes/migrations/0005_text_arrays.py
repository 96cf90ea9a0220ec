"""Gene, gene id, consequence and ClinVar arrays as text[]: pipelines write names of any length
(SnpEff names flanking gene pairs on intergenic entries), and PostgreSQL stores text and varchar alike."""
from django.db import migrations

COLUMNS = ("genes", "gene_ids", "consequences", "clinvar")
TABLES = ("genomes_casevariant", "genomes_importstaging")

FORWARD = "".join(f"ALTER TABLE {t} ALTER COLUMN {c} TYPE text[];\n" for t in TABLES for c in COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("genomes", "0004_import_staging")]

    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
