"""Resolving panel genes: HGNC for current symbols, previous symbols and aliases; a local Ensembl GTF per
build (through pyensembl) for gene ids and coordinates. A gene found in neither is reported, never dropped."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from genomes.transcript_models import ensembl_genome
from genomes.variant_identity import normalize_contig


@dataclass(frozen=True)
class GeneLocation:
    build: str
    gene_id: str
    symbol: str
    chrom: str
    start: int  # 1-based, inclusive, as in the GTF
    end: int


@dataclass
class GeneResolution:
    requested: str
    symbol: str
    hgnc_id: str = ""
    ensembl_ids: dict = field(default_factory=dict)
    locations: dict = field(default_factory=dict)
    note: str = ""
    in_hgnc: bool = False

    @property
    def known(self) -> bool:
        """Found in the HGNC table or in a build's gene models; an HGNC id that only the panel file claims is not
        enough."""
        return self.in_hgnc or bool(self.locations)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.strip('"').split("|") if part.strip()]


class HgncTable:
    """The HGNC complete set (TSV: hgnc_id, symbol, alias_symbol, prev_symbol, ensembl_gene_id, ...)."""

    def __init__(self, path: Path | str):
        self.by_id, self.by_symbol, self.by_previous, self.by_alias = {}, {}, {}, {}
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row.get("status", "Approved") != "Approved":
                    continue
                self.by_id[row["hgnc_id"]] = row
                self.by_symbol[row["symbol"].upper()] = row
                for previous in _split(row.get("prev_symbol", "")):
                    self.by_previous.setdefault(previous.upper(), []).append(row)
                for alias in _split(row.get("alias_symbol", "")):
                    self.by_alias.setdefault(alias.upper(), []).append(row)

    def lookup(self, symbol: str, hgnc_id: str = "") -> tuple[dict | None, str]:
        if hgnc_id and hgnc_id in self.by_id:
            row = self.by_id[hgnc_id]
            return row, "" if row["symbol"] == symbol else f"{symbol} is now {row['symbol']} ({hgnc_id})"
        key = symbol.upper()
        if key in self.by_symbol:
            return self.by_symbol[key], ""
        for kind, index in (("a previous symbol", self.by_previous), ("an alias", self.by_alias)):
            rows = index.get(key, [])
            if len(rows) == 1:
                return rows[0], f"{symbol} is {kind} of {rows[0]['symbol']}"
            if len(rows) > 1:
                return None, f"{symbol} is {kind} of several genes: {', '.join(r['symbol'] for r in rows)}"
        return None, f"{symbol} is not in the HGNC table"


class GeneResolver:
    def __init__(self, *, gtf_by_build: dict[str, Path | str], hgnc_table: Path | str | None = None,
                 cache_dir: Path | str):
        self.hgnc = HgncTable(hgnc_table) if hgnc_table else None
        self.genes_by_build: dict[str, tuple[dict, dict]] = {}
        for build, gtf in gtf_by_build.items():
            by_id, by_symbol = {}, {}
            for gene in ensembl_genome(gtf, build=build, cache_dir=cache_dir).genes():
                location = GeneLocation(build, gene.gene_id, gene.gene_name or gene.gene_id,
                                        normalize_contig(gene.contig), gene.start, gene.end)
                by_id[gene.gene_id] = location
                if gene.gene_name:
                    by_symbol.setdefault(gene.gene_name.upper(), location)
            self.genes_by_build[build] = (by_id, by_symbol)

    def resolve(self, symbol: str, *, hgnc_id: str = "", ensembl_ids: dict | None = None) -> GeneResolution:
        resolution = GeneResolution(requested=symbol, symbol=symbol, hgnc_id=hgnc_id,
                                    ensembl_ids=dict(ensembl_ids or {}))
        notes = []
        if self.hgnc is not None:
            row, note = self.hgnc.lookup(symbol, hgnc_id)
            if note:
                notes.append(note)
            if row is not None:
                resolution.in_hgnc = True
                resolution.symbol, resolution.hgnc_id = row["symbol"], row["hgnc_id"]
                if row.get("ensembl_gene_id"):
                    for build in self.genes_by_build:
                        resolution.ensembl_ids.setdefault(build, row["ensembl_gene_id"])
        for build, (by_id, by_symbol) in self.genes_by_build.items():
            location = by_id.get(resolution.ensembl_ids.get(build, "")) or by_symbol.get(resolution.symbol.upper())
            if location is not None:
                resolution.locations[build] = location
                resolution.ensembl_ids[build] = location.gene_id
        if not resolution.locations and self.genes_by_build:
            notes.append(f"not in the gene models of {', '.join(self.genes_by_build)}")
        resolution.note = "; ".join(notes)
        return resolution


def panel_bed_lines(entries: list[dict], *, build: str, resolver: GeneResolver, title: str) -> list[str]:
    """BED (0-based start, end exclusive) of gene regions plus each entry's padding; unresolved genes listed
    in a comment. GRCh38 contigs are written chr-prefixed (UCSC style), GRCh37 without (b37 style)."""
    rows, missing = [], []
    for entry in entries:
        resolution = resolver.resolve(entry["symbol"], hgnc_id=entry.get("hgnc_id", ""),
                                      ensembl_ids=entry.get("ensembl_ids"))
        location = resolution.locations.get(build)
        if location is None:
            missing.append(entry["symbol"])
            continue
        padding = int(entry.get("padding") or 0)
        chrom = ("chr" if build == "GRCh38" else "") + location.chrom
        rows.append((location.chrom, location.start, f"{chrom}\t{max(0, location.start - 1 - padding)}\t"
                                                     f"{location.end + padding}\t{resolution.symbol}"))
    from genomes.variant_identity import contig_index

    rows.sort(key=lambda r: (contig_index(r[0]), r[1]))
    header = [f"# {title} ({build})"] + ([f"# not in the {build} gene models: {', '.join(sorted(missing))}"]
                                         if missing else [])
    return header + [r[2] for r in rows]


_configured: dict[tuple, GeneResolver] = {}


def configured_gene_resolver() -> GeneResolver:
    """The resolver for settings.GENE_MODEL_GTF and HGNC_TABLE, built once per process (pyensembl indexes a GTF
    into PYENSEMBL_CACHE_DIR on first use; later processes open the index)."""
    from django.conf import settings

    key = (tuple(sorted(settings.GENE_MODEL_GTF.items())), settings.HGNC_TABLE, str(settings.PYENSEMBL_CACHE_DIR))
    if key not in _configured:
        missing = [path for path in [*settings.GENE_MODEL_GTF.values(), settings.HGNC_TABLE]
                   if path and not Path(path).exists()]
        if missing:
            raise FileNotFoundError(f"reference file(s) not found: {', '.join(missing)} "
                                    "(settings GTF_GRCH38, GTF_GRCH37, HGNC_TABLE)")
        _configured[key] = GeneResolver(gtf_by_build=settings.GENE_MODEL_GTF, hgnc_table=settings.HGNC_TABLE or None,
                                        cache_dir=settings.PYENSEMBL_CACHE_DIR)
    return _configured[key]
