"""National repeat-expansion observations: per build, locus and size class (each person's status there), per
patient group; each person once (the same person in several cases is one carrier, genomes.persons), each
national family once, affected carriers apart. Recounted exactly for the loci a change touches: an import, a
replacement, a catalog change that moves a person's status, a withdrawal."""
from __future__ import annotations

from genomes.persons import FAMILY_KEY_SQL, PERSON_KEY_SQL

OBSERVATION_SQL = """
SELECT build, locus_id, size_class, patient_group_id, count(DISTINCT person_key), count(DISTINCT family_key),
       count(DISTINCT person_key) FILTER (WHERE affection = 'affected')
FROM (
    SELECT imp.genome_build AS build, sc.locus_id, e.call ->> 'status' AS size_class, c.patient_group_id,
           {person} AS person_key,
           {family} AS family_key, i.affection
    FROM genomes_strcall sc
    JOIN genomes_strimport imp ON imp.id = sc.str_import_id AND imp.is_current
    JOIN genomes_case c ON c.id = sc.case_id
    CROSS JOIN LATERAL jsonb_array_elements(sc.sample_calls) WITH ORDINALITY AS e(call, n)
    JOIN genomes_sample s ON s.case_id = sc.case_id AND s.position = e.n - 1
    JOIN genomes_individual i ON i.id = s.individual_id
    LEFT JOIN genomes_person p ON p.id = i.person_id
    WHERE jsonb_typeof(e.call) = 'object' AND e.call ->> 'status' IS NOT NULL AND {where}
) carried
GROUP BY build, locus_id, size_class, patient_group_id
"""


def _observations(where: str) -> str:
    return OBSERVATION_SQL.format(person=PERSON_KEY_SQL, family=FAMILY_KEY_SQL, where=where)
COLUMNS = "build, locus_id, size_class, patient_group_id, carriers, families, affected_carriers"


def str_loci_of_case(cursor, case_id: int) -> set[tuple[str, str]]:
    cursor.execute("SELECT DISTINCT imp.genome_build, sc.locus_id FROM genomes_strcall sc "
                   "JOIN genomes_strimport imp ON imp.id = sc.str_import_id WHERE sc.case_id = %s", [case_id])
    return {tuple(row) for row in cursor.fetchall()}


def str_observations_recount(cursor, loci: set[tuple[str, str]]) -> int:
    """Recount the observations of (build, locus id) pairs from every current call; returns the rows written."""
    if not loci:
        return 0
    builds, ids = [b for b, _ in sorted(loci)], [i for _, i in sorted(loci)]
    cursor.execute("DELETE FROM genomes_strlocusobservation o USING unnest(%s::text[], %s::text[]) AS k(b, l) "
                   "WHERE o.build = k.b AND o.locus_id = k.l", [builds, ids])
    touched = "(imp.genome_build, sc.locus_id) IN (SELECT * FROM unnest(%s::text[], %s::text[]))"
    cursor.execute(f"INSERT INTO genomes_strlocusobservation ({COLUMNS}) " + _observations(touched), [builds, ids])
    return cursor.rowcount


def str_observations_recomputed(cursor) -> set[tuple]:
    """All loci counted again from the current calls, without writing: the tests' yardstick."""
    cursor.execute(_observations("true"))
    return {tuple(row) for row in cursor.fetchall()}


def str_national_counts(build: str, locus_ids: list[str]) -> dict[str, dict[str, dict]]:
    """locus id -> size class -> {"carriers", "families"} over all patient groups, for the tab and the API."""
    from django.db import connection

    if not locus_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT locus_id, size_class, sum(carriers), sum(families) FROM genomes_strlocusobservation "
                       "WHERE build = %s AND locus_id = ANY(%s) GROUP BY locus_id, size_class",
                       [build, sorted(set(locus_ids))])
        counts: dict[str, dict[str, dict]] = {}
        for locus, size_class, carriers, families in cursor.fetchall():
            counts.setdefault(locus, {})[size_class] = {"carriers": int(carriers), "families": int(families)}
        return counts
