"""National observations: per national variant, who in the national cohort carries it, kept as counts.

One row per (variant, origin, patient group, tumour type) in ``genomes_variantobservation``:

- germline rows (``origin = 'germline'``, ``tumour_type = ''``) count the germline samples (every sample but a
  tumour's) carrying the variant by zygosity: ``het`` (one copy, also a 1/2 call), ``hom`` (two copies),
  ``hemi`` (one copy on X or Y outside the pseudoautosomal regions in a male: a 1/1 call there is one allele);
  ``carriers`` (individuals) and ``families`` (cases, each once); and by affected status ``affected_carriers``,
  ``affected_families`` (families with an affected carrier), ``unaffected_carriers``, ``unaffected_families``
  (the rest of the carriers are of unknown status);
- somatic rows (``origin = 'somatic'``) count tumours carrying the variant whose case's germline samples do not:
  ``carriers`` (tumour samples) and ``families`` (cases), by the case's tumour type.

Kept exact by the import, in its own transaction and under the national variants lock (genomes.importing.storage):
a case's contribution is added when its import is stored, and subtracted (as it was before) when a replace or a
withdrawal takes its variants away. Nothing is recomputed from all cases, except by ``observations_rebuild``
(the migration's backfill, and the tests' yardstick of exactness). A case's contribution is one pass over its
stored variants with its members' genotype columns written into the SQL (no join per genotype).

Allele number and cohort frequency are computed when read, from the cohort's germline individuals by sex
(``cohort_size``): VCFs list variant sites only, so an individual of the cohort without a call at a site is
counted as homozygous reference there; imports keep only variants below their patient group's retention
frequency, so a common variant is observed only where it was kept.
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


def _members(cursor, case_id: int) -> tuple[list[tuple], int | None, str, str]:
    """The case's samples as (1-based array index, is tumour, sex, affection), its patient group, build and
    tumour type."""
    cursor.execute("SELECT patient_group_id, genome_build, tumour_type FROM genomes_case WHERE id = %s", [case_id])
    found = cursor.fetchone()
    if found is None:
        return [], None, "", ""
    cursor.execute("SELECT s.position + 1, s.role = 'tumour', ind.sex, ind.affection FROM genomes_sample s "
                   "JOIN genomes_individual ind ON ind.id = s.individual_id WHERE s.case_id = %s ORDER BY s.position",
                   [case_id])
    return cursor.fetchall(), *found


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(terms) + ")" if terms else "0"


def _contribution(cursor, case_id: int) -> tuple[str, list] | None:
    """A SELECT of one case's observation rows (KEY_COLUMNS + COUNT_COLUMNS) and its parameters; None for a
    case without samples."""
    members, group_id, build, tumour_type = _members(cursor, case_id)
    if not members or group_id is None:
        return None
    carrier = codes_sql(CARRIER)
    germline = [m for m in members if not m[1]]
    tumours = [m for m in members if m[1]]

    def carries(index: int) -> str:
        return f"(g[{index}] IN {carrier})::int"

    def carriers_of(selected) -> str:
        return _sum([carries(m[0]) for m in selected])

    haploid = _haploid_in_males_sql(build) if build else "FALSE"
    het = _sum([f"(g[{i}] IN ({HET}, {HET_OTHER_ALT}))::int" for i, *_ in germline])
    hom = _sum([f"(g[{i}] = {HOM_ALT} AND NOT ({sex == 'male'} AND hap))::int" for i, _, sex, _ in germline])
    hemi = _sum([f"(g[{i}] = {HOM_ALT} AND {sex == 'male'} AND hap)::int" for i, _, sex, _ in germline])
    affected = [m for m in germline if m[3] == "affected"]
    unaffected = [m for m in germline if m[3] == "unaffected"]
    rows = []
    if germline:
        rows.append(f"('{GERMLINE}', '', {het}, {hom}, {hemi}, {carriers_of(germline)}, "
                    f"({carriers_of(germline)} > 0)::int, {carriers_of(affected)}, ({carriers_of(affected)} > 0)::int, "
                    f"{carriers_of(unaffected)}, ({carriers_of(unaffected)} > 0)::int)")
    if tumours:
        somatic = f"CASE WHEN {carriers_of(germline)} = 0 THEN {carriers_of(tumours)} ELSE 0 END"
        rows.append(f"('{SOMATIC}', %s, 0, 0, 0, {somatic}, ({somatic} > 0)::int, 0, 0, 0, 0)")
    columns = ", ".join(COUNT_COLUMNS)
    sql = (f"SELECT c.variant_id, x.origin, {int(group_id)} AS patient_group_id, x.tumour_type, "
           f"{', '.join('x.' + c for c in COUNT_COLUMNS)} FROM ("
           f"SELECT cv.variant_id, cv.genotypes AS g, {haploid} AS hap FROM genomes_casevariant cv "
           f"WHERE cv.case_id = %s) c CROSS JOIN LATERAL (VALUES {', '.join(rows)}) "
           f"AS x(origin, tumour_type, {columns}) WHERE x.carriers > 0")
    params = [case_id] + ([tumour_type] if tumours else [])
    return sql, params


def contribution_sql(cursor, case_id: int) -> tuple[str, list]:
    """The SELECT of one case's observation rows, for the tests and the benchmark; an empty one for a case
    without samples."""
    found = _contribution(cursor, case_id)
    if found is None:
        return f"SELECT {', '.join(KEY_COLUMNS)}, {', '.join(COUNT_COLUMNS)} FROM genomes_variantobservation " \
               "WHERE false", []
    return found


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


def observations_snapshot(cursor, case_id: int, table: str = "withdrawn_observations") -> None:
    """Keep a case's present contribution in a temporary table (dropped at commit), before its variants go;
    ``observations_withdraw`` subtracts it later, under the national lock."""
    sql, params = contribution_sql(cursor, case_id)
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS {sql}", params)
    # Without statistics the planner takes the snapshot for a few rows and subtracts 300,000 of them by a nested
    # loop: 46 s at 30M case-variant rows instead of seconds.
    cursor.execute(f"ANALYZE {table}")


def observations_withdraw(cursor, table: str = "withdrawn_observations") -> int:
    """Subtract a snapshot taken by ``observations_snapshot``."""
    return _apply(cursor, f"SELECT * FROM {table}", [], -1)


def observations_add_case(cursor, case_id: int) -> int:
    """Add a case's contribution from its stored variants (in the transaction that stored them)."""
    sql, params = contribution_sql(cursor, case_id)
    return _apply(cursor, sql, params, 1)


