"""Selectors over case variants (genomes_casevariant) and the national variants they carry: the only SQL on those
tables outside the import.

Rows come back as dicts of ROW_COLUMNS. Every query of one case names its case id, so PostgreSQL reads one hash
partition (migration genomes 0003). Interpretation builds its filters as WHERE conditions on these columns
(interpret.analysis.engine) and hands them to ``rows_where``; the rules about what the rows mean stay there.
"""
from __future__ import annotations

import json

from django.db import connection

ROW_COLUMNS = ("id", "variant_id", "chrom", "pos", "ref", "alt", "xpos", "variant_type", "filter", "quality", "rsid",
               "genes", "gene_ids", "consequences", "worst_consequence", "impact", "gnomad_af", "gnomad_popmax",
               "clinvar", "cadd_phred", "revel", "spliceai", "genotypes", "genotype_quality", "depth", "ref_reads",
               "alt_reads", "allele_fraction", "clinvar_stars", "site_genotypes")
_SELECT = f"SELECT {', '.join(ROW_COLUMNS)} FROM genomes_casevariant"


def _fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]


def _current_import_conditions(case_import) -> tuple[list[str], list]:
    return ["case_id = %s", "case_import_id = %s"], [case_import.case_id, case_import.pk]


def rows_where(case_import, conditions: list[str], params: list, *, limit: int) -> list[dict]:
    """Rows of one import of a case matching every condition, in genome order, at most ``limit``."""
    where, values = _current_import_conditions(case_import)
    return _fetch(f"{_SELECT} WHERE {' AND '.join(where + conditions)} ORDER BY xpos LIMIT {int(limit)}",
                  values + params)


def row_of_variant(case_import, variant_id: int) -> dict | None:
    """The row of one national variant in one import of a case."""
    rows = _fetch(f"{_SELECT} WHERE case_id = %s AND case_import_id = %s AND variant_id = %s",
                  [case_import.case_id, case_import.pk, variant_id])
    return rows[0] if rows else None


def rows_in_genes(case_import, genes: list[str]) -> list[dict]:
    """Rows of one import of a case annotated with any of ``genes`` (compound-het partners, ACMG facts)."""
    return _fetch(f"{_SELECT} WHERE case_id = %s AND case_import_id = %s AND genes && %s::text[]",
                  [case_import.case_id, case_import.pk, list(genes)])


def any_row_of_variant(variant_id: int) -> dict | None:
    """The variant as some stored case carries it (its annotation), with the case and import it came from."""
    rows = _fetch(f"SELECT {', '.join(ROW_COLUMNS)}, case_id, case_import_id FROM genomes_casevariant "
                  "WHERE variant_id = %s LIMIT 1", [variant_id])
    return rows[0] if rows else None


def case_carries_variant(case_id: int, variant_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM genomes_casevariant WHERE case_id = %s AND variant_id = %s)",
                       [case_id, variant_id])
        return cursor.fetchone()[0]


def transcripts_of(case_import_id: int, case_id: int, row_ids: list[int]) -> dict[int, list]:
    """Transcript annotations for some rows (kept out of the filter query: they are most of a row's bytes)."""
    if not row_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, transcripts FROM genomes_casevariant WHERE case_id = %s AND case_import_id = %s "
                       "AND id = ANY(%s)", [case_id, case_import_id, row_ids])
        return {row_id: (value if isinstance(value, list) else json.loads(value or "[]"))
                for row_id, value in cursor.fetchall()}


def national_cohort(build: str) -> tuple[int, int | None]:
    """The national cohort of a build as its current imports: how many, and the newest."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM genomes_caseimport WHERE is_current AND genome_build = %s",
                       [build])
        count, newest = cursor.fetchone()
    return count, newest


def contamination_sites(case_import, *, foetus: int, mother: int, father: int) -> list[tuple]:
    """Autosomal sites informative for maternal contamination of a foetal sample (0-based sample positions):
    father hom-ref and mother hom-alt (class A), mother het with father and foetus hom-ref (class B), and the
    background: mother hom-ref, father het, foetus hom-ref (alt reads there are errors, not maternal DNA).
    Returns (mother's code, father's code, foetus's code, foetal ref reads, foetal alt reads) per site."""
    f, m, p = foetus + 1, mother + 1, father + 1  # PostgreSQL arrays are 1-based
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT genotypes[{m}], genotypes[{p}], genotypes[{f}], ref_reads[{f}], alt_reads[{f}] "
            f"FROM genomes_casevariant WHERE case_id = %s AND case_import_id = %s "
            f"AND chrom NOT IN ('X', 'Y', 'MT') AND ref_reads[{f}] IS NOT NULL AND alt_reads[{f}] IS NOT NULL "
            f"AND ((genotypes[{p}] = 0 AND (genotypes[{m}] = 2 OR (genotypes[{m}] = 1 AND genotypes[{f}] = 0))) "
            f"OR (genotypes[{m}] = 0 AND genotypes[{p}] = 1 AND genotypes[{f}] = 0))",
            [case_import.case_id, case_import.pk])
        return cursor.fetchall()


def cases_carrying(variant_ids: list[int], case_ids: list[int]) -> dict[int, list[int]]:
    """Which of ``case_ids`` (the cases a user may open) store each variant: the patient-level side of a national
    lookup, asked only for the user's own cases."""
    if not variant_ids or not case_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT variant_id, case_id FROM genomes_casevariant "
                       "WHERE variant_id = ANY(%s) AND case_id = ANY(%s) ORDER BY variant_id, case_id",
                       [list(variant_ids), list(case_ids)])
        carrying: dict[int, list[int]] = {}
        for variant_id, case_id in cursor.fetchall():
            carrying.setdefault(variant_id, []).append(case_id)
    return carrying


