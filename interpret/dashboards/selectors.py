"""Programme figures for programme leads and department heads: aggregates only, no case identifier. Each is one
set-based SQL query over cases, samples and signed reports (bench/dashboard.py: 10,000 cases)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from interpret.acmg.classes import PATHOGENIC_CLASSES

GENOME_EQUIVALENTS = {"germline": 1, "tumour": 3}  # a germline 30x genome counts 1, a somatic 90x sample 3

# A report with a finding of these classes is a diagnosis (jsonpath over the report's frozen facts)
_ANY_PATHOGENIC = " || ".join(f'@ == "{code}"' for code in PATHOGENIC_CLASSES)


@dataclass(frozen=True)
class Period:
    start: date           # first day of the first month
    end: date             # first day of the month after the last
    departments: tuple[int, ...] = ()   # department ids; () all

    def where(self, column: str, department_column: str = "c.department_id") -> tuple[str, list]:
        sql, params = f"{column} >= %s AND {column} < %s", [self.start, self.end]
        if self.departments:
            sql += f" AND {department_column} = ANY(%s)"
            params.append(list(self.departments))
        return sql, params


def _rows(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


_SAMPLES = ("SELECT case_id, count(*) FILTER (WHERE role <> 'tumour') AS germline, "
            "count(*) FILTER (WHERE role = 'tumour') AS tumour FROM genomes_sample GROUP BY case_id")


def cases_per_month(period: Period) -> list[dict]:
    """Cases whose data became ready, and their genome equivalents, per month and patient group."""
    where, params = period.where("c.data_ready_at")
    return _rows(
        f"SELECT to_char(date_trunc('month', c.data_ready_at), 'YYYY-MM') AS month, pg.code AS patient_group, "
        f"count(*) AS cases, sum(coalesce(s.germline, 0) * {GENOME_EQUIVALENTS['germline']} "
        f"+ coalesce(s.tumour, 0) * {GENOME_EQUIVALENTS['tumour']}) AS genome_equivalents "
        f"FROM genomes_case c JOIN interpret_patientgroup pg ON pg.id = c.patient_group_id "
        f"LEFT JOIN ({_SAMPLES}) s ON s.case_id = c.id WHERE {where} GROUP BY 1, 2, pg.number ORDER BY 1, pg.number",
        params)


def funnel(period: Period) -> list[dict]:
    """Cases by workflow state, of the cases whose data became ready in the period (a case withdrawn since, with
    no data now, is in none)."""
    where, params = period.where("c.data_ready_at")
    order = ["ready", "in_analysis", "in_review", "reported", "closed"]
    rows = {r["status"]: r["cases"] for r in _rows(
        f"SELECT c.status, count(*) AS cases FROM genomes_case c WHERE {where} "
        "AND c.import_state <> 'awaiting_data' GROUP BY 1", params)}
    return [{"status": status, "cases": rows.get(status, 0)} for status in order]


def turnaround(period: Period) -> list[dict]:
    """Days from data ready to the first signed report: median and 90th percentile per patient group, of the
    cases reported in the period."""
    where, params = period.where("c.reported_at")
    return _rows(
        "SELECT pg.code AS patient_group, count(*) AS reported, "
        "round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.reported_at - c.data_ready_at)) "
        "/ 86400)::numeric, 1) AS median_days, "
        "round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM c.reported_at - c.data_ready_at)) "
        "/ 86400)::numeric, 1) AS p90_days "
        f"FROM genomes_case c JOIN interpret_patientgroup pg ON pg.id = c.patient_group_id "
        f"WHERE c.data_ready_at IS NOT NULL AND {where} GROUP BY pg.code, pg.number ORDER BY pg.number", params)


def diagnostic_yield(period: Period) -> list[dict]:
    """Per patient group: cases reported in the period, and those whose latest signed report has a (likely)
    pathogenic finding (the final classification frozen in the report)."""
    where, params = period.where("c.reported_at")
    return _rows(
        "WITH latest AS (SELECT DISTINCT ON (case_id) case_id, facts FROM interpret_report "
        "WHERE status = 'signed' ORDER BY case_id, version DESC) "
        "SELECT pg.code AS patient_group, count(*) AS reported, "
        "count(*) FILTER (WHERE jsonb_path_exists(l.facts, "
        f"'$.variants[*].classification.code ? ({_ANY_PATHOGENIC})')) AS diagnosed "
        f"FROM genomes_case c JOIN latest l ON l.case_id = c.id "
        f"JOIN interpret_patientgroup pg ON pg.id = c.patient_group_id WHERE {where} "
        "GROUP BY pg.code, pg.number ORDER BY pg.number", params)


def database_growth(period: Period) -> list[dict]:
    """The national database per month: genome equivalents and case-variant rows added by current imports, and
    their running totals within the period."""
    where, params = period.where("j.finished_at")
    rows = _rows(
        "SELECT to_char(date_trunc('month', j.finished_at), 'YYYY-MM') AS month, "
        f"sum(coalesce(s.germline, 0) * {GENOME_EQUIVALENTS['germline']} "
        f"+ coalesce(s.tumour, 0) * {GENOME_EQUIVALENTS['tumour']}) AS genome_equivalents, "
        "sum(i.variants_stored) AS case_variant_rows "
        "FROM genomes_caseimport i JOIN interpret_job j ON j.id = i.job_id JOIN genomes_case c ON c.id = i.case_id "
        f"LEFT JOIN ({_SAMPLES}) s ON s.case_id = c.id WHERE i.is_current AND {where} GROUP BY 1 ORDER BY 1",
        params)
    genomes = variants = 0
    for row in rows:
        genomes += row["genome_equivalents"] or 0
        variants += row["case_variant_rows"] or 0
        row["genomes_total"], row["case_variant_rows_total"] = genomes, variants
    return rows


FIGURES = {"cases": ("Cases and genome equivalents per month", cases_per_month),
           "funnel": ("Workflow funnel", funnel),
           "turnaround": ("Turnaround, data ready to signed report (days)", turnaround),
           "yield": ("Diagnostic yield", diagnostic_yield),
           "growth": ("National database growth", database_growth)}


def plots(data: dict[str, list[dict]]) -> dict[str, dict]:
    """plotly figures ({data, layout}) of each figure's rows."""
    layout = {"margin": {"t": 40, "l": 60, "r": 10, "b": 60}, "height": 320}
    groups = sorted({r["patient_group"] for r in data["cases"]})
    figures = {
        "cases": {
            "data": [
                {
                    "type": "bar",
                    "name": g,
                    "x": [r["month"] for r in data["cases"] if r["patient_group"] == g],
                    "y": [r["genome_equivalents"] for r in data["cases"] if r["patient_group"] == g],
                }
                for g in groups
            ],
            "layout": {
                **layout,
                "barmode": "stack",
                "title": {"text": "Genome equivalents per month"},
                "xaxis": {"type": "category"},
                "yaxis": {"title": {"text": "genome equivalents"}},
            },
        },
        "funnel": {
            "data": [
                {
                    "type": "funnel",
                    "y": [r["status"].replace("_", " ") for r in data["funnel"]],
                    "x": [r["cases"] for r in data["funnel"]],
                }
            ],
            "layout": {**layout, "title": {"text": "Cases by state"}, "margin": {**layout["margin"], "l": 100}},
        },
        "turnaround": {
            "data": [
                {
                    "type": "bar",
                    "name": "median",
                    "x": [r["patient_group"] for r in data["turnaround"]],
                    "y": [float(r["median_days"] or 0) for r in data["turnaround"]],
                    "text": [f"{r['median_days']} d" for r in data["turnaround"]],
                    "textposition": "outside",
                },
                {
                    "type": "bar",
                    "name": "90th percentile",
                    "x": [r["patient_group"] for r in data["turnaround"]],
                    "y": [float(r["p90_days"] or 0) for r in data["turnaround"]],
                    "text": [f"{r['p90_days']} d" for r in data["turnaround"]],
                    "textposition": "outside",
                },
            ],
            "layout": {**layout, "title": {"text": "Days from data ready to signed report"}},
        },
        "yield": {
            "data": [
                {
                    "type": "bar",
                    "x": [r["patient_group"] for r in data["yield"]],
                    "y": [
                        round(100 * r["diagnosed"] / r["reported"], 1) if r["reported"] else 0 for r in data["yield"]
                    ],
                    "text": [f"{r['diagnosed']} of {r['reported']}" for r in data["yield"]],
                    "textposition": "outside",
                }
            ],
            "layout": {
                **layout,
                "title": {"text": "Diagnostic yield (% of reported cases with P/LP)"},
                "yaxis": {"range": [0, 100]},
            },
        },
        "growth": {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": "genome equivalents",
                    "x": [r["month"] for r in data["growth"]],
                    "y": [r["genomes_total"] for r in data["growth"]],
                }
            ],
            "layout": {
                **layout,
                "xaxis": {"type": "category"},
                "title": {"text": "Genome equivalents added in the period (running total)"},
            },
        },
    }
    return figures
