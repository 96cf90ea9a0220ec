"""Who is who in the national cohort: a person is counted once, however many cases include them.

A case's individual is one person of the national cohort (``genomes_person``):
- the same individual id in another case of the same department is the same person (departments keep one
  pseudonymous id per patient: a child analysed as a trio, then alone, then with a sibling);
- across departments, where ids say nothing, the same genotype fingerprint is the same person: the sample
  carries nearly all of another sample's rarest calls, and that sample nearly all of its own
  (``FINGERPRINT_MIN_SHARED``; a parent or a full sibling shares about half of them, so the bound is far from
  both). Monozygotic twins share their genome and are taken for one person, as every genotype-based
  identity check (peddy, somalier) takes them.

Persons linked by a case are one national family (``family_id``): a trio and, later, the same child's singleton
case are one family; two families that a new case joins become one, and a withdrawal that takes their only link
away splits them again. genomes.observations counts each person once (one representative sample per person and
genome build: the newest current import's) and each family once.
"""
from __future__ import annotations

from django.db import connection

from genomes.genotypes import CARRIER, codes_sql

# The SQL keys by which the national counts of other variant kinds (genomes.sv, .str, .mt national) count each
# person and each national family once, over an individual ``i`` of a case ``c`` and its person ``p`` (LEFT
# JOINed: an individual not yet linked to a person counts as itself, its case as its family).
PERSON_KEY_SQL = "coalesce('p' || p.id::text, 'i' || i.id::text)"
FAMILY_KEY_SQL = "coalesce('f' || p.family_id::text, 'c' || c.id::text)"

# How many of a sample's rarest PASS SNV calls (GQ >= 20 where given) are compared, and the share another sample
# must carry of them, both ways, to be the same person.
FINGERPRINT_PROBES = 200
FINGERPRINT_MIN_PROBES = 30
FINGERPRINT_MIN_SHARED = 0.9


def families_of_case(cursor, case_id: int) -> set[int]:
    """The national families of the case's individuals as they are now (none for a new case)."""
    cursor.execute("SELECT DISTINCT p.family_id FROM genomes_individual i JOIN genomes_person p ON p.id = i.person_id "
                   "WHERE i.case_id = %s", [case_id])
    return {row[0] for row in cursor.fetchall()}


def persons_link(cursor, case_id: int) -> None:
    """Link each individual of the case without a person to one: the same individual id in the department, else
    the same genotype fingerprint in a case with data, else a new person (a family of its own)."""
    cursor.execute("SELECT department_id FROM genomes_case WHERE id = %s", [case_id])
    department_id = cursor.fetchone()[0]
    cursor.execute("SELECT id, individual_id FROM genomes_individual WHERE case_id = %s AND person_id IS NULL "
                   "ORDER BY id", [case_id])
    for individual_pk, individual_id in cursor.fetchall():
        person_id = _person_by_id(cursor, department_id, individual_id, case_id) or \
            _person_by_fingerprint(cursor, case_id, individual_pk)
        if person_id is None:
            cursor.execute("INSERT INTO genomes_person (family_id, department_id, created_at) "
                           "VALUES (0, %s, now()) RETURNING id", [department_id])
            person_id = cursor.fetchone()[0]
            cursor.execute("UPDATE genomes_person SET family_id = id WHERE id = %s", [person_id])
        cursor.execute("UPDATE genomes_individual SET person_id = %s WHERE id = %s", [person_id, individual_pk])


def families_merge(cursor, families: set[int]) -> int:
    """The families a case links become one (the lowest id); returns it."""
    family = min(families)
    if len(families) > 1:
        cursor.execute("UPDATE genomes_person SET family_id = %s WHERE family_id = ANY(%s)", [family, list(families)])
    return family


def _person_by_id(cursor, department_id: int, individual_id: str, case_id: int) -> int | None:
    cursor.execute(
        "SELECT i.person_id FROM genomes_individual i JOIN genomes_case c ON c.id = i.case_id "
        "WHERE c.department_id = %s AND i.individual_id = %s AND i.case_id <> %s AND i.person_id IS NOT NULL "
        "ORDER BY i.id LIMIT 1", [department_id, individual_id, case_id])
    found = cursor.fetchone()
    return found[0] if found else None