def annotated_protein_changes(variant_ids: list[int]) -> dict[int, set[str]]:
    """The HGVS p. changes (without accession, e.g. 'p.Arg713Gln') the stored annotation gives each variant,
    from one stored row per variant; a variant without annotation has none."""
    if not variant_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT ON (variant_id) variant_id, transcripts FROM genomes_casevariant "
                       "WHERE variant_id = ANY(%s) AND is_annotated ORDER BY variant_id", [list(variant_ids)])
        changes: dict[int, set[str]] = {}
        for variant_id, transcripts in cursor.fetchall():
            values = transcripts if isinstance(transcripts, list) else json.loads(transcripts or "[]")
            changes[variant_id] = {(t.get("hgvsp") or "").split(":")[-1] for t in values if t.get("hgvsp")}
    return changes


def candidates_in_genes(case_ids: list[int], conditions: list[str], params: list,
                        genes: list[str]) -> list[tuple[int, str, list[int]]]:
    """(case, gene, national variant ids) of the rows of ``case_ids`` that meet ``conditions`` (a case analysis's
    filters on case-variant columns) in ``genes``: one statement over all the cases (reanalysis)."""
    if not case_ids or not genes:
        return []
    where = " AND ".join(["case_id = ANY(%s)", "genes && %s::text[]", *conditions])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT case_id, gene, array_agg(DISTINCT variant_id ORDER BY variant_id) FROM "
            f"(SELECT case_id, variant_id, genes FROM genomes_casevariant WHERE {where}) rows "
            "CROSS JOIN LATERAL unnest(rows.genes) AS g(gene) WHERE gene = ANY(%s) GROUP BY case_id, gene "
            "ORDER BY case_id, gene", [list(case_ids), list(genes), *params, list(genes)])
        return cursor.fetchall()


def candidates_above_cohort(case_ids: list[int], conditions: list[str], params: list,
                            max_families: int) -> list[tuple[int, int, int]]:
    """(case, national variant, germline families) of the rows of ``case_ids`` that meet ``conditions`` and whose
    variant more than ``max_families`` families of the national cohort now carry (reanalysis)."""
    if not case_ids:
        return []
    where = " AND ".join(["case_id = ANY(%s)", *conditions])
    # Two statements: the case rows, then their variants' observations. Case variants and observations are
    # distributed on different keys on a Citus cluster (case, variant), where a join of the two cannot run; the
    # second is read from the variants' shards only.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT case_id, variant_id FROM genomes_casevariant WHERE {where}", [list(case_ids), *params])
        rows = cursor.fetchall()
        if not rows:
            return []
        # The ids as a materialised set joined to the observations, not `= ANY(array)`: Citus would prune shards
        # element by element (bench/citus_ab.py's reanalysis row on the local cluster: 41.7 s, 3.5 s this way).
        cursor.execute("WITH wanted AS MATERIALIZED (SELECT unnest(%s::bigint[]) AS variant_id) "
                       "SELECT o.variant_id, sum(o.families)::int FROM genomes_variantobservation o "
                       "JOIN wanted w ON w.variant_id = o.variant_id WHERE o.origin = 'germline' "
                       "GROUP BY o.variant_id HAVING sum(o.families) > %s",
                       [sorted({variant_id for _, variant_id in rows}), max_families])
        families = dict(cursor.fetchall())
    return sorted((case_id, variant_id, families[variant_id]) for case_id, variant_id in rows if variant_id in families)


def current_cases_carrying(variant_ids: list[int], case_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """(national variant, case) for the cases with a current import that store the variants, optionally among
    ``case_ids`` only (reanalysis: who is affected by a changed classification)."""
    if not variant_ids:
        return []
    only = "AND cv.case_id = ANY(%s)" if case_ids is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT cv.variant_id, cv.case_id FROM genomes_casevariant cv "
            "JOIN genomes_caseimport ci ON ci.id = cv.case_import_id AND ci.is_current "
            f"WHERE cv.variant_id = ANY(%s) {only} ORDER BY 1, 2",
            [list(variant_ids), *([list(case_ids)] if case_ids is not None else [])])
        return cursor.fetchall()


# What each evidence field is stored in (genomes.vcf.evidence_fields' names): a field counts as carried by a file
# when any stored row of its import has a value.
_EVIDENCE_VALUE_SQL = {
    "consequence": "count(*) FILTER (WHERE consequences <> '{}')",
    "gnomad_af": "count(gnomad_af)", "gnomad_popmax": "count(gnomad_popmax)",
    "clinvar": "count(*) FILTER (WHERE clinvar <> '{}')", "clinvar_review": "count(clinvar_stars)",
    "cadd_phred": "count(cadd_phred)", "revel": "count(revel)", "spliceai": "count(spliceai)",
}


def evidence_value_counts(case_id: int, case_import_id: int) -> dict[str, int]:
    """Stored rows of one import carrying a value of each evidence field."""
    names = list(_EVIDENCE_VALUE_SQL)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(_EVIDENCE_VALUE_SQL[n] for n in names)} FROM genomes_casevariant "
                       "WHERE case_id = %s AND case_import_id = %s", [case_id, case_import_id])
        return dict(zip(names, cursor.fetchone()))
