"""The case's partition of genomes_casevariant found by its hash bound, not by a row's tableoid: on a Citus
cluster (core.citus) a row's tableoid is the oid of a shard on a worker, unknown on the coordinator, while the
partition's ANALYZE there is sent to each of its shards."""
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION genomes_analyze_case_variants(p_case_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    part regclass;
BEGIN
    SELECT c.oid::regclass INTO part FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'genomes_casevariant'::regclass
      AND satisfies_hash_partition('genomes_casevariant'::regclass,
          substring(pg_get_expr(c.relpartbound, c.oid) from 'modulus (\d+)')::int,
          substring(pg_get_expr(c.relpartbound, c.oid) from 'remainder (\d+)')::int, p_case_id);
    IF part IS NOT NULL THEN
        EXECUTE format('ANALYZE %s', part);
    END IF;
    ANALYZE genomes_variant;
END $$;
"""
BACKWARD = r"""
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


class Migration(migrations.Migration):
    dependencies = [("genomes", "0025_variant_phase")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
