"""An unlogged table where parallel import workers COPY their rows before the import's final transaction.

Unlogged: no WAL for rows that live for seconds and are rebuilt from the VCF if
the server crashes. Rows of an import are deleted when it ends, either way.
"""
from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE genomes_importstaging (
    import_id bigint NOT NULL,
    key_md5 uuid, xpos bigint, chrom varchar(50), pos integer, ref text, alt text, variant_type varchar(5),
    filter varchar(200), quality double precision, rsid varchar(200), genes varchar(50)[], gene_ids varchar(30)[],
    consequences varchar(60)[], worst_consequence varchar(60), impact varchar(10), is_annotated boolean,
    gnomad_af double precision, gnomad_popmax double precision, clinvar varchar(60)[], cadd_phred double precision,
    revel double precision, spliceai double precision, transcripts jsonb, genotypes smallint[],
    genotype_quality smallint[], depth integer[], ref_reads integer[], alt_reads integer[],
    allele_fraction double precision[]
);
CREATE INDEX genomes_importstaging_import ON genomes_importstaging (import_id);
"""


class Migration(migrations.Migration):
    dependencies = [("genomes", "0003_partitioned_case_variants")]

    operations = [migrations.RunSQL(CREATE, "DROP TABLE genomes_importstaging;")]
