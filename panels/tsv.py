"""The simple panel TSV: what a curator can write in a spreadsheet, and what export_panel --format tsv writes.

    ## name: Cardiomyopathy            (optional metadata lines: name, code, version, source)
    symbol  confidence  mode_of_inheritance  hgnc_id  penetrance  phenotypes  hpo_ids  evidence  publications
    MYH7    green       monoallelic          HGNC:7577 ...

(then padding, ensembl_GRCh37, ensembl_GRCh38)

Only ``symbol`` and ``confidence`` are required. Lists are separated by ";". Confidence is green/amber/red or a
PanelApp level 0-4; mode of inheritance is one of our short codes or a PanelApp sentence.
"""
from __future__ import annotations

import io
from pathlib import Path

from panels.models import ModeOfInheritance
from panels.panelapp import CONFIDENCE_BY_LEVEL, HPO_ID, PanelFileError, ParsedPanel, mode_of_inheritance

COLUMNS = ("symbol", "confidence", "mode_of_inheritance", "hgnc_id", "penetrance", "phenotypes", "hpo_ids",
           "evidence", "publications", "padding", "ensembl_GRCh37", "ensembl_GRCh38")
LIST_COLUMNS = ("phenotypes", "hpo_ids", "evidence", "publications")
METADATA_KEYS = ("name", "code", "version", "source")
_SHORT_MODES = tuple(ModeOfInheritance.values)


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def read_panel_tsv(path: Path | str, *, name: str | None = None) -> ParsedPanel:
    source = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise PanelFileError(source, None, None, f"not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    metadata: dict[str, str] = {}
    header: list[str] | None = None
    panel = ParsedPanel(name="", version="", panelapp_id=None)
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith("##"):
            key, _, value = line[2:].partition(":")
            if key.strip().lower() in METADATA_KEYS:
                metadata[key.strip().lower()] = value.strip()
            continue
        fields = [field.strip() for field in line.split("\t")]
        if header is None:
            header = [field.lstrip("#").strip().lower().replace(" ", "_") for field in fields]
            header = [h if not h.startswith("ensembl_grch") else "ensembl_GRCh" + h[len("ensembl_grch"):]
                      for h in header]
            for required in ("symbol", "confidence"):
                if required not in header:
                    raise PanelFileError(source, number, required,
                                         f"the header needs a {required} column (has: {', '.join(header)})")
            unknown = [h for h in header if h not in COLUMNS]
            if unknown:
                raise PanelFileError(source, number, unknown[0],
                                     f"unknown column; the columns are {', '.join(COLUMNS)}")
            continue
        if len(fields) > len(header):
            raise PanelFileError(source, number, None,
                                 f"{len(fields)} fields but the header has {len(header)} columns")
        row = dict(zip(header, fields + [""] * (len(header) - len(fields))))
        panel.entries.append(_entry(row, source=source, line=number, seen=seen))
    if header is None:
        raise PanelFileError(source, None, None, "no header line and no genes")
    panel.name = name or metadata.get("name") or Path(path).stem
    panel.version = metadata.get("version", "")
    panel.code = metadata.get("code", "")
    panel.source = metadata.get("source", "")
    return panel


def _entry(row: dict, *, source: str, line: int, seen: dict[str, int]) -> dict:
    symbol = row["symbol"]
    if not symbol:
        raise PanelFileError(source, line, "symbol", "empty gene symbol")
    if symbol.upper() in seen:
        raise PanelFileError(source, line, "symbol", f"{symbol} is listed twice (first on line {seen[symbol.upper()]})")
    seen[symbol.upper()] = line
    confidence = row["confidence"].lower()
    confidence = CONFIDENCE_BY_LEVEL.get(confidence, confidence)
    if confidence not in ("green", "amber", "red"):
        raise PanelFileError(source, line, "confidence",
                             f"{symbol}: confidence {row['confidence']!r} is not green, amber, red or a level 0-4")
    moi_text = row.get("mode_of_inheritance", "")
    moi = moi_text.lower() if moi_text.lower() in _SHORT_MODES else mode_of_inheritance(moi_text)
    if moi is None:
        raise PanelFileError(source, line, "mode_of_inheritance",
                             f"{symbol}: unknown mode of inheritance {moi_text!r} (use {', '.join(_SHORT_MODES)})")
    padding = row.get("padding", "") or "0"
    if not padding.isdecimal():
        raise PanelFileError(source, line, "padding", f"{symbol}: padding {padding!r} is not a whole number of bases")
    hpo_ids = _list(row.get("hpo_ids", ""))
    bad_hpo = [h for h in hpo_ids if not HPO_ID.fullmatch(h)]
    if bad_hpo:
        raise PanelFileError(source, line, "hpo_ids", f"{symbol}: {bad_hpo[0]!r} is not an HPO id (HP:0000000)")
    return {
        "symbol": symbol,
        "hgnc_id": row.get("hgnc_id", ""),
        "ensembl_ids": {
            build: row[f"ensembl_{build}"] for build in ("GRCh37", "GRCh38") if row.get(f"ensembl_{build}")
        },
        "confidence": confidence,
        "mode_of_inheritance": moi,
        "penetrance": row.get("penetrance", ""),
        "phenotypes": _list(row.get("phenotypes", "")),
        "hpo_ids": hpo_ids,
        "evidence": _list(row.get("evidence", "")),
        "publications": _list(row.get("publications", "")),
        "padding": int(padding),
    }


def panel_tsv(*, metadata: dict, entries: list[dict]) -> str:
    out = io.StringIO()
    for key in METADATA_KEYS:
        if metadata.get(key):
            out.write(f"## {key}: {metadata[key]}\n")
    out.write("\t".join(COLUMNS) + "\n")
    for entry in entries:
        values = []
        for column in COLUMNS:
            if column.startswith("ensembl_"):
                value = (entry.get("ensembl_ids") or {}).get(column[len("ensembl_"):], "")
            elif column in LIST_COLUMNS:
                value = "; ".join(str(v).replace(";", ",") for v in entry.get(column) or [])
            else:
                value = entry.get(column, "")
            values.append(str(value).replace("\t", " ").replace("\n", " "))
        out.write("\t".join(values) + "\n")
    return out.getvalue()
