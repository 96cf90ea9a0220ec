"""A case is fast the moment its import finishes: the import ends by analysing the case's partition (and the
national variants), so the planner does not plan the first queries with an empty partition's statistics
(354 ms instead of 9 ms for a WGS trio's panel query until autovacuum came round). ANALYZE needs the table's
owner, and the application role owns nothing (core/db_roles.py): this function, owned by the owner role, does
that one thing for it."""
from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION genomes_analyze_case_variants(p_case_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    part regclass;
BEGIN
    SELECT tableoid::regclass INTO part FROM genomes_casevariant WHERE case_id = p_case_id LIMIT 1;
    IF part IS NOT NULL THEN
        EXECUTE format('ANALYZE %s', part);
    END IF;
    ANALYZE genomes_variant;
END $$;
"""
BACKWARD = "DROP FUNCTION IF EXISTS genomes_analyze_case_variants(bigint);"


class Migration(migrations.Migration):
    dependencies = [("genomes", "0009_clinvar_stars_site_genotypes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