def _probes(cursor, case_id: int, position: int) -> list[int]:
    """The national variants of a sample's rarest confident SNV calls (its fingerprint)."""
    index = position + 1
    cursor.execute(
        # a case's rows are its one import's (a replace deletes the old ones first), current or about to be
        f"SELECT variant_id FROM genomes_casevariant cv "
        f"WHERE cv.case_id = %s AND cv.variant_type = 'snv' AND cv.filter = 'PASS' "
        f"AND cv.genotypes[{index}] IN {codes_sql(CARRIER)} "
        f"AND (cv.genotype_quality[{index}] IS NULL OR cv.genotype_quality[{index}] >= 20) "
        f"ORDER BY coalesce(cv.gnomad_popmax, cv.gnomad_af, 0), cv.xpos LIMIT {FINGERPRINT_PROBES}", [case_id])
    return [row[0] for row in cursor.fetchall()]


def _carried_share(cursor, probes: list[int], case_id: int, position: int) -> float:
    index = position + 1
    cursor.execute(f"SELECT count(*) FROM genomes_casevariant WHERE case_id = %s AND variant_id = ANY(%s) "
                   f"AND genotypes[{index}] IN {codes_sql(CARRIER)}", [case_id, probes])
    return cursor.fetchone()[0] / len(probes)


def _person_by_fingerprint(cursor, case_id: int, individual_pk: int) -> int | None:
    """The person another case's germline sample is, when it shares this individual's fingerprint both ways."""
    cursor.execute("SELECT position FROM genomes_sample WHERE case_id = %s AND individual_id = %s AND role <> 'tumour' "
                   "ORDER BY position LIMIT 1", [case_id, individual_pk])
    found = cursor.fetchone()
    if found is None:
        return None
    probes = _probes(cursor, case_id, found[0])
    if len(probes) < FINGERPRINT_MIN_PROBES:
        return None
    # Every germline sample of another case with data and a person, and how many of the probes it carries.
    carried = f"(cv.genotypes[s.position + 1] IN {codes_sql(CARRIER)})::int"
    cursor.execute(
        f"SELECT s.case_id, s.position, i.person_id, sum({carried}) AS shared "
        "FROM genomes_casevariant cv JOIN genomes_caseimport ci ON ci.id = cv.case_import_id AND ci.is_current "
        "JOIN genomes_sample s ON s.case_id = cv.case_id AND s.role <> 'tumour' "
        "JOIN genomes_individual i ON i.id = s.individual_id AND i.person_id IS NOT NULL "
        "WHERE cv.variant_id = ANY(%s) AND cv.case_id <> %s "
        f"GROUP BY s.case_id, s.position, i.person_id HAVING sum({carried}) >= %s ORDER BY shared DESC LIMIT 5",
        [probes, case_id, FINGERPRINT_MIN_SHARED * len(probes)])
    for other_case, other_position, person_id, _shared in cursor.fetchall():
        theirs = _probes(cursor, other_case, other_position)
        if len(theirs) >= FINGERPRINT_MIN_PROBES and \
                _carried_share(cursor, theirs, case_id, found[0]) >= FINGERPRINT_MIN_SHARED:
            return person_id
    return None


def families_split(cursor, families: set[int]) -> set[int]:
    """After a case left (its variants withdrawn), the persons of ``families`` regrouped by the cases with data
    that still link them; returns the families they form now."""
    if not families:
        return set()
    cursor.execute("SELECT id FROM genomes_person WHERE family_id = ANY(%s)", [list(families)])
    persons = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT i.case_id, array_agg(DISTINCT i.person_id) FROM genomes_individual i "
        "JOIN genomes_caseimport ci ON ci.case_id = i.case_id AND ci.is_current "
        "WHERE i.person_id = ANY(%s) GROUP BY i.case_id", [persons])
    parent = {person: person for person in persons}

    def root(person):
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    for _case, members in cursor.fetchall():
        first = root(members[0])
        for other in members[1:]:
            parent[root(other)] = first
    groups: dict[int, list[int]] = {}
    for person in persons:
        groups.setdefault(root(person), []).append(person)
    for members in groups.values():
        cursor.execute("UPDATE genomes_person SET family_id = %s WHERE id = ANY(%s)", [min(members), members])
    return {min(members) for members in groups.values()}


def national_persons(build: str) -> dict[str, int]:
    """The germline persons of the national cohort of a build (a current import), by the sex their newest
    representative sample's pedigree states."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sex, count(*) FROM (SELECT DISTINCT ON (i.person_id) i.sex FROM genomes_caseimport ci "
            "JOIN genomes_sample s ON s.case_id = ci.case_id AND s.role <> 'tumour' "
            "JOIN genomes_individual i ON i.id = s.individual_id "
            "WHERE ci.is_current AND ci.genome_build = %s AND i.person_id IS NOT NULL "
            "ORDER BY i.person_id, ci.id DESC) representative GROUP BY sex", [build])
        by_sex = dict(cursor.fetchall())
    return {"male": by_sex.get("male", 0), "female": by_sex.get("female", 0), "unknown": by_sex.get("unknown", 0)}
