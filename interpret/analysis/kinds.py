"""One analysis entry point over the variant kinds. Each kind keeps its own storage and its own filter module
(small variants: interpret.analysis.engine over genomes.case_variants; structural and copy-number variants:
interpret.analysis.structural over genomes.sv), and this module gives them what they share: settings read from a
query string or JSON the same way, the run recorded on the case (interpret.analysis.engine.record_run, so the
case's history, reports and reanalysis see every kind's runs), and one result shape for the view, the API and
``analyse_case``. Adding a kind adds an entry to KINDS, not a branch to another kind's path."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from interpret.analysis.models import FilterRun


@dataclass
class KindResult:
    kind: str
    count: int
    rows: list
    settings: dict
    filter_run: FilterRun | None = None
    extra: dict = field(default_factory=dict)


class AnalysisInputError(ValueError):
    """A setting that cannot be used, named."""


def _small(case, values: dict, *, user, via: str, page: int, page_size: int | None, preset=None) -> KindResult:
    from django.core.exceptions import ValidationError

    from interpret.analysis.engine import run_analysis
    from interpret.analysis.output import candidates_as_dicts

    try:
        result = run_analysis(case, values, preset=preset, user=user, via=via)
    except ValidationError as error:
        raise AnalysisInputError("; ".join(error.messages)) from None
    chosen = result.candidates if page_size is None else result.candidates[(page - 1) * page_size: page * page_size]
    return KindResult("small", len(result.candidates), candidates_as_dicts(result, chosen), result.settings,
                      result.filter_run, {"result": result})


def _recorded(case, kind: str, values: dict, *, read_settings, analysis, errors, user, via: str, page: int,
              page_size: int | None, sv_imports=()) -> KindResult:
    """A kind's filter module run and its run recorded: ``read_settings(values)`` -> settings (a dataclass),
    ``analysis(case, settings, page=, page_size=)`` -> a result with count, rows and panel_versions; ``errors``:
    the module's settings error, answered as AnalysisInputError."""
    from interpret.analysis.engine import record_run

    started = time.perf_counter()
    try:
        settings = read_settings(values)
        result = analysis(case, settings, page=page, page_size=page_size)
    except errors as error:
        raise AnalysisInputError(str(error)) from None
    recorded = asdict(settings)
    run = record_run(case, kind=kind, user=user, via=via, settings=recorded, versions=result.panel_versions,
                     result_count=result.count, milliseconds=int((time.perf_counter() - started) * 1000),
                     case_import=None, sv_imports=list(sv_imports))
    return KindResult(kind, result.count, result.rows, recorded, run)


def _structural(case, values: dict, *, user, via: str, page: int, page_size: int | None, preset=None) -> KindResult:
    from genomes.sv.selectors import SvFilterError
    from interpret.analysis.structural import structural_analysis, sv_settings_from

    return _recorded(case, FilterRun.Kind.SV, values, errors=SvFilterError, analysis=structural_analysis,
                     read_settings=lambda v: sv_settings_from(v, many=lambda name: v.get(name) or []),
                     user=user, via=via, page=page, page_size=page_size,
                     sv_imports=case.sv_imports.filter(is_current=True))


def _repeats(case, values: dict, *, user, via: str, page: int, page_size: int | None, preset=None) -> KindResult:
    from interpret.analysis.repeats import RepeatFilterError, repeat_analysis, repeat_settings_from

    return _recorded(case, FilterRun.Kind.STR, values, read_settings=repeat_settings_from, analysis=repeat_analysis,
                     errors=RepeatFilterError, user=user, via=via, page=page, page_size=page_size)


def _mitochondrial(case, values: dict, *, user, via: str, page: int, page_size: int | None,
                   preset=None) -> KindResult:
    from interpret.analysis.mito import MtFilterError, mt_analysis, mt_settings_from

    return _recorded(case, FilterRun.Kind.MT, values, read_settings=mt_settings_from, analysis=mt_analysis,
                     errors=MtFilterError, user=user, via=via, page=page, page_size=page_size)


KINDS = {"small": _small, "sv": _structural, "str": _repeats, "mt": _mitochondrial}


def analyse(case, kind: str, values: dict, *, user, via: str, page: int = 1, page_size: int | None = None,
            preset=None) -> KindResult:
    """The case's variants of ``kind`` meeting ``values`` (the page asked for; ``page_size`` None: all), with the
    run recorded. Access is the caller's to check (the case was opened for ``user``)."""
    if kind not in KINDS:
        raise AnalysisInputError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    return KINDS[kind](case, values, user=user, via=via, page=page, page_size=page_size, preset=preset)
