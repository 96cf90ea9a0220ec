"""National structural-variant observations: each stored call joins the cluster of the event it is (SvCluster),
and each cluster's counts (SvClusterObservation) are recounted, exactly, whenever an import, a replacement or a
withdrawal changes its calls.

Matching: the same type, and for deletions, duplications, copy-number changes, inversions and complex events at
least SV_RECIPROCAL_OVERLAP (50%) of each other's length (the overlap divided by the longer of the two); for
insertions and breakends, breakpoints within SV_BREAKPOINT_WINDOW (100) bases, and a breakend's mate on the same
chromosome within the window too. A call matching no cluster of an earlier file founds one with its own coordinates
(two records of one file are two events, as their caller decided). Counting: each
person once (genomes.persons: the same person in several cases is one carrier), each national family once, by
patient group, germline apart from somatic (a tumour sample's calls), affected carriers apart. Clusters are
assigned under one transaction-level lock, so two imports never found the same event twice."""
from __future__ import annotations

from django.conf import settings
from django.db import connection

from genomes.models import SvCluster
from genomes.persons import FAMILY_KEY_SQL, PERSON_KEY_SQL

SPANNING = ("DEL", "DUP", "CNV", "INV", "CPX")
POINT = ("INS", "BND")
CLUSTER_LOCK = 7_326_001  # pg_advisory_xact_lock key of SV cluster assignment


def clusters_assign(cursor, *, sv_import_id: int, build: str) -> set[int]:
    """Give every call of the import its cluster (matching an existing one, else founding one); returns the
    clusters its calls joined."""
    overlap, window = settings.SV_RECIPROCAL_OVERLAP, settings.SV_BREAKPOINT_WINDOW
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLUSTER_LOCK])
    # Every statement names the case: on a Citus cluster (core.citus) the calls are distributed by case, and a
    # statement joining them to themselves must do so on the case to run on the case's shard alone.
    cursor.execute("SELECT case_id FROM genomes_structuralvariantimport WHERE id = %s", [sv_import_id])
    (case_id,) = cursor.fetchone()
    cursor.execute(
        "UPDATE genomes_structuralvariant sv SET cluster_id = best.id FROM genomes_structuralvariant c "
        "CROSS JOIN LATERAL (SELECT k.id FROM genomes_svcluster k WHERE k.build = %s AND k.svtype = c.svtype "
        "  AND k.xstart BETWEEN c.xstart - (c.xend - c.xstart + 1) AND c.xend AND k.xend >= c.xstart "
        "  AND (LEAST(k.xend, c.xend) - GREATEST(k.xstart, c.xstart) + 1) "
        "      >= %s * GREATEST(k.xend - k.xstart + 1, c.xend - c.xstart + 1) "
        "  ORDER BY (LEAST(k.xend, c.xend) - GREATEST(k.xstart, c.xstart) + 1)::float "
        "           / GREATEST(k.xend - k.xstart + 1, c.xend - c.xstart + 1) DESC, k.id LIMIT 1) best "
        "WHERE c.sv_import_id = %s AND c.svtype = ANY(%s) AND sv.id = c.id AND sv.case_id = c.case_id "
        "AND c.case_id = %s", [build, overlap, sv_import_id, list(SPANNING), case_id])
    cursor.execute(
        "UPDATE genomes_structuralvariant sv SET cluster_id = best.id FROM genomes_structuralvariant c "
        "CROSS JOIN LATERAL (SELECT k.id FROM genomes_svcluster k WHERE k.build = %s AND k.svtype = c.svtype "
        "  AND k.xstart BETWEEN c.xstart - %s AND c.xstart + %s "
        "  AND (c.svtype <> 'BND' OR (k.mate_chrom = c.mate_chrom AND abs(k.mate_pos - c.mate_pos) <= %s)) "
        "  ORDER BY abs(k.xstart - c.xstart), k.id LIMIT 1) best "
        "WHERE c.sv_import_id = %s AND c.svtype = ANY(%s) AND sv.id = c.id AND sv.case_id = c.case_id "
        "AND c.case_id = %s", [build, window, window, window, sv_import_id, list(POINT), case_id])
    cursor.execute("SELECT id, svtype, chrom, start, \"end\", xstart, xend, length, mate_chrom, mate_pos "
                   "FROM genomes_structuralvariant WHERE sv_import_id = %s AND case_id = %s AND cluster_id IS NULL "
                   "ORDER BY svtype, xstart, id", [sv_import_id, case_id])
    # A call matching no cluster founds its own: two records of one file are two events, as their caller decided.
    founded: list[tuple[SvCluster, list[int]]] = [
        (SvCluster(build=build, svtype=svtype, chrom=chrom, start=start, end=end, xstart=xstart, xend=xend,
                   length=length, mate_chrom=mate_chrom, mate_pos=mate_pos), [call_id])
        for call_id, svtype, chrom, start, end, xstart, xend, length, mate_chrom, mate_pos in cursor.fetchall()]
    SvCluster.objects.bulk_create([cluster for cluster, _ in founded], batch_size=5000)
    if founded:
        pairs = [(call_id, cluster.pk) for cluster, members in founded for call_id in members]
        cursor.execute("UPDATE genomes_structuralvariant sv SET cluster_id = m.cluster_id "
                       "FROM unnest(%s::bigint[], %s::bigint[]) AS m(call_id, cluster_id) WHERE sv.id = m.call_id "
                       "AND sv.case_id = %s", [[p[0] for p in pairs], [p[1] for p in pairs], case_id])
    cursor.execute("SELECT DISTINCT cluster_id FROM genomes_structuralvariant WHERE sv_import_id = %s "
                   "AND case_id = %s", [sv_import_id, case_id])
    return {row[0] for row in cursor.fetchall() if row[0] is not None}


