"""National observations: per national variant, who in the national cohort carries it, kept as counts.

One row per (variant, origin, patient group, tumour type) in ``genomes_variantobservation``:

- germline rows (``origin = 'germline'``, ``tumour_type = ''``) count the germline persons (every sample but a
  tumour's) carrying the variant by zygosity: ``het`` (one copy, also a 1/2 call), ``hom`` (two copies),
  ``hemi`` (one copy on X or Y outside the pseudoautosomal regions in a male: a 1/1 call there is one allele);
  ``carriers`` (persons) and ``families`` (national families, each once); and by affected status
  ``affected_carriers``, ``affected_families`` (families with an affected carrier), ``unaffected_carriers``,
  ``unaffected_families`` (the rest of the carriers are of unknown status);
- somatic rows (``origin = 'somatic'``) count tumours carrying the variant whose case's germline samples do not:
  ``carriers`` and ``families`` (both: tumours, one per person), by the case's tumour type.

A person is counted once however many cases include them, and a family once (genomes.persons: who is one person,
which persons are one family): per person, kind (germline or tumour) and genome build, the sample of its newest
current import counts; a family's rows are counted in the patient group of its newest case.

Kept exact by the import, in its own transaction and under the national variants lock (genomes.importing.storage):
the families a change touches are subtracted as they counted before it (a snapshot) and added as they count after
it, when an import is stored, replaced or withdrawn. Nothing is recomputed from all cases, except by
``observations_rebuild`` (the migration's backfill, and the tests' yardstick of exactness). A family's
contribution is one pass over each of its cases' stored variants with the representative samples' genotype
columns written into the SQL (no join per genotype).

Allele number and cohort frequency are computed when read, from the cohort's germline persons by sex
(``cohort_size``): VCFs list variant sites only, so a person of the cohort without a call at a site is counted as
homozygous reference there; imports keep only variants below their patient group's retention frequency, so a
common variant is observed only where it was kept.
"""
from __future__ import annotations

from django.db import connection

from genomes.genotypes import CARRIER, HET, HET_OTHER_ALT, HOM_ALT, codes_sql
from genomes.variant_identity import PSEUDOAUTOSOMAL_REGIONS, GenomeBuild

COUNT_COLUMNS = ("het", "hom", "hemi", "carriers", "families", "affected_carriers", "affected_families",
                 "unaffected_carriers", "unaffected_families")
KEY_COLUMNS = ("variant_id", "origin", "patient_group_id", "tumour_type")
GERMLINE, SOMATIC = "germline", "somatic"


def _haploid_in_males_sql(build: str) -> str:
    """SQL true where a male has one copy: X and Y outside the pseudoautosomal regions of the build."""
    parts = []
    for contig, regions in PSEUDOAUTOSOMAL_REGIONS[GenomeBuild(build)].items():
        outside = " AND ".join(f"NOT (cv.pos BETWEEN {start} AND {end})" for start, end in regions)
        parts.append(f"(cv.chrom = '{contig}' AND {outside})")
    return "(" + " OR ".join(parts) + ")"


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(terms) + ")" if terms else "0"