def observations_rebuild(cursor) -> None:
    """Recompute every observation from the stored cases: the backfill of a new store, and the yardstick the
    tests hold the incremental counts to. Minutes at 30M case-variant rows: not for the import's path."""
    cursor.execute("TRUNCATE genomes_variantobservation")
    cursor.execute("SELECT DISTINCT case_id FROM genomes_caseimport WHERE is_current ORDER BY case_id")
    for (case_id,) in cursor.fetchall():
        observations_add_case(cursor, case_id)
    # A new table's first reads are planned without statistics (50 ms a lookup instead of 2 at 1.2M rows).
    cursor.execute("ANALYZE genomes_variantobservation")


def cohort_size(build: str) -> dict[str, int]:
    """The germline individuals of the national cohort of a build (cases with a current import), by sex."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ind.sex, count(DISTINCT ind.id) FROM genomes_caseimport ci "
            "JOIN genomes_sample s ON s.case_id = ci.case_id AND s.role <> 'tumour' "
            "JOIN genomes_individual ind ON ind.id = s.individual_id "
            "WHERE ci.is_current AND ci.genome_build = %s GROUP BY ind.sex", [build])
        by_sex = dict(cursor.fetchall())
    return {"male": by_sex.get("male", 0), "female": by_sex.get("female", 0), "unknown": by_sex.get("unknown", 0)}


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
