"""Indexes for interactive filtering of one case among 100 WGS cases (issue 5, docs/benchmarks.md).

- (case_id, impact): panel + consequence and compound-het queries read the few percent of a case's
  rows with the wanted impact instead of all of them.
- a partial index of rows with a ClinVar (likely) pathogenic assertion: together with the impact index
  it lets the planner answer "(rare AND HIGH/MODERATE) OR ClinVar P/LP" with a BitmapOr.
- a partial index of trio rows where both parents are hom-ref (genotypes[2] and [3]: the import
  orders samples proband, father, mother): the de novo query reads only those.
"""
from django.db import migrations

FORWARD = """
CREATE INDEX genomes_casevariant_case_impact ON genomes_casevariant (case_id, impact);
CREATE INDEX genomes_casevariant_clinvar_pathogenic ON genomes_casevariant (case_id)
    WHERE clinvar && ARRAY['pathogenic', 'likely_pathogenic']::text[];
CREATE INDEX genomes_casevariant_trio_de_novo ON genomes_casevariant (case_id)
    WHERE genotypes[2] = 0 AND genotypes[3] = 0;
"""
BACKWARD = """
DROP INDEX genomes_casevariant_trio_de_novo;
DROP INDEX genomes_casevariant_clinvar_pathogenic;
DROP INDEX genomes_casevariant_case_impact;
"""


class Migration(migrations.Migration):
    dependencies = [("genomes", "0005_text_arrays")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
