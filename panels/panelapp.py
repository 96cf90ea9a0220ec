"""Reading panels in the PanelApp API's panel format (JSON object, JSON list, or one object per line).

PanelApp stores confidence as levels: 3-4 green (diagnostic grade), 2 amber, 0-1 red (Genomics England
PanelApp, Martin et al. 2019, Nat Genet 51:1560). Its modes
of inheritance are long sentences; they map to our short vocabulary (panels.models.ModeOfInheritance), and an
unrecognised one is an error naming the panel, the gene and the text, never a silent "unknown".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InputFileError

CONFIDENCE_BY_LEVEL = {"4": "green", "3": "green", "2": "amber", "1": "red", "0": "red"}
HPO_ID = re.compile(r"HP:\d{7}")
BUILD_NAMES = {"grch37": "GRCh37", "grch38": "GRCh38"}


class PanelFileError(InputFileError):
    pass


@dataclass
class ParsedPanel:
    name: str
    version: str
    panelapp_id: int | None
    entries: list[dict] = field(default_factory=list)
    line: int | None = None
    code: str = ""
    source: str = ""


def mode_of_inheritance(text: str | None) -> str | None:
    """Our vocabulary for a PanelApp mode-of-inheritance sentence; None if it is not one PanelApp uses."""
    value = (text or "").strip()
    upper = value.upper()
    if not value or upper == "UNKNOWN":
        return "unknown"
    if upper.startswith("MONOALLELIC"):
        imprinted = "MATERNALLY IMPRINTED" in upper or "PATERNALLY IMPRINTED" in upper
        return "monoallelic_imprinted" if imprinted else "monoallelic"
    if upper.startswith("BIALLELIC"):
        return "biallelic"
    if upper.startswith("BOTH"):
        return "both"
    if upper.startswith("X-LINKED") or upper.startswith("X LINKED"):
        return "x_linked"
    if upper.startswith("MITOCHONDRIAL"):
        return "mitochondrial"
    if upper.startswith("OTHER"):
        return "other"
    return None


def parse_panelapp_panel(panel, *, source: str, line: int | None = None) -> ParsedPanel:
    """One PanelApp panel object; any shape PanelApp does not write is a PanelFileError naming the field."""
    if not isinstance(panel, dict):
        raise PanelFileError(source, line, None, f"expected a PanelApp panel object, found {_kind(panel)}")
    name = _text(panel.get("name"), source, line, "name")
    if not name:
        raise PanelFileError(source, line, "name", "a panel needs a name")
    # PanelApp ids are numbers; our own JSON export carries the panel code as its id, so a re-import finds it.
    raw_id = panel.get("id")
    if isinstance(raw_id, (dict, list, bool)):
        raise PanelFileError(source, line, "id", f"{_kind(raw_id)} is not a panel id")
    panelapp_id = int(raw_id) if raw_id is not None and str(raw_id).isdecimal() else None
    parsed = ParsedPanel(name=name, version=_text(panel.get("version"), source, line, "version", scalar=True),
                         panelapp_id=panelapp_id, line=line,
                         code="" if panelapp_id is not None or raw_id is None else str(raw_id),
                         source=_text(panel.get("source"), source, line, "source", scalar=True))
    seen: set[str] = set()
    for number, gene in enumerate(_list(panel.get("genes"), source, line, "genes"), start=1):
        where = f"genes[{number}]"
        if not isinstance(gene, dict):
            raise PanelFileError(source, line, where, f"expected a gene object, found {_kind(gene)}")
        data = gene.get("gene_data") or {}
        if not isinstance(data, dict):
            raise PanelFileError(source, line, f"{where}.gene_data", f"expected an object, found {_kind(data)}")
        symbol = (_text(gene.get("entity_name"), source, line, f"{where}.entity_name")
                  or _text(data.get("gene_symbol"), source, line, f"{where}.gene_data.gene_symbol")).strip()
        if not symbol:
            raise PanelFileError(source, line, f"{where}.entity_name", f"panel {name!r}: a gene without a symbol")
        if symbol in seen:
            raise PanelFileError(source, line, f"{where}.entity_name", f"panel {name!r}: {symbol} is listed twice")
        seen.add(symbol)
        level = _text(gene.get("confidence_level"), source, line, f"{where}.confidence_level", scalar=True).strip()
        if level not in CONFIDENCE_BY_LEVEL:
            raise PanelFileError(source, line, f"{where}.confidence_level",
                                 f"panel {name!r}, {symbol}: confidence level {level!r} is not 0-4")
        moi = mode_of_inheritance(_text(gene.get("mode_of_inheritance"), source, line, f"{where}.mode_of_inheritance"))
        if moi is None:
            raise PanelFileError(
                source,
                line,
                f"{where}.mode_of_inheritance",
                f"panel {name!r}, {symbol}: unknown mode of inheritance {gene.get('mode_of_inheritance')!r}",
            )
        phenotypes = [str(p) for p in _list(gene.get("phenotypes"), source, line, f"{where}.phenotypes")]
        ensembl_genes = data.get("ensembl_genes") or {}
        if not isinstance(ensembl_genes, dict):
            raise PanelFileError(source, line, f"{where}.gene_data.ensembl_genes",
                                 f"expected an object, found {_kind(ensembl_genes)}")
        parsed.entries.append({
            "symbol": symbol,
            "hgnc_id": _text(data.get("hgnc_id"), source, line, f"{where}.gene_data.hgnc_id"),
            "ensembl_ids": _ensembl_ids(ensembl_genes),
            "confidence": CONFIDENCE_BY_LEVEL[level],
            "mode_of_inheritance": moi,
            "penetrance": _text(gene.get("penetrance"), source, line, f"{where}.penetrance"),
            "phenotypes": phenotypes,
            "hpo_ids": sorted({hpo for p in phenotypes for hpo in HPO_ID.findall(p)}),
            "evidence": [str(e) for e in _list(gene.get("evidence"), source, line, f"{where}.evidence")],
            "publications": [str(p) for p in _list(gene.get("publications"), source, line, f"{where}.publications")],
            "padding": _padding(gene.get("padding"), source=source, line=line, where=f"{where}.padding"),
        })
    return parsed


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def _text(value, source: str, line: int | None, where: str, *, scalar: bool = False) -> str:
    """Text of a field; missing is empty. ``scalar``: a number is accepted too (versions, confidence levels)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if scalar and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise PanelFileError(source, line, where, f"expected text, found {_kind(value)}")


