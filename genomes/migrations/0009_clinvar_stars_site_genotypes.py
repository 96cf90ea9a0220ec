"""Case variants keep ClinVar's review status as stars (0-4) where the file carries it, and, for a row split
from a multi-allelic site, each sample's genotype at the whole site ("0/2" is not "0/0" on the first ALT's
row). The annotation field name may be any INFO key a pipeline chose (VEP --vcf_info_field)."""
from django.db import migrations, models

FORWARD = """
ALTER TABLE genomes_importstaging ADD COLUMN clinvar_stars smallint, ADD COLUMN site_genotypes text[];
ALTER TABLE genomes_casevariant ADD COLUMN clinvar_stars smallint, ADD COLUMN site_genotypes text[];
"""
BACKWARD = """
ALTER TABLE genomes_casevariant DROP COLUMN clinvar_stars, DROP COLUMN site_genotypes;
ALTER TABLE genomes_importstaging DROP COLUMN clinvar_stars, DROP COLUMN site_genotypes;
"""


class Migration(migrations.Migration):
    dependencies = [("genomes", "0008_case_identifier_per_department")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AlterField("caseimport", "annotation_source",
                              models.CharField(max_length=64, blank=True,
                                               help_text="the INFO key of the consequence annotation (CSQ, ANN, "
                                                         "or the pipeline's own name); empty: unannotated")),
    ]
