"""How a structural or copy-number call is written in a report: HGVS-style on the chromosome's RefSeq accession
(``NC_000001.11:g.(?_1000000)_(2000000_?)del``, the uncertain form when the caller states confidence intervals
or reads copy number from depth) and ISCN-style (ISCN 2020 for sequencing: ``seq[GRCh38] del(1)(p36.33p36.32)``
with ``1p36.33p36.32(1000000_2000000)x1``).

Bands come from the cytobands ClinGen's dosage table gives its genes (the band of the curated gene at or
nearest each end, on the same arm): the platform ships no cytoband map, so a call on a chromosome without a
curated gene, or with no dosage table loaded, is written without a band and says so."""
from __future__ import annotations

import re

from genomes.models import DosageSensitivity

REFSEQ_CHROMOSOMES = {
    "GRCh38": {**{str(n): f"NC_{n:06d}.{v}" for n, v in zip(range(1, 23), (
        11, 12, 12, 12, 10, 12, 14, 11, 12, 11, 10, 12, 11, 9, 10, 10, 11, 10, 10, 11, 9, 11))},
        "X": "NC_000023.11", "Y": "NC_000024.10", "MT": "NC_012920.1"},
    "GRCh37": {**{str(n): f"NC_{n:06d}.{v}" for n, v in zip(range(1, 23), (
        10, 11, 11, 11, 9, 11, 13, 10, 11, 10, 9, 11, 10, 8, 9, 9, 10, 9, 9, 10, 8, 10))},
        "X": "NC_000023.10", "Y": "NC_000024.9", "MT": "NC_012920.1"},
}
HGVS_TYPES = {"DEL": "del", "DUP": "dup", "INV": "inv"}
BAND = re.compile(r"^(?:\d+|X|Y)?([pq])(\d+(?:\.\d+)?)$")


def _accession(build: str, chrom: str) -> str:
    return REFSEQ_CHROMOSOMES.get(build, {}).get(chrom, f"chr{chrom}")


def sv_hgvs(*, build: str, chrom: str, start: int, end: int, svtype: str, direction: str | None = None,
            cipos: list[int] | None = None, ciend: list[int] | None = None, from_depth: bool = False) -> str:
    """The HGVS-style description, or "" for a type HGVS cannot write as one interval (a breakend, an insertion
    of unstated sequence)."""
    kind = HGVS_TYPES.get(svtype) or {"loss": "del", "gain": "dup"}.get(direction or "")
    if kind is None or end < start:
        return ""
    imprecise = from_depth or svtype == "CNV" or any(cipos or ()) or any(ciend or ())
    where = f"(?_{start})_({end}_?)" if imprecise else f"{start}_{end}"
    return f"{_accession(build, chrom)}:g.{where}{kind}"


def _bands(build: str, chrom: str, start: int, end: int) -> tuple[str, str] | None:
    """(band at the start, band at the end), from the curated genes at or nearest each end."""
    genes = [(g_start, g_end, band) for g_start, g_end, band in DosageSensitivity.objects.filter(
        build=build, chrom=chrom).exclude(cytoband="").values_list("start", "end", "cytoband")
        if BAND.match(band.strip())]
    if not genes:
        return None

    def nearest(position: int) -> str:
        return min(genes, key=lambda g: 0 if g[0] <= position <= g[1] else min(abs(g[0] - position),
                                                                               abs(g[1] - position)))[2]

    return BAND.match(nearest(start).strip()).group(0), BAND.match(nearest(end).strip()).group(0)


def _band_text(band: str) -> str:
    found = BAND.match(band)
    return f"{found.group(1)}{found.group(2)}"


def sv_iscn(*, build: str, chrom: str, start: int, end: int, svtype: str, direction: str | None,
            copy_number: int | None) -> dict:
    """{"iscn": the ISCN-style text, "note": how the band was found}; empty text for a type without a
    copy-number change."""
    kind = {"loss": "del", "gain": "dup"}.get(direction or "") or HGVS_TYPES.get(svtype)
    if kind is None or kind == "inv":
        return {"iscn": "", "note": "ISCN-style text is written for losses and gains"}
    bands = _bands(build, chrom, start, end)
    copies = f"x{copy_number}" if copy_number is not None else ("x1" if kind == "del" else "x3")
    if bands is None:
        return {"iscn": f"seq[{build}] {chrom}({start}_{end}){copies}",
                "note": "band not known: no curated dosage gene on this chromosome to take it from"}
    first, last = (_band_text(b) for b in bands)
    span = first if first == last else f"{first}{last}"
    return {"iscn": f"seq[{build}] {kind}({chrom})({span}) · {chrom}{span}({start}_{end}){copies}",
            "note": "bands from the cytobands of ClinGen's curated genes nearest each end (approximate)"}