def _representatives(cursor, families: set[int]) -> dict[int, dict]:
    """The samples that count for the persons of ``families``: per person, kind (germline or tumour) and genome
    build, the sample of the newest current import; grouped by case, with each case's own germline samples (a
    tumour's call is somatic only where its case's germline samples do not carry it), its group and tumour type,
    and the patient group its family is counted in (that of the family's newest current import)."""
    if not families:
        return {}
    cursor.execute(
        "SELECT DISTINCT ON (i.person_id, s.role = 'tumour', ci.genome_build) "
        "s.case_id, s.position + 1, s.role = 'tumour', i.sex, i.affection, p.family_id, ci.genome_build, "
        "c.tumour_type FROM genomes_person p JOIN genomes_individual i ON i.person_id = p.id "
        "JOIN genomes_sample s ON s.individual_id = i.id "
        "JOIN genomes_caseimport ci ON ci.case_id = s.case_id AND ci.is_current "
        "JOIN genomes_case c ON c.id = s.case_id "
        "WHERE p.family_id = ANY(%s) ORDER BY i.person_id, s.role = 'tumour', ci.genome_build, ci.id DESC",
        [list(families)])
    chosen = cursor.fetchall()
    cursor.execute(
        "SELECT DISTINCT ON (p.family_id) p.family_id, c.patient_group_id FROM genomes_person p "
        "JOIN genomes_individual i ON i.person_id = p.id JOIN genomes_case c ON c.id = i.case_id "
        "JOIN genomes_caseimport ci ON ci.case_id = c.id AND ci.is_current "
        "WHERE p.family_id = ANY(%s) ORDER BY p.family_id, ci.id DESC", [list(families)])
    family_group = dict(cursor.fetchall())
    cases: dict[int, dict] = {}
    for case_id, index, is_tumour, sex, affection, family, build, tumour_type in chosen:
        part = cases.setdefault(case_id, {"family": family, "group": family_group[family], "build": build,
                                          "tumour_type": tumour_type, "germline": [], "tumours": []})
        part["tumours" if is_tumour else "germline"].append((index, sex, affection))
    if cases:
        cursor.execute("SELECT case_id, position + 1 FROM genomes_sample WHERE case_id = ANY(%s) AND role <> 'tumour'",
                       [list(cases)])
        for case_id, index in cursor.fetchall():
            cases[case_id].setdefault("own_germline", []).append(index)
    return cases


def _case_part(case_id: int, part: dict) -> tuple[str, list]:
    """One case's share of its family's observation rows: per variant, the counts of its representative samples
    (KEY_COLUMNS, family, COUNT_COLUMNS), its members' genotype columns written into the SQL."""
    carrier = codes_sql(CARRIER)

    def carries(index: int) -> str:
        return f"(g[{index}] IN {carrier})::int"

    def carriers_of(selected) -> str:
        return _sum([carries(m[0]) for m in selected])

    germline = part["germline"]
    haploid = _haploid_in_males_sql(part["build"]) if part["build"] else "FALSE"
    het = _sum([f"(g[{i}] IN ({HET}, {HET_OTHER_ALT}))::int" for i, *_ in germline])
    hom = _sum([f"(g[{i}] = {HOM_ALT} AND NOT ({sex == 'male'} AND hap))::int" for i, sex, _ in germline])
    hemi = _sum([f"(g[{i}] = {HOM_ALT} AND {sex == 'male'} AND hap)::int" for i, sex, _ in germline])
    affected = [m for m in germline if m[2] == "affected"]
    unaffected = [m for m in germline if m[2] == "unaffected"]
    rows, params = [], [case_id]
    if germline:
        rows.append(f"('{GERMLINE}', '', {het}, {hom}, {hemi}, {carriers_of(germline)}, "
                    f"{carriers_of(affected)}, {carriers_of(unaffected)})")
    if part["tumours"]:
        own_germline = _sum([carries(i) for i in part.get("own_germline", [])])
        somatic = f"CASE WHEN {own_germline} = 0 THEN {carriers_of(part['tumours'])} ELSE 0 END"
        rows.append(f"('{SOMATIC}', %s, 0, 0, 0, {somatic}, 0, 0)")
        params.append(part["tumour_type"])
    if not rows:
        return "", []
    sql = (f"SELECT c.variant_id, x.origin, {int(part['group'])} AS patient_group_id, x.tumour_type, "
           f"{int(part['family'])} AS family, x.het, x.hom, x.hemi, x.carriers, x.affected, x.unaffected FROM ("
           f"SELECT cv.variant_id, cv.genotypes AS g, {haploid} AS hap FROM genomes_casevariant cv "
           f"WHERE cv.case_id = %s) c CROSS JOIN LATERAL (VALUES {', '.join(rows)}) "
           "AS x(origin, tumour_type, het, hom, hemi, carriers, affected, unaffected) WHERE x.carriers > 0")
    return sql, params


