"""The order in which a variant's transcript annotations are read, as stored from the pipeline's CSQ/ANN.

MANE Select first, then the Ensembl canonical transcript, then VEP's own order (by severity): the first is the
one whose HGVS the table, the exports and classifications show.
"""
from __future__ import annotations


def sorted_transcripts(transcripts: list[dict]) -> list[dict]:
    """MANE Select first, then the Ensembl canonical, then in the order the pipeline listed them."""
    return sorted(transcripts or [], key=lambda t: (not t.get("mane_select"), not t.get("canonical")))


def canonical_transcript(transcripts: list[dict]) -> dict | None:
    """The transcript a variant is shown by: the first of ``sorted_transcripts``."""
    ordered = sorted_transcripts(transcripts)
    return ordered[0] if ordered else None
