"""Reference tables of the somatic view: cancer gene roles (with predisposition genes) and hotspot residues. The
user provides them as TSV files (`manage.py load_cancer_knowledge`); the small demo tables `make run` and the tests
load are interpret.demo's."""
from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from core.audit import Action, audit_record
from core.errors import InputFileError
from interpret.cancer.models import CancerGene, Hotspot

_ROLES = {"oncogene": "oncogene", "tsg": "tsg", "tumour suppressor": "tsg", "tumor suppressor": "tsg",
          "both": "both", "oncogene, tsg": "both"}


def tsv_rows(path: Path | str, required: tuple[str, ...]):
    """(line number, row dict) of a TSV with a header line; '#' lines are comments. Errors name file, line, field."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(path.name, None, None, f"cannot be read as UTF-8 text: {error}") from None
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise InputFileError(path.name, None, None, "no header line")
    header_line, header = numbered[0]
    columns = [c.strip().lower() for c in next(csv.reader([header], delimiter="\t"))]
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputFileError(path.name, header_line, missing[0], f"the header lacks the column {missing[0]!r}")
    for number, line in numbered[1:]:
        values = next(csv.reader([line], delimiter="\t"))
        if len(values) > len(columns):
            raise InputFileError(path.name, number, None, f"{len(values)} fields; the header has {len(columns)}")
        yield number, {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}


def cancer_genes_load(path, *, source: str, by=None) -> int:
    """Replace the cancer gene list with a TSV (symbol, role[, predisposition]); all or nothing."""
    genes = {}
    for number, row in tsv_rows(path, ("symbol", "role")):
        role = _ROLES.get(row["role"].lower())
        if role is None:
            raise InputFileError(Path(path).name, number, "role",
                                 f"{row['role']!r} is not oncogene, tsg or both")
        if not row["symbol"]:
            raise InputFileError(Path(path).name, number, "symbol", "empty")
        predisposition = row.get("predisposition", "").lower() in ("yes", "true", "1", "y")
        genes[row["symbol"]] = CancerGene(symbol=row["symbol"], role=role, predisposition=predisposition,
                                          source=source)
    with transaction.atomic():
        CancerGene.objects.all().delete()
        CancerGene.objects.bulk_create(genes.values())
        audit_record(action=Action.CHANGE, user=by, object_type="cancer_gene_list", object_id=source[:60],
                     details={"genes": len(genes), "file": Path(path).name})
    return len(genes)


def hotspots_load(path, *, source: str, by=None) -> int:
    """Replace the hotspot table with a TSV (gene, residue, change, residue_samples, change_samples)."""
    from interpret.cancer.oncogenicity import protein_change

    spots = {}
    for number, row in tsv_rows(path, ("gene", "residue", "residue_samples")):
        parsed = protein_change("p." + row["residue"])
        if parsed is None:
            raise InputFileError(Path(path).name, number, "residue", f"{row['residue']!r} is not like V617")
        counts = {}
        for field in ("residue_samples", "change_samples"):
            text = row.get(field, "") or "0"
            if not text.isdecimal():
                raise InputFileError(Path(path).name, number, field, f"{text!r} is not a count")
            counts[field] = int(text)
        spots[(row["gene"], parsed[1], row.get("change", ""))] = Hotspot(
            gene=row["gene"], residue=parsed[0], position=parsed[1], change=row.get("change", ""), source=source,
            **counts)
    with transaction.atomic():
        Hotspot.objects.all().delete()
        Hotspot.objects.bulk_create(spots.values())
        audit_record(action=Action.CHANGE, user=by, object_type="hotspot_table", object_id=source[:60],
                     details={"hotspots": len(spots), "file": Path(path).name})
    return len(spots)


def cancer_gene_roles(symbols) -> dict[str, CancerGene]:
    return {g.symbol: g for g in CancerGene.objects.filter(symbol__in=list(symbols))}


def symbols_with_roles(roles) -> list[str]:
    wanted = set(roles)
    if "oncogene" in wanted or "tsg" in wanted:
        wanted.add("both")
    return list(CancerGene.objects.filter(role__in=wanted).values_list("symbol", flat=True))


def predisposition_symbols() -> set[str]:
    return set(CancerGene.objects.filter(predisposition=True).values_list("symbol", flat=True))


def hotspot_table(genes) -> dict[tuple[str, int], list[Hotspot]]:
    """The hotspots of some genes, read at once, by (gene, position)."""
    table: dict[tuple[str, int], list[Hotspot]] = {}
    for spot in Hotspot.objects.filter(gene__in=list(genes)):
        table.setdefault((spot.gene, spot.position), []).append(spot)
    return table


def hotspot_of(gene: str, position: int, change: str, table: dict | None = None) -> dict | None:
    """Counts at a residue: samples with any change there, and with this change (``table``: hotspot_table's,
    read once for many calls)."""
    spots = (table if table is not None else hotspot_table([gene])).get((gene, position), [])
    if not spots:
        return None
    residue_samples = max(s.residue_samples for s in spots)
    same = [s.change_samples for s in spots if s.change and s.change.upper() == change.upper()]
    return {"residue": spots[0].residue, "residue_samples": residue_samples,
            "change_samples": max(same) if same else 0, "source": spots[0].source}
