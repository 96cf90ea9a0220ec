"""Scoring many classifications at once: a TSV of evidence codes in, the same rows with class, points
and system out. Behind ``acmg_combine --input`` and bench/acmg_erepo.py."""
from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from interpret.acmg.combine import combine
from interpret.acmg.criteria import EvidenceCodeError, parse_codes
from interpret.acmg.specifications import SpecificationError, specification_get, specifications_all


class BatchInputError(ValueError):
    pass


def open_text(path: Path):
    """Plain or gzip text, told apart by the magic bytes rather than the file name."""
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


class SpecificationChooser:
    """Finds the specification a row names by expert panel or guideline; None means the national rules."""

    def __init__(self):
        self._by_guideline = {}
        for spec in specifications_all():
            if spec.guideline.startswith("http"):
                self._by_guideline.setdefault(_url_key(spec.guideline), spec)
        self._cache = {}

    def choose(self, expert_panel: str | None, guideline: str | None):
        key = (expert_panel or "", guideline or "")
        if key not in self._cache:
            spec = None
            if guideline and guideline.strip():
                spec = self._by_guideline.get(_url_key(guideline))
            if spec is None and expert_panel and expert_panel.strip():
                try:
                    spec = specification_get(" ".join(expert_panel.split()))
                except SpecificationError:
                    spec = None
            self._cache[key] = spec
        return self._cache[key]


def _url_key(url: str) -> str:
    return url.strip().lower().removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")


def combine_rows(path: Path, out, *, codes_column: str, expert_panel_column: str | None = None,
                 guideline_column: str | None = None, system: str = "auto") -> int:
    """Writes every row of ``path`` back to ``out`` with class, points and system (and rule_set) appended.
    Reads everything first, so a bad row stops the run before anything is written."""
    path = Path(path)
    try:
        handle = open_text(path)
        with handle:
            reader = csv.DictReader(handle, delimiter="\t")
            header = reader.fieldnames or []
            for column in filter(None, (codes_column, expert_panel_column, guideline_column)):
                if column not in header:
                    raise BatchInputError(f"{path}: line 1: no column {column!r} (columns: {', '.join(header)})")
            chooser = SpecificationChooser()
            results = []
            for line, row in enumerate(reader, start=2):
                try:
                    evidence = parse_codes(row[codes_column] or "")
                except EvidenceCodeError as error:
                    raise BatchInputError(f"{path}: line {line}: column {codes_column!r}: {error}") from None
                spec = chooser.choose(row.get(expert_panel_column) if expert_panel_column else None,
                                      row.get(guideline_column) if guideline_column else None)
                result = combine(evidence, system=system, specification=spec)
                results.append((row, result))
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as error:
        raise BatchInputError(f"{path}: {error}") from None
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow([*header, "class", "points", "system", "rule_set"])
    for row, result in results:
        writer.writerow([*(row.get(column, "") for column in header), result.classification.label,
                         result.points, result.system, f"{result.rule_set} v{result.rule_set_version}"])
    return len(results)
