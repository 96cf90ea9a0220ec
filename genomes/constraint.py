"""Gene constraint from a gnomAD constraint table the user points to (GNOMAD_CONSTRAINT_TABLE, a file like the
GTF): pLI and LOEUF per gene symbol. Reads gnomAD v2.1.1's lof_metrics.by_gene (gene, pLI, oe_lof_upper) and
v4's constraint_metrics (gene, lof.pLI, lof.oe_ci.upper; the MANE Select or canonical transcript's row)."""
from __future__ import annotations

import csv
import gzip
from functools import lru_cache
from pathlib import Path

from core.errors import InputFileError

_COLUMNS = {"pli": ("pLI", "lof.pLI"), "loeuf": ("oe_lof_upper", "lof.oe_ci.upper"),
            "preferred": ("mane_select", "canonical")}


@lru_cache(maxsize=2)
def constraint_table(path: str) -> dict[str, dict]:
    source = Path(path)
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        fields = reader.fieldnames or []
        if "gene" not in fields:
            raise InputFileError(str(path), 1, "gene", "not a gnomAD constraint table: no 'gene' column")
        pli = next((c for c in _COLUMNS["pli"] if c in fields), None)
        loeuf = next((c for c in _COLUMNS["loeuf"] if c in fields), None)
        if pli is None and loeuf is None:
            raise InputFileError(str(path), 1, None, "not a gnomAD constraint table: no pLI or LOEUF column")
        preferred = [c for c in _COLUMNS["preferred"] if c in fields]
        table: dict[str, dict] = {}
        for row in reader:
            gene = row["gene"]
            is_preferred = any((row.get(c) or "").lower() == "true" for c in preferred)
            if gene in table and not is_preferred:
                continue  # v4 lists every transcript; keep the MANE Select / canonical one
            table[gene] = {"pli": _number(row.get(pli)) if pli else None,
                           "loeuf": _number(row.get(loeuf)) if loeuf else None}
    return table


def gene_constraint(path: str | None, gene: str | None) -> dict | None:
    if not path or not gene:
        return None
    return constraint_table(str(path)).get(gene)


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