def contribution_sql(cursor, families: set[int]) -> tuple[str, list]:
    """The SELECT of the observation rows (KEY_COLUMNS + COUNT_COLUMNS) of the persons of ``families``, each
    person once (its representative sample) and each family once; an empty one for none."""
    parts, params = [], []
    for case_id, part in sorted(_representatives(cursor, families).items()):
        sql, part_params = _case_part(case_id, part)
        if sql:
            parts.append(sql)
            params += part_params
    if not parts:
        return (f"SELECT {', '.join(KEY_COLUMNS)}, {', '.join(COUNT_COLUMNS)} FROM genomes_variantobservation "
                "WHERE false"), []
    # Per family first (a family carries a variant when any of its persons does; a somatic row counts tumours,
    # each person's once), then summed over the families.
    per_family = (
        "SELECT variant_id, origin, patient_group_id, tumour_type, sum(het) AS het, sum(hom) AS hom, "
        "sum(hemi) AS hemi, sum(carriers) AS carriers, "
        f"CASE WHEN origin = '{SOMATIC}' THEN sum(carriers) ELSE (sum(carriers) > 0)::int END AS families, "
        "sum(affected) AS affected_carriers, (sum(affected) > 0)::int AS affected_families, "
        "sum(unaffected) AS unaffected_carriers, (sum(unaffected) > 0)::int AS unaffected_families "
        f"FROM ({' UNION ALL '.join(parts)}) p GROUP BY variant_id, origin, patient_group_id, tumour_type, family")
    sums = ", ".join(f"sum({c})::int AS {c}" for c in COUNT_COLUMNS)
    return (f"SELECT {', '.join(KEY_COLUMNS)}, {sums} FROM ({per_family}) f GROUP BY {', '.join(KEY_COLUMNS)}",
            params)


class ObservationsOutOfStep(Exception):
    """A contribution to subtract has no observation row to subtract it from: the counts and the stored cases
    disagree, and the transaction must not go on."""


def _apply(cursor, source: str, params: list, sign: int) -> int:
    """Add (sign 1) or subtract (-1) the observation rows selected by ``source``; rows left at zero are removed.
    Returns the number of observation rows changed."""
    keys, counts = ", ".join(KEY_COLUMNS), ", ".join(COUNT_COLUMNS)
    if sign > 0:
        updates = ", ".join(f"{column} = o.{column} + EXCLUDED.{column}" for column in COUNT_COLUMNS)
        # In variant order, so that writers meet the rows in one order (the national lock serialises them too).
        cursor.execute(
            f"INSERT INTO genomes_variantobservation AS o ({keys}, {counts}) "
            f"SELECT {', '.join('d.' + k for k in KEY_COLUMNS)}, {', '.join('d.' + c for c in COUNT_COLUMNS)} "
            f"FROM ({source}) d ORDER BY d.variant_id ON CONFLICT ({keys}) DO UPDATE SET {updates}", params)
        return cursor.rowcount
    # Subtracting updates rows that must exist (an upsert would check the negative row it proposes first).
    matches = " AND ".join(f"o.{k} = d.{k}" for k in KEY_COLUMNS)
    cursor.execute(f"SELECT count(*) FROM ({source}) d", params)
    expected = cursor.fetchone()[0]
    cursor.execute(
        f"UPDATE genomes_variantobservation o SET {', '.join(f'{c} = o.{c} - d.{c}' for c in COUNT_COLUMNS)} "
        f"FROM ({source}) d WHERE {matches}", params)
    changed = cursor.rowcount
    if changed != expected:
        raise ObservationsOutOfStep(f"{expected - changed} of {expected} observation rows to subtract are missing")
    cursor.execute(f"DELETE FROM genomes_variantobservation o USING ({source}) d WHERE {matches} AND o.carriers = 0",
                   params)
    return changed


def observations_snapshot(cursor, families: set[int], table: str = "withdrawn_observations") -> None:
    """Keep what ``families`` count now in a temporary table (dropped at commit), before their cases change;
    ``observations_withdraw`` subtracts it. Taken under the national lock, so no other import changes these
    families in between."""
    sql, params = contribution_sql(cursor, families)
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS {sql}", params)
    # Without statistics the planner takes the snapshot for a few rows and subtracts 300,000 of them by a nested
    # loop: 46 s at 30M case-variant rows instead of seconds.
    cursor.execute(f"ANALYZE {table}")


