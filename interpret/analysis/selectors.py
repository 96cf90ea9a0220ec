"""Reads of the analysis layer's own records that other pages show."""
from __future__ import annotations

from genomes.models import Case
from interpret.analysis.models import FilterRun


def filter_run_timeline(case: Case, limit: int = 50) -> list[dict]:
    """The case's latest filter runs as entries of its timeline (interpret.workflow.selectors.case_timeline)."""
    runs = FilterRun.objects.filter(case=case).select_related("user", "preset").order_by("-created_at")[:limit]
    return [{"at": run.created_at, "kind": "filter_run", "run": run, "who": run.user} for run in runs]
