"""Storing an import's staged rows: new national variants, then the case's variants, in the import's transaction.

Committed staging rows are not case variants: only these statements, in the import's own transaction, make them
so, and the staging rows are deleted either way.
"""
from __future__ import annotations

from genomes.importing.copy_text import STAGING_COLUMNS
from genomes.observations import observations_add, observations_snapshot, observations_withdraw
from genomes.persons import families_merge, families_of_case, persons_link

CASE_VARIANT_COLUMNS = STAGING_COLUMNS[2:]  # without import_id and key_md5
# A national variant's dbSNP id: the first of the record's ids ("rs1;rs2", "rs1&COSV2"), if it is one.
FIRST_RSID = ("CASE WHEN rsid ~ '^rs[0-9]+' THEN left(substring(rsid from '^rs[0-9]+'), 40) ELSE '' END")


# Imports add national variants one transaction at a time. Two imports that shared new variants and added
# them batch by batch in different orders would deadlock, and each batch would wait for the other import's
# whole transaction anyway; the lock makes the second import's workers stage their rows meanwhile.
NATIONAL_VARIANTS_LOCK = 0x6E76_6172  # "nvar"


def lock_national_variants(cursor, *, wait: bool) -> bool:
    """The transaction-scoped lock under which an import adds (and, replacing, removes) national variants."""
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NATIONAL_VARIANTS_LOCK])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [NATIONAL_VARIANTS_LOCK])
    return cursor.fetchone()[0]


def store_begin(cursor, case, case_import) -> None:
    """A replace starts by removing the case's variants (inside the import's transaction)."""
    if case_import.replace:
        # What the case's families counted nationally, taken now (before its variants go) and subtracted at the
        # end. Under the national lock, held to the end: another import joining one of these families meanwhile
        # would make the snapshot wrong (a replace is rare; other imports' workers go on staging meanwhile).
        lock_national_variants(cursor, wait=True)
        observations_snapshot(cursor, families_of_case(cursor, case.pk), "replaced_observations")
        cursor.execute("DROP TABLE IF EXISTS replaced_variants")
        cursor.execute("CREATE TEMPORARY TABLE replaced_variants ON COMMIT DROP AS "
                       "SELECT DISTINCT variant_id FROM genomes_casevariant WHERE case_id = %s", [case.pk])
        cursor.execute("DELETE FROM genomes_casevariant WHERE case_id = %s", [case.pk])


def store_batch(cursor, case, case_import, build: str, source: str, where: str, params: list) -> int:
    """New national variants, then the case's variants, from (a batch of) a staging table."""
    cursor.execute(
        "INSERT INTO genomes_variant (build, chrom, pos, ref, alt, xpos, key_md5, rsid) "
        f"SELECT DISTINCT ON (key_md5) %s, chrom, pos, ref, alt, xpos, key_md5, {FIRST_RSID} FROM {source} "
        f"WHERE {where} ON CONFLICT (key_md5) DO NOTHING", [build, *params])
    columns = ", ".join(CASE_VARIANT_COLUMNS)
    cursor.execute(
        f"INSERT INTO genomes_casevariant (case_id, case_import_id, variant_id, {columns}) "
        f"SELECT %s, %s, v.id, {', '.join('s.' + c for c in CASE_VARIANT_COLUMNS)} "
        f"FROM {source} s JOIN genomes_variant v ON v.key_md5 = s.key_md5 WHERE {where}",
        [case.pk, case_import.pk, *params])
    return cursor.rowcount


def store_end(cursor, case_import) -> None:
    """The import's data become the case's (its current import), its individuals national persons
    (genomes.persons), and the national observations follow (genomes.observations), in this transaction: the
    families the case joins are subtracted as they were and added as they are now, each person once."""
    lock_national_variants(cursor, wait=True)
    case_id = case_import.case_id
    replaced = families_of_case(cursor, case_id) if case_import.replace else set()  # snapshotted at the start
    persons_link(cursor, case_id)
    joined = families_of_case(cursor, case_id)
    # The families the case joins (a person of it found in them): what they counted before it did, taken before
    # they become one family and while the case's new import is not yet current.
    observations_snapshot(cursor, joined - replaced, "joined_observations")
    family = families_merge(cursor, joined)
    # Two statements: PostgreSQL checks a unique index row by row, so one UPDATE that sets the new import current
    # and the old one not fails whenever it reaches the new row first (it depends on where the rows lie).
    cursor.execute("UPDATE genomes_caseimport SET is_current = false WHERE case_id = %s AND is_current AND id <> %s",
                   [case_id, case_import.pk])
    cursor.execute("UPDATE genomes_caseimport SET is_current = true WHERE id = %s", [case_import.pk])
    if case_import.replace:
        observations_withdraw(cursor, "replaced_observations")
    observations_withdraw(cursor, "joined_observations")
    observations_add(cursor, {family})
    if case_import.replace:
        national_variants_forget(cursor, "replaced_variants")
    # The family's persons may have changed (linked, merged): the national SV counts of its cases follow.
    from genomes.sv.national import cluster_observations_recount

    cursor.execute("SELECT DISTINCT sv.cluster_id FROM genomes_structuralvariant sv "
                   "JOIN genomes_individual i ON i.case_id = sv.case_id JOIN genomes_person p ON p.id = i.person_id "
                   "WHERE p.family_id = %s AND sv.cluster_id IS NOT NULL", [family])
    cluster_observations_recount(cursor, {row[0] for row in cursor.fetchall()})


def national_variants_forget(cursor, candidates: str) -> None:
    """Remove the national variants among ``candidates`` (a table of variant_id) that no case carries any more
    and nothing refers to: a variant classified, tagged or commented on stays in the national database (and a
    delete would break those references and fail the whole transaction at commit)."""
    # Set differences, then a delete by id: on a Citus cluster (core.citus) a reference table's DELETE may not
    # read a distributed table, while the case variants' subquery is sent to every shard as one statement.
    still_used = "".join(f" EXCEPT SELECT x.{column} FROM {table} x WHERE x.{column} IN (SELECT variant_id FROM "
                         f"{candidates})" for table, column in [("genomes_casevariant", "variant_id"),
                                                                *_references_to_national_variants(cursor)])
    cursor.execute(f"SELECT variant_id FROM {candidates}{still_used}")
    forgotten = [row[0] for row in cursor.fetchall()]
    if forgotten:
        cursor.execute("DELETE FROM genomes_variant WHERE id = ANY(%s)", [forgotten])


def _references_to_national_variants(cursor) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to genomes_variant, read from the catalogue: the apps above genomes
    (classifications, tags, comments...) refer to national variants without genomes naming them."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
        "WHERE c.contype = 'f' AND c.confrelid = 'genomes_variant'::regclass ORDER BY 1, 2")
    return cursor.fetchall()