def observations_withdraw(cursor, table: str = "withdrawn_observations") -> int:
    """Subtract a snapshot taken by ``observations_snapshot``."""
    return _apply(cursor, f"SELECT * FROM {table}", [], -1)


def observations_add(cursor, families: set[int]) -> int:
    """Add what ``families`` count (in the transaction that stored their cases' variants)."""
    sql, params = contribution_sql(cursor, families)
    return _apply(cursor, sql, params, 1)


def observations_rebuild(cursor) -> None:
    """Recompute every observation from the stored cases: the backfill of a new store, and the yardstick the
    tests hold the incremental counts to. Minutes at 30M case-variant rows: not for the import's path."""
    cursor.execute("TRUNCATE genomes_variantobservation")
    cursor.execute("SELECT DISTINCT p.family_id FROM genomes_person p JOIN genomes_individual i ON i.person_id = p.id "
                   "JOIN genomes_caseimport ci ON ci.case_id = i.case_id AND ci.is_current ORDER BY 1")
    for (family,) in cursor.fetchall():
        observations_add(cursor, {family})
    # A new table's first reads are planned without statistics (50 ms a lookup instead of 2 at 1.2M rows).
    cursor.execute("ANALYZE genomes_variantobservation")


def observations_differences(cursor, *, examples: int = 10) -> dict:
    """Recount every observation from the stored cases beside the kept counts, without changing them: the rows
    that differ (kept but not recounted, recounted but not kept, or counted differently) and a few of them. The
    operator's check after an upgrade or a repair (`manage.py check_observations`), and the demo's."""
    cursor.execute("SELECT DISTINCT p.family_id FROM genomes_person p JOIN genomes_individual i ON i.person_id = p.id "
                   "JOIN genomes_caseimport ci ON ci.case_id = i.case_id AND ci.is_current ORDER BY 1")
    families = {family for (family,) in cursor.fetchall()}
    sql, params = contribution_sql(cursor, families)
    columns = ", ".join((*KEY_COLUMNS, *COUNT_COLUMNS))
    cursor.execute("DROP TABLE IF EXISTS recounted_observations")
    cursor.execute(f"CREATE TEMPORARY TABLE recounted_observations AS {sql}", params)
    # EXCEPT compares NULL keys (a germline row's tumour type) as equal, as the counts' unique key does.
    cursor.execute(f"SELECT 'kept' AS side, {columns} FROM (SELECT {columns} FROM genomes_variantobservation "
                   f"EXCEPT SELECT {columns} FROM recounted_observations) k UNION ALL "
                   f"SELECT 'recounted', {columns} FROM (SELECT {columns} FROM recounted_observations "
                   f"EXCEPT SELECT {columns} FROM genomes_variantobservation) r ORDER BY 2, 1")
    names = [c.name for c in cursor.description]
    differing = [dict(zip(names, row)) for row in cursor.fetchall()]
    cursor.execute("SELECT count(*) FROM genomes_variantobservation")
    kept = cursor.fetchone()[0]
    cursor.execute("DROP TABLE recounted_observations")
    return {"observation_rows": kept, "families": len(families), "differing_rows": len(differing),
            "examples": differing[:examples]}


def cohort_size(build: str) -> dict[str, int]:
    """The germline persons of the national cohort of a build (cases with a current import), each once, by sex."""
    from genomes.persons import national_persons

    return national_persons(build)


def allele_number(size: dict[str, int], *, build: str, chrom: str, pos: int) -> int:
    """Alleles of the cohort at a position: two per individual, one per male on X or Y outside the
    pseudoautosomal regions (none per female on Y; an individual of unknown sex counts as two on X, one on Y)."""
    from genomes.variant_identity import in_pseudoautosomal_region

    everyone = size["male"] + size["female"] + size["unknown"]
    if chrom not in ("X", "Y") or in_pseudoautosomal_region(build, chrom, pos):
        return 2 * everyone
    if chrom == "X":
        return size["male"] + 2 * (size["female"] + size["unknown"])
    return size["male"] + size["unknown"]


