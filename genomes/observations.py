"""National observations: per national variant, who in the national cohort carries it, kept as counts.

One row per (variant, origin, patient group, affection, tumour type) in ``genomes_variantobservation``:

- germline rows (``origin = 'germline'``, ``tumour_type = ''``) count the germline samples (every sample but a
  tumour's) carrying the variant by zygosity: ``het`` (one copy, also a 1/2 call), ``hom`` (two copies),
  ``hemi`` (one copy on X or Y outside the pseudoautosomal regions in a male: a 1/1 call there is one allele);
  ``carriers`` (individuals); ``families_with_carrier`` (cases with a carrier of this affection status) and
  ``families`` (each case counted once, in the row of its most affected carrier: affected, then unknown, then
  unaffected), so that summing ``families`` over a variant's rows counts each family once;
- somatic rows (``origin = 'somatic'``, ``affection = ''``) count tumours carrying the variant whose case's
  germline samples do not: ``carriers`` (tumour samples) and ``families`` (cases), by the case's tumour type.

Kept exact by the import, in its own transaction and under the national variants lock (genomes.importing.storage):
a case's contribution is added when its import is stored, and subtracted (as it was before) when a replace or a
deletion takes its variants away. Nothing is recomputed from all cases, except by ``observations_rebuild``
(the migration's backfill, and the tests' yardstick of exactness).

Allele number and cohort frequency are computed when read, from the cohort's germline individuals by sex
(``cohort_size``): VCFs list variant sites only, so an individual of the cohort without a call at a site is
counted as homozygous reference there; imports keep only variants below their patient group's retention
frequency, so a common variant is observed only where it was kept.
"""
from __future__ import annotations

from django.db import connection

from genomes.genotypes import CARRIER, HET, HET_OTHER_ALT, HOM_ALT, codes_sql
from genomes.variant_identity import PSEUDOAUTOSOMAL_REGIONS

COUNT_COLUMNS = ("het", "hom", "hemi", "carriers", "families_with_carrier", "families")
KEY_COLUMNS = ("variant_id", "origin", "patient_group_id", "affection", "tumour_type")
GERMLINE, SOMATIC = "germline", "somatic"

# The order in which a family's carriers decide the row that counts the family once.
_AFFECTION_RANK = "CASE m.affection WHEN 'affected' THEN 0 WHEN 'unknown' THEN 1 ELSE 2 END"


def _haploid_in_males_sql() -> str:
    """SQL true where a male has one copy: X and Y outside the pseudoautosomal regions of the case's build."""
    parts = []
    for build, contigs in PSEUDOAUTOSOMAL_REGIONS.items():
        for contig, regions in contigs.items():
            outside = " AND ".join(f"NOT (cv.pos BETWEEN {start} AND {end})" for start, end in regions)
            parts.append(f"(c.genome_build = '{build.value}' AND cv.chrom = '{contig}' AND {outside})")
    return "(" + " OR ".join(parts) + ")"


def contribution_sql(case_param: str = "%s") -> str:
    """A SELECT of one case's observation rows (KEY_COLUMNS + COUNT_COLUMNS) from its stored variants."""
    return f"""
WITH c AS (SELECT id, patient_group_id, genome_build, tumour_type FROM genomes_case WHERE id = {case_param}),
members AS (
    SELECT s.position + 1 AS i, s.role = 'tumour' AS is_tumour, ind.sex, ind.affection
    FROM genomes_sample s JOIN genomes_individual ind ON ind.id = s.individual_id
    WHERE s.case_id = (SELECT id FROM c)),
calls AS (
    SELECT cv.variant_id, m.is_tumour, m.affection, {_AFFECTION_RANK} AS rank, cv.genotypes[m.i] AS gt,
           (m.sex = 'male' AND {_haploid_in_males_sql()}) AS haploid
    FROM c JOIN genomes_casevariant cv ON cv.case_id = c.id
    JOIN members m ON cv.genotypes[m.i] IN {codes_sql(CARRIER)}),
germline AS (
    SELECT variant_id, affection, min(rank) AS rank,
           count(*) FILTER (WHERE gt IN ({HET}, {HET_OTHER_ALT})) AS het,
           count(*) FILTER (WHERE gt = {HOM_ALT} AND NOT haploid) AS hom,
           count(*) FILTER (WHERE gt = {HOM_ALT} AND haploid) AS hemi,
           count(*) AS carriers
    FROM calls WHERE NOT is_tumour GROUP BY variant_id, affection),
somatic AS (
    SELECT variant_id, count(*) AS carriers FROM calls t WHERE is_tumour
      AND NOT EXISTS (SELECT 1 FROM calls g WHERE g.variant_id = t.variant_id AND NOT g.is_tumour)
    GROUP BY variant_id)
SELECT g.variant_id, '{GERMLINE}' AS origin, (SELECT patient_group_id FROM c), g.affection, '' AS tumour_type,
       g.het, g.hom, g.hemi, g.carriers, 1 AS families_with_carrier,
       (g.rank = min(g.rank) OVER (PARTITION BY g.variant_id))::int AS families
FROM germline g
UNION ALL
SELECT s.variant_id, '{SOMATIC}', (SELECT patient_group_id FROM c), '', (SELECT tumour_type FROM c),
       0, 0, 0, s.carriers, 1, 1
FROM somatic s"""


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
    """Keep a case's present contribution in a temporary table (dropped at commit), before its variants or its
    pedigree change; ``observations_withdraw`` subtracts it later, under the national lock."""
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS {contribution_sql()}", [case_id])


