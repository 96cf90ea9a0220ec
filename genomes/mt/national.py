"""National mitochondrial observations: per allele (rCRS position, REF, ALT) and heteroplasmy class (homoplasmic
at >= 0.95, heteroplasmic from MT_CARRIER_MIN), per patient group; each person once (genomes.persons), each
national family once, affected carriers apart. Calls the caller filtered (possible_numt, weak_evidence) and
levels below MT_CARRIER_MIN (sequencing noise at common depths) are not counted. Recounted exactly for the
alleles a change touches: an import, a replacement, a withdrawal."""
from __future__ import annotations

from genomes.persons import FAMILY_KEY_SQL, PERSON_KEY_SQL

MT_CARRIER_MIN = 0.03
HOMOPLASMIC = 0.95

OBSERVATION_SQL = """
SELECT pos, ref, alt, level_class, patient_group_id, count(DISTINCT person_key), count(DISTINCT family_key),
       count(DISTINCT person_key) FILTER (WHERE affection = 'affected')
FROM (
    SELECT v.pos, v.ref, v.alt,
           CASE WHEN (e.call ->> 'heteroplasmy')::float >= %(homoplasmic)s THEN 'homoplasmic'
                ELSE 'heteroplasmic' END AS level_class,
           c.patient_group_id, {person} AS person_key,
           {family} AS family_key, i.affection
    FROM genomes_mtvariant v
    JOIN genomes_mtimport imp ON imp.id = v.mt_import_id AND imp.is_current
    JOIN genomes_case c ON c.id = v.case_id
    CROSS JOIN LATERAL jsonb_array_elements(v.sample_calls) WITH ORDINALITY AS e(call, n)
    JOIN genomes_sample s ON s.case_id = v.case_id AND s.position = e.n - 1
    JOIN genomes_individual i ON i.id = s.individual_id
    LEFT JOIN genomes_person p ON p.id = i.person_id
    WHERE v.filters = ARRAY['PASS']::varchar[] AND jsonb_typeof(e.call) = 'object'
      AND jsonb_typeof(e.call -> 'heteroplasmy') = 'number'
      AND (e.call ->> 'heteroplasmy')::float >= %(minimum)s AND {where}
) carried
GROUP BY pos, ref, alt, level_class, patient_group_id
"""


def _observations(where: str) -> str:
    return OBSERVATION_SQL.format(person=PERSON_KEY_SQL, family=FAMILY_KEY_SQL, where=where)
COLUMNS = "pos, ref, alt, level_class, patient_group_id, carriers, families, affected_carriers"
LEVELS = {"homoplasmic": HOMOPLASMIC, "minimum": MT_CARRIER_MIN}


def mt_alleles_of_case(cursor, case_id: int) -> set[tuple[int, str, str]]:
    cursor.execute("SELECT DISTINCT pos, ref, alt FROM genomes_mtvariant WHERE case_id = %s", [case_id])
    return {tuple(row) for row in cursor.fetchall()}


def mt_observations_recount(cursor, alleles: set[tuple[int, str, str]]) -> int:
    """Recount the observations of (pos, ref, alt) alleles from every current call; returns the rows written."""
    if not alleles:
        return 0
    ordered = sorted(alleles)
    keys = {"pos": [a[0] for a in ordered], "ref": [a[1] for a in ordered], "alt": [a[2] for a in ordered]}
    cursor.execute("DELETE FROM genomes_mtvariantobservation o "
                   "USING unnest(%(pos)s::int[], %(ref)s::text[], %(alt)s::text[]) AS k(pos, ref, alt) "
                   "WHERE o.pos = k.pos AND o.ref = k.ref AND o.alt = k.alt", keys)
    touched = "(v.pos, v.ref, v.alt) IN (SELECT * FROM unnest(%(pos)s::int[], %(ref)s::text[], %(alt)s::text[]))"
    cursor.execute(f"INSERT INTO genomes_mtvariantobservation ({COLUMNS}) " + _observations(touched),
                   {**keys, **LEVELS})
    return cursor.rowcount


def mt_observations_recomputed(cursor) -> set[tuple]:
    cursor.execute(_observations("true"), LEVELS)
    return {tuple(row) for row in cursor.fetchall()}


def mt_national_counts(alleles: list[tuple[int, str, str]]) -> dict[tuple, dict[str, dict]]:
    """(pos, ref, alt) -> level class -> {"carriers", "families"} over all patient groups."""
    from django.db import connection

    if not alleles:
        return {}
    ordered = sorted(set(alleles))
    with connection.cursor() as cursor:
        cursor.execute("SELECT o.pos, o.ref, o.alt, o.level_class, sum(o.carriers), sum(o.families) "
                       "FROM genomes_mtvariantobservation o "
                       "JOIN unnest(%s::int[], %s::text[], %s::text[]) AS k(pos, ref, alt) "
                       "ON o.pos = k.pos AND o.ref = k.ref AND o.alt = k.alt "
                       "GROUP BY o.pos, o.ref, o.alt, o.level_class",
                       [[a[0] for a in ordered], [a[1] for a in ordered], [a[2] for a in ordered]])
        counts: dict[tuple, dict[str, dict]] = {}
        for pos, ref, alt, level_class, carriers, families in cursor.fetchall():
            counts.setdefault((pos, ref, alt), {})[level_class] = {"carriers": int(carriers),
                                                                    "families": int(families)}
        return counts


def mt_national_variant(build: str, pos: int, ref: str, alt: str):
    """The national variant row of a mitochondrial allele (trimmed as every import trims), made when a curator
    first classifies an allele that only a mitochondrial file carried: classifications hang on national variants,
    and the main VCF's chrM records already have theirs."""
    from genomes.models import Variant
    from genomes.variant_identity import key_digest, trim_alleles, xpos

    pos, ref, alt = trim_alleles(pos, ref, alt)
    variant, _ = Variant.objects.get_or_create(
        key_md5=key_digest(build, "MT", pos, ref, alt),
        defaults={"build": build, "chrom": "MT", "pos": pos, "ref": ref, "alt": alt, "xpos": xpos("MT", pos)})
    return variant