def observation_rows(variant_ids: list[int]) -> dict[int, list[dict]]:
    """The observation rows of national variants, with the patient group's code and name."""
    if not variant_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.variant_id, o.origin, pg.code, pg.name, pg.number, o.tumour_type, "
            f"{', '.join('o.' + c for c in COUNT_COLUMNS)} FROM genomes_variantobservation o "
            "JOIN interpret_patientgroup pg ON pg.id = o.patient_group_id WHERE o.variant_id = ANY(%s) "
            "ORDER BY o.variant_id, o.origin, pg.number, o.tumour_type", [list(variant_ids)])
        names = [d[0] for d in cursor.description]
        rows: dict[int, list[dict]] = {}
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            rows.setdefault(row["variant_id"], []).append(row)
    return rows


def _germline_summary(rows: list[dict]) -> dict:
    summed = {column: sum(r[column] for r in rows) for column in COUNT_COLUMNS}
    unknown = summed["carriers"] - summed["affected_carriers"] - summed["unaffected_carriers"]
    return {"families": summed["families"], "individuals": summed["carriers"], "het": summed["het"],
            "hom": summed["hom"], "hemi": summed["hemi"],
            "allele_count": summed["het"] + 2 * summed["hom"] + summed["hemi"],
            "by_affection": {"affected": {"individuals": summed["affected_carriers"],
                                          "families": summed["affected_families"]},
                             "unaffected": {"individuals": summed["unaffected_carriers"],
                                            "families": summed["unaffected_families"]},
                             "unknown": {"individuals": unknown}}}


def variant_observations(variant, *, rows: list[dict] | None = None, size: dict | None = None) -> dict:
    """A national variant's observations as one summary: germline totals by zygosity, individuals and families
    (a family once), allele count and number and cohort frequency, by patient group and by affected status;
    somatic observations apart, by patient group and tumour type. Counts only: no case or individual."""
    if rows is None:
        rows = observation_rows([variant.pk]).get(variant.pk, [])
    size = size if size is not None else cohort_size(variant.build)
    germline = [r for r in rows if r["origin"] == GERMLINE]
    somatic = [r for r in rows if r["origin"] == SOMATIC]
    overall = _germline_summary(germline)
    number = allele_number(size, build=variant.build, chrom=variant.chrom, pos=variant.pos)
    overall["allele_number"] = number
    overall["allele_frequency"] = round(overall["allele_count"] / number, 6) if number else None
    overall["cohort_individuals"] = sum(size.values())
    overall["by_patient_group"] = [{"patient_group": r["code"], "name": r["name"], **_germline_summary([r])}
                                   for r in germline]
    return {
        "germline": overall,
        "somatic": {"tumours": sum(r["families"] for r in somatic),
                    "by_group_and_tumour_type": [{"patient_group": r["code"], "name": r["name"],
                                                  "tumour_type": r["tumour_type"] or "not stated",
                                                  "tumours": r["families"]} for r in somatic]},
    }


def germline_family_counts(variant_ids: list[int]) -> dict[int, int]:
    """Families of the national cohort carrying each variant in a germline sample (each family once)."""
    if not variant_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT variant_id, sum(families)::int FROM genomes_variantobservation "
                       "WHERE variant_id = ANY(%s) AND origin = %s GROUP BY variant_id", [list(variant_ids), GERMLINE])
        return dict(cursor.fetchall())


def national_observations(variant_id: int) -> dict:
    """Families carrying the variant in a germline sample, by patient group, and tumours carrying it somatically
    (a tumour carries it and the same case's germline samples do not), by patient group: counts only."""
    rows = observation_rows([variant_id]).get(variant_id, [])
    somatic: dict[str, dict] = {}
    for row in rows:
        if row["origin"] == SOMATIC:
            somatic.setdefault(row["code"], {"code": row["code"], "tumours": 0})["tumours"] += row["families"]
    germline = [{"code": r["code"], "families": r["families"]} for r in rows if r["origin"] == GERMLINE]
    return {"total": sum(g["families"] for g in germline), "by_group": germline,
            "somatic_total": sum(g["tumours"] for g in somatic.values()), "somatic_by_group": list(somatic.values())}