def observations_withdraw(cursor, table: str = "withdrawn_observations") -> int:
    """Subtract a snapshot taken by ``observations_snapshot``."""
    return _apply(cursor, f"SELECT * FROM {table}", [], -1)


def observations_add_case(cursor, case_id: int) -> int:
    """Add a case's contribution from its stored variants (in the transaction that stored them)."""
    return _apply(cursor, contribution_sql(), [case_id], 1)


def observations_rebuild(cursor) -> None:
    """Recompute every observation from the stored cases: the backfill of a new store, and the yardstick the
    tests hold the incremental counts to. Minutes at 30M case-variant rows: not for the import's path."""
    cursor.execute("TRUNCATE genomes_variantobservation")
    cursor.execute("SELECT DISTINCT case_id FROM genomes_caseimport WHERE is_current ORDER BY case_id")
    for (case_id,) in cursor.fetchall():
        observations_add_case(cursor, case_id)


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
            "SELECT o.variant_id, o.origin, pg.code, pg.name, pg.number, o.affection, o.tumour_type, "
            f"{', '.join('o.' + c for c in COUNT_COLUMNS)} FROM genomes_variantobservation o "
            "JOIN interpret_patientgroup pg ON pg.id = o.patient_group_id WHERE o.variant_id = ANY(%s) "
            "ORDER BY o.variant_id, o.origin, pg.number, o.affection, o.tumour_type", [list(variant_ids)])
        names = [d[0] for d in cursor.description]
        rows: dict[int, list[dict]] = {}
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            rows.setdefault(row["variant_id"], []).append(row)
    return rows


def variant_observations(variant, *, rows: list[dict] | None = None, size: dict | None = None) -> dict:
    """A national variant's observations as one summary: germline totals by zygosity, individuals and families
    (a family once), allele count and number and cohort frequency, by patient group and by affection status;
    somatic observations apart, by patient group and tumour type. Counts only: no case or individual."""
    if rows is None:
        rows = observation_rows([variant.pk]).get(variant.pk, [])
    size = size if size is not None else cohort_size(variant.build)
    germline = [r for r in rows if r["origin"] == GERMLINE]
    somatic = [r for r in rows if r["origin"] == SOMATIC]

    def totals(selected: list[dict]) -> dict:
        summed = {column: sum(r[column] for r in selected) for column in ("het", "hom", "hemi", "carriers", "families")}
        summed["individuals"] = summed.pop("carriers")
        summed["allele_count"] = summed["het"] + 2 * summed["hom"] + summed["hemi"]
        return summed

    by_group: dict[str, dict] = {}
    for row in germline:
        entry = by_group.setdefault(row["code"], {"patient_group": row["code"], "name": row["name"], "rows": []})
        entry["rows"].append(row)
    groups = []
    for entry in by_group.values():
        summary = totals(entry["rows"])
        summary["by_affection"] = {r["affection"]: {"individuals": r["carriers"], "het": r["het"], "hom": r["hom"],
                                                    "hemi": r["hemi"], "families": r["families_with_carrier"]}
                                   for r in entry["rows"]}
        groups.append({"patient_group": entry["patient_group"], "name": entry["name"], **summary})
    by_affection: dict[str, dict] = {}
    for row in germline:
        slot = by_affection.setdefault(row["affection"], {"individuals": 0, "het": 0, "hom": 0, "hemi": 0,
                                                          "families": 0})
        slot["individuals"] += row["carriers"]
        for column in ("het", "hom", "hemi"):
            slot[column] += row[column]
        slot["families"] += row["families_with_carrier"]
    overall = totals(germline)
    number = allele_number(size, build=variant.build, chrom=variant.chrom, pos=variant.pos)
    overall["allele_number"] = number
    overall["allele_frequency"] = round(overall["allele_count"] / number, 6) if number else None
    somatic_groups: dict[tuple, dict] = {}
    for row in somatic:
        key = (row["code"], row["tumour_type"])
        slot = somatic_groups.setdefault(key, {"patient_group": row["code"], "name": row["name"],
                                               "tumour_type": row["tumour_type"] or "not stated", "tumours": 0})
        slot["tumours"] += row["families"]
    return {
        "germline": {**overall, "cohort_individuals": sum(size.values()), "by_patient_group": groups,
                     "by_affection": by_affection},
        "somatic": {"tumours": sum(r["families"] for r in somatic), "by_group_and_tumour_type":
                    list(somatic_groups.values())},
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
    germline: dict[str, dict] = {}
    somatic: dict[str, dict] = {}
    for row in rows:  # ordered by patient group number
        if row["origin"] == GERMLINE:
            germline.setdefault(row["code"], {"code": row["code"], "families": 0})["families"] += row["families"]
        else:
            somatic.setdefault(row["code"], {"code": row["code"], "tumours": 0})["tumours"] += row["families"]
    return {"total": sum(g["families"] for g in germline.values()), "by_group": list(germline.values()),
            "somatic_total": sum(g["tumours"] for g in somatic.values()), "somatic_by_group": list(somatic.values())}
