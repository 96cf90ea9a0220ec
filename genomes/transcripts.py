"""The order in which a variant's transcript annotations are read, as stored from the pipeline's CSQ/ANN.

MANE Select first, then the Ensembl canonical transcript, then VEP's own order (by severity): the first is the
one whose HGVS the table, the exports and classifications show.
"""
from __future__ import annotations

import re


def sorted_transcripts(transcripts: list[dict]) -> list[dict]:
    """MANE Select first, then the Ensembl canonical, then in the order the pipeline listed them."""
    return sorted(transcripts or [], key=lambda t: (not t.get("mane_select"), not t.get("canonical")))


def canonical_transcript(transcripts: list[dict]) -> dict | None:
    """The transcript a variant is shown by: the first of ``sorted_transcripts``."""
    ordered = sorted_transcripts(transcripts)
    return ordered[0] if ordered else None


def gene_transcript(transcripts: list[dict], gene: str | None) -> dict | None:
    """The transcript a call is shown by for one gene: that gene's, those with a protein change first, then as
    ``canonical_transcript`` orders them; None when the gene has none."""
    of_gene = [t for t in transcripts or [] if gene and t.get("gene") == gene]
    return canonical_transcript([t for t in of_gene if t.get("hgvsp")] or of_gene)


def decoded_hgvs(text: str | None) -> str | None:
    """HGVS as written, not as VEP URL-escapes it (``p.(%3D)`` is ``p.(=)``)."""
    if not text or "%" not in text:
        return text
    from urllib.parse import unquote

    return unquote(text)


AMINO_ACIDS = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
               "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
               "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "U": "Sec", "*": "Ter", "X": "Ter"}
_ONE_LETTER_CHANGE = re.compile(r"^(?:p\.)?\(?([ARNDCQEGHILKMFPSTWYVU*X])(\d+)([ARNDCQEGHILKMFPSTWYVU*X=]?)"
                                r"(fs(?:\*|X|Ter)?\d*)?\)?$")
_THREE_LETTER_CHANGE = re.compile(r"^(?:p\.)?\(?([A-Z][a-z]{2}\d+(?:[A-Z][a-z]{2}|=|\*)?(?:fs(?:Ter|\*)?\d*)?)\)?$")
_TRANSCRIPT_CHANGE = re.compile(r"^(N[MRP]_\d+(?:\.\d+)?|ENS[TP]\d+(?:\.\d+)?):([cnpg]\..+)$")


def protein_search_text(text: str) -> str | None:
    """A protein change as the annotation stores it (3-letter amino acids): 'R713Q', 'p.Arg713Gln',
    'p.(R713*)' -> 'Arg713Gln', 'Arg713Ter'; None when ``text`` is not a protein change."""
    text = text.strip()
    match = _THREE_LETTER_CHANGE.match(text)
    if match:
        return match.group(1).replace("*", "Ter")
    match = _ONE_LETTER_CHANGE.match(text)
    if not match:
        return None
    before, number, after, shift = match.groups()
    if not (after or shift or text.startswith("p.")):
        return None  # "F8", "C3": gene symbols, not protein changes
    after = "" if not after else "=" if after == "=" else AMINO_ACIDS[after]
    shift = (shift or "").replace("fs*", "fsTer").replace("fsX", "fsTer")
    return f"{AMINO_ACIDS[before]}{number}{after}{shift}"


def transcript_change_search(text: str) -> tuple[str, str] | None:
    """('NM_000059', 'c.123A>G') from 'NM_000059.4:c.123A>G' (RefSeq or Ensembl id, version optional):
    the transcript to look for (its id without version) and the change."""
    match = _TRANSCRIPT_CHANGE.match(text.strip())
    if not match:
        return None
    return match.group(1).split(".")[0], match.group(2)
