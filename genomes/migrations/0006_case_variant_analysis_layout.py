"""Case variants laid out for interactive filtering at 100 WGS cases (issue 5, docs/benchmarks.md).

- Transcript annotation (~740 bytes of JSON a row, half the row) moves out of line into the TOAST
  table: filters never read it, and the variant table fetches it only for the rows on screen. A row
  without it is ~620 bytes, under the 900-byte target, so nothing else is compressed or moved (STORAGE
  MAIN keeps the arrays the filters read in the row, uncompressed): a filter reads a narrow heap.
- (case_id, impact): panel + consequence and compound-het queries read a few percent of a case.
- A partial index of trio rows where both parents are hom-ref (genotypes[2] and [3]: the import
  orders samples proband, father, mother): the de novo query reads only those.
Rows written before this migration keep their layout until rewritten (VACUUM FULL or re-import).
"""
from django.db import migrations

PARTITIONS = 16
MAIN_COLUMNS = ("genes", "gene_ids", "consequences", "clinvar", "genotypes", "genotype_quality", "depth",
                "ref_reads", "alt_reads", "allele_fraction", "ref", "alt", "rsid", "filter")

FORWARD = (
    "ALTER TABLE genomes_casevariant ALTER COLUMN transcripts SET STORAGE EXTERNAL;\n"
    + "".join(f"ALTER TABLE genomes_casevariant ALTER COLUMN {c} SET STORAGE MAIN;\n" for c in MAIN_COLUMNS)
    + "".join(f"ALTER TABLE genomes_casevariant_p{i:02d} SET (toast_tuple_target = 900);\n" for i in range(PARTITIONS))
    + "CREATE INDEX genomes_casevariant_case_impact ON genomes_casevariant (case_id, impact);\n"
    "CREATE INDEX genomes_casevariant_trio_de_novo ON genomes_casevariant (case_id) "
    "WHERE genotypes[2] = 0 AND genotypes[3] = 0;\n"
)
BACKWARD = (
    "DROP INDEX genomes_casevariant_trio_de_novo; DROP INDEX genomes_casevariant_case_impact;\n"
    + "".join(f"ALTER TABLE genomes_casevariant_p{i:02d} RESET (toast_tuple_target);\n" for i in range(PARTITIONS))
    + "ALTER TABLE genomes_casevariant ALTER COLUMN transcripts SET STORAGE EXTENDED;\n"
    + "".join(f"ALTER TABLE genomes_casevariant ALTER COLUMN {c} SET STORAGE EXTENDED;\n" for c in MAIN_COLUMNS)
)


class Migration(migrations.Migration):
    dependencies = [("genomes", "0005_text_arrays")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