OBSERVATION_SQL = """
SELECT cluster_id, origin, patient_group_id,
       count(DISTINCT person_key), count(DISTINCT family_key),
       count(DISTINCT person_key) FILTER (WHERE code = 1), count(DISTINCT person_key) FILTER (WHERE code = 2),
       count(DISTINCT person_key) FILTER (WHERE code = 3),
       count(DISTINCT person_key) FILTER (WHERE affection = 'affected'),
       count(DISTINCT family_key) FILTER (WHERE affection = 'affected')
FROM (
    SELECT sv.cluster_id, CASE WHEN s.role = 'tumour' THEN 'somatic' ELSE 'germline' END AS origin,
           c.patient_group_id, {person} AS person_key,
           {family} AS family_key, g.code, i.affection
    FROM genomes_structuralvariant sv
    JOIN genomes_structuralvariantimport imp ON imp.id = sv.sv_import_id AND imp.is_current
    JOIN genomes_case c ON c.id = sv.case_id
    CROSS JOIN LATERAL unnest(sv.genotypes) WITH ORDINALITY AS g(code, n)
    JOIN genomes_sample s ON s.case_id = sv.case_id AND s.position = g.n - 1
    JOIN genomes_individual i ON i.id = s.individual_id
    LEFT JOIN genomes_person p ON p.id = i.person_id
    WHERE {where} AND g.code IN (1, 2, 3, 4)
) carried
GROUP BY cluster_id, origin, patient_group_id
"""


def _observations(where: str) -> str:
    return OBSERVATION_SQL.format(person=PERSON_KEY_SQL, family=FAMILY_KEY_SQL, where=where)
COUNT_COLUMNS = ("carriers", "families", "het", "hom", "hemi", "affected_carriers", "affected_families")


def cluster_observations_recount(cursor, cluster_ids: set[int]) -> int:
    """Recount the observations of ``cluster_ids`` from their current calls; returns the rows written."""
    if not cluster_ids:
        return 0
    ids = sorted(cluster_ids)
    cursor.execute("DELETE FROM genomes_svclusterobservation WHERE cluster_id = ANY(%s)", [ids])
    cursor.execute(f"INSERT INTO genomes_svclusterobservation (cluster_id, origin, patient_group_id, "
                   f"{', '.join(COUNT_COLUMNS)}) " + _observations("sv.cluster_id = ANY(%s)"), [ids])
    return cursor.rowcount


def cluster_observations_recomputed(cursor) -> set[tuple]:
    """Every cluster's counts recomputed from all current calls, without writing: the tests' yardstick."""
    cursor.execute(_observations("sv.cluster_id IS NOT NULL"))
    return {tuple(row) for row in cursor.fetchall()}


def clusters_of_case(cursor, case_id: int) -> set[int]:
    cursor.execute("SELECT DISTINCT cluster_id FROM genomes_structuralvariant WHERE case_id = %s "
                   "AND cluster_id IS NOT NULL", [case_id])
    return {row[0] for row in cursor.fetchall()}


def sv_clusters_in_region(*, build: str, xstart: int, xend: int, limit: int = 200) -> list[dict]:
    """The national SV clusters overlapping a region, with their germline counts (all groups), most seen first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k.id, k.svtype, k.chrom, k.start, k.\"end\", k.length, k.mate_chrom, k.mate_pos, "
            "coalesce(sum(o.carriers) FILTER (WHERE o.origin = 'germline'), 0), "
            "coalesce(sum(o.families) FILTER (WHERE o.origin = 'germline'), 0), "
            "coalesce(sum(o.carriers) FILTER (WHERE o.origin = 'somatic'), 0) "
            "FROM genomes_svcluster k LEFT JOIN genomes_svclusterobservation o ON o.cluster_id = k.id "
            # the GiST index on the clusters' spans (migration genomes 0018) answers the overlap
            "WHERE k.build = %s AND int8range(k.xstart, k.xend, '[]') && int8range(%s, %s, '[]') "
            "GROUP BY k.id ORDER BY 10 DESC, k.xstart LIMIT %s",
            [build, xstart, xend, limit])
        columns = ("id", "svtype", "chrom", "start", "end", "length", "mate_chrom", "mate_pos", "germline_carriers",
                   "germline_families", "somatic_carriers")
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def cluster_counts(cluster_ids: list[int]) -> dict[int, dict]:
    """Germline carriers and families (all groups) and somatic carriers per cluster, for the SV tab."""
    if not cluster_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT cluster_id, coalesce(sum(carriers) FILTER (WHERE origin = 'germline'), 0), "
                       "coalesce(sum(families) FILTER (WHERE origin = 'germline'), 0), "
                       "coalesce(sum(carriers) FILTER (WHERE origin = 'somatic'), 0) "
                       "FROM genomes_svclusterobservation WHERE cluster_id = ANY(%s) GROUP BY cluster_id",
                       [sorted(set(cluster_ids))])
        return {row[0]: {"germline_carriers": row[1], "germline_families": row[2], "somatic_carriers": row[3]}
                for row in cursor.fetchall()}
