"""Gene dosage sensitivity (ClinGen's dosage curation TSV) and the dosage-sensitive genes a copy-number call covers.

The file: comment lines first (``#ClinGen Gene Curation Results``, the curation date, ``#Genomic Locations are
reported on GRCh38 ...``), then a ``#Gene Symbol\\tGene ID\\tcytoBand\\tGenomic Location\\tHaploinsufficiency
Score\\t...\\tTriplosensitivity Score\\t...`` header and one gene per line. Scores: 0 no evidence, 1 little, 2
some, 3 sufficient evidence for dosage pathogenicity, 30 gene associated with an autosomal recessive phenotype, 40
dosage sensitivity unlikely. Loading replaces the build's table in one transaction; a bad line is named."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from genomes.models import DosageSensitivity
from genomes.variant_identity import GenomeBuild, normalize_contig

SCORES = {0, 1, 2, 3, 30, 40}
ESTABLISHED = 3  # "sufficient evidence": the score the CNV standards' section 2A and 2H count
_LOCATION = re.compile(r"^(chr)?([0-9XYMT]{1,2}):(\d+)-(\d+)$", re.IGNORECASE)
_BUILD = re.compile(r"reported on (GRCh3[78])", re.IGNORECASE)
REQUIRED = ("Gene Symbol", "Genomic Location", "Haploinsufficiency Score", "Triplosensitivity Score")


@dataclass
class DosageFile:
    build: str
    source: str
    rows: list[DosageSensitivity]


def read_dosage_file(path: Path | str, *, build: str | None = None) -> DosageFile:
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputFileError(name, None, None, f"not a text file ({error.reason})") from None
    stated_build, curated, columns, rows = None, "", None, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            found = _BUILD.search(line)
            if found:
                stated_build = str(GenomeBuild(found.group(1)))
            if re.match(r"^#\d{1,2} \w+,\s*\d{4}", line):
                curated = line.lstrip("#").strip()
            if line.startswith("#Gene Symbol"):
                columns = [c.strip() for c in line.lstrip("#").split("\t")]
                missing = [c for c in REQUIRED if c not in columns]
                if missing:
                    raise InputFileError(name, number, None, f"the header lacks {', '.join(missing)}")
            continue
        if columns is None:
            raise InputFileError(name, number, None, "a gene line before the '#Gene Symbol' header line")
        fields = dict(zip(columns, line.split("\t")))
        rows.append(_row(name, number, fields))
    if columns is None:
        raise InputFileError(name, None, None, "no '#Gene Symbol' header line: not ClinGen's dosage curation file")
    chosen = build or stated_build
    if chosen is None:
        raise InputFileError(name, None, None, "the file does not state its build; give --build GRCh37|GRCh38")
    if build and stated_build and str(GenomeBuild(build)) != stated_build:
        raise InputFileError(name, None, None, f"the file states {stated_build}, not {build}")
    for row in rows:
        row.build = str(GenomeBuild(chosen))
    return DosageFile(str(GenomeBuild(chosen)), f"{name} ({curated or 'curation date not stated'})", rows)


def _score(name: str, number: int, field: str, value: str) -> int | None:
    value = (value or "").strip()
    if value in ("", "Not yet evaluated", "-1"):
        return None
    if not value.isascii() or not value.isdecimal() or int(value) not in SCORES:
        raise InputFileError(name, number, field, f"{value[:20]!r} is not a ClinGen dosage score "
                             "(0, 1, 2, 3, 30, 40)")
    return int(value)


def _row(name: str, number: int, fields: dict) -> DosageSensitivity:
    gene = (fields.get("Gene Symbol") or "").strip()
    if not gene:
        raise InputFileError(name, number, "Gene Symbol", "empty")
    location = _LOCATION.match("".join((fields.get("Genomic Location") or "").split()))  # "chr13: 1-2" occurs
    if not location:
        raise InputFileError(name, number, "Genomic Location",
                             f"{fields.get('Genomic Location', '')[:40]!r} is not chrom:start-end")
    start, end = int(location.group(3)), int(location.group(4))
    if end < start:
        raise InputFileError(name, number, "Genomic Location", "ends before it starts")
    return DosageSensitivity(
        gene=gene[:60], ncbi_gene_id=(fields.get("Gene ID") or "").strip()[:20],
        cytoband=(fields.get("cytoBand") or "").strip()[:30], chrom=normalize_contig(location.group(2)),
        start=start, end=end,
        haploinsufficiency=_score(name, number, "Haploinsufficiency Score", fields.get("Haploinsufficiency Score")),
        triplosensitivity=_score(name, number, "Triplosensitivity Score", fields.get("Triplosensitivity Score")))


def dosage_load(path: Path | str, *, build: str | None = None, by=None,
                audit: AuditContext | None = None) -> dict:
    """Replace the build's dosage table with the file's genes, all or nothing; audited."""
    read = read_dosage_file(path, build=build)
    genes = [row.gene for row in read.rows]
    duplicated = sorted({g for g in genes if genes.count(g) > 1})
    if duplicated:
        raise InputFileError(Path(path).name, None, "Gene Symbol", f"listed twice: {', '.join(duplicated[:5])}")
    established_before = _established(read.build)
    with transaction.atomic():
        replaced = DosageSensitivity.objects.filter(build=read.build).delete()[0]
        for row in read.rows:
            row.source = read.source[:200]
        DosageSensitivity.objects.bulk_create(read.rows, batch_size=2000)
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="dosage_sensitivity",
                     object_id=read.build, details={"source": read.source, "genes": len(read.rows),
                                                    "replaced": replaced})
        newly = {gene: sorted(set(kinds) - set(established_before.get(gene, ())))
                 for gene, kinds in _established(read.build).items()}
        newly = {gene: kinds for gene, kinds in newly.items() if kinds}
        if newly:
            from genomes.signals import dosage_genes_established

            build_ = read.build
            transaction.on_commit(lambda: dosage_genes_established.send(sender=DosageSensitivity, build=build_,
                                                                        genes=newly))
    scores = {"haploinsufficiency": {}, "triplosensitivity": {}}
    for row in read.rows:
        for kind in scores:
            value = getattr(row, kind)
            key = "not evaluated" if value is None else str(value)
            scores[kind][key] = scores[kind].get(key, 0) + 1
    return {"build": read.build, "source": read.source, "genes": len(read.rows), "replaced": replaced,
            "scores": scores, "newly_established": newly}


def _established(build: str) -> dict[str, list[str]]:
    """Gene -> the dosage kinds established for it (ClinGen score 3) in the build's table."""
    found: dict[str, list[str]] = {}
    for gene, hi, ts in DosageSensitivity.objects.filter(build=build).values_list(
            "gene", "haploinsufficiency", "triplosensitivity"):
        kinds = [kind for kind, score in (("haploinsufficiency", hi), ("triplosensitivity", ts)) if score == 3]
        if kinds:
            found[gene] = kinds
    return found


class DosageIndex:
    """The build's curated genes in memory (ClinGen's list is ~1,500 genes), for many calls at once; empty (and
    ``loaded`` False) when no dosage table is loaded for the build."""

    def __init__(self, build: str):
        self.by_chrom: dict[str, list[tuple[int, int, str, int | None, int | None]]] = {}
        for row in DosageSensitivity.objects.filter(build=build).values_list(
                "chrom", "start", "end", "gene", "haploinsufficiency", "triplosensitivity"):
            self.by_chrom.setdefault(row[0], []).append(row[1:])
        for rows in self.by_chrom.values():
            rows.sort()
        self.loaded = bool(self.by_chrom)

    def covered(self, chrom: str, start: int, end: int) -> list[dict]:
        return [{"gene": gene, "whole": start <= g_start and g_end <= end, "haploinsufficiency": hi,
                 "triplosensitivity": ts}
                for g_start, g_end, gene, hi, ts in self.by_chrom.get(chrom, ()) if g_start <= end and g_end >= start]