def _list(value, source: str, line: int | None, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PanelFileError(source, line, where, f"expected a list, found {_kind(value)}")
    return value


def _padding(value, *, source: str, line: int | None, where: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not str(value).isdecimal():
        raise PanelFileError(source, line, where, f"padding {value!r} is not a whole number of bases")
    return int(value)


def _ensembl_ids(ensembl_genes: dict) -> dict:
    """{"GRch37": {"82": {"ensembl_id": ...}}} -> {"GRCh37": ...}, the newest release's id per build."""
    ids = {}
    for build, releases in ensembl_genes.items():
        name = BUILD_NAMES.get(build.lower())
        if name and isinstance(releases, dict) and releases:
            newest = max(releases, key=lambda release: int(release) if str(release).isdecimal() else 0)
            release = releases[newest]
            ensembl_id = release.get("ensembl_id") if isinstance(release, dict) else None
            if isinstance(ensembl_id, str) and ensembl_id:
                ids[name] = ensembl_id
    return ids


def read_panelapp_file(path: Path | str) -> list[ParsedPanel]:
    """All panels of a PanelApp JSON file: one object, a list, an API page ({"results": [...]}) or JSON lines."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PanelFileError(source, None, None, f"not a text file ({exc.reason} at byte {exc.start})") from None
    stripped = text.strip()
    if not stripped:
        raise PanelFileError(source, None, None, "the file is empty")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as whole_error:
        panels = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                panels.append(parse_panelapp_panel(json.loads(line), source=source, line=number))
            except json.JSONDecodeError as exc:
                if number == 1:
                    raise PanelFileError(
                        source, whole_error.lineno, None, f"not PanelApp JSON ({whole_error.msg})"
                    ) from None
                raise PanelFileError(
                    source, number, None, f"malformed JSON ({exc.msg} at column {exc.colno})"
                ) from None
        return panels
    if isinstance(document, dict) and "results" in document and "genes" not in document:
        document = document["results"]
    documents = document if isinstance(document, list) else [document]
    if not all(isinstance(d, dict) for d in documents):
        raise PanelFileError(source, None, None, "expected PanelApp panel objects")
    return [parse_panelapp_panel(d, source=source) for d in documents]


# Writing: our short vocabulary back to PanelApp's sentences, and colours back to levels (green 3, amber 2, red 1,
# which is how PanelApp itself reports a reviewed list).
PANELAPP_MODE_OF_INHERITANCE = {
    "monoallelic": "MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown",
    "monoallelic_imprinted": (
        "MONOALLELIC, autosomal or pseudoautosomal, maternally imprinted (paternal allele expressed)"
    ),
    "biallelic": "BIALLELIC, autosomal or pseudoautosomal",
    "both": "BOTH monoallelic and biallelic, autosomal or pseudoautosomal",
    "x_linked": "X-LINKED: hemizygous mutation in males, biallelic mutations in females",
    "mitochondrial": "MITOCHONDRIAL",
    "unknown": "Unknown",
    "other": "Other - please specifiy in evaluation comments",
}
LEVEL_BY_CONFIDENCE = {"green": "3", "amber": "2", "red": "1"}
PANELAPP_BUILD_NAMES = {"GRCh37": "GRch37", "GRCh38": "GRch38"}


def panelapp_document(*, panel_id: int | str, name: str, version: str, entries: list[dict],
                      extra: dict | None = None) -> dict:
    """One panel in the PanelApp API's format; read_panelapp_file reads it back to the same entries. Padding,
    which PanelApp has no field for, travels as an extra gene key that PanelApp clients ignore."""
    genes = []
    for entry in entries:
        genes.append({
            "entity_type": "gene",
            "entity_name": entry["symbol"],
            "confidence_level": LEVEL_BY_CONFIDENCE[entry["confidence"]],
            "mode_of_inheritance": PANELAPP_MODE_OF_INHERITANCE[entry["mode_of_inheritance"]],
            "penetrance": entry.get("penetrance") or None,
            "phenotypes": list(entry.get("phenotypes") or []),
            "evidence": list(entry.get("evidence") or []),
            "publications": list(entry.get("publications") or []),
            "gene_data": {
                "gene_symbol": entry["symbol"],
                "hgnc_symbol": entry["symbol"],
                "hgnc_id": entry.get("hgnc_id") or None,
                "ensembl_genes": {PANELAPP_BUILD_NAMES[build]: {"": {"ensembl_id": ensembl_id}}
                                  for build, ensembl_id in sorted((entry.get("ensembl_ids") or {}).items())
                                  if build in PANELAPP_BUILD_NAMES},
            },
            "padding": int(entry.get("padding") or 0),
        })
    return {"id": panel_id, "name": name, "version": version, **(extra or {}),
            "stats": {"number_of_genes": len(genes), "number_of_strs": 0, "number_of_regions": 0},
            "genes": genes, "strs": [], "regions": []}
