"""The transcript a variant is shown by, on every channel (variant table, variant page, classification, report,
Phenopacket, API, ``analyse_case``): one rule, ``shown_transcript``.

A variant overlapping two genes (PLEKHN1 and PERM1 at 1:979415) has transcripts of both; the one shown is the
one whose consequence made the variant a candidate (the analysis's consequence or impact filter; without one,
the most severe impact), within the panel's genes when a panel is applied, preferring MANE Select, then the
Ensembl canonical transcript, then VEP's PICK, then the most severe consequence, then the pipeline's order.
"""
from __future__ import annotations

import re

from genomes.vcf.consequences import CONSEQUENCE_IMPACT, CONSEQUENCE_RANK, IMPACT_RANK, UNKNOWN_RANK


def _severity(transcript: dict) -> int:
    return min((CONSEQUENCE_RANK.get(term, UNKNOWN_RANK) for term in transcript.get("consequences") or ()),
               default=UNKNOWN_RANK + 1)


def _impact(transcript: dict) -> str:
    impact = transcript.get("impact")
    if impact:
        return impact
    terms = transcript.get("consequences") or ()
    return min((CONSEQUENCE_IMPACT.get(t, "MODIFIER") for t in terms), key=lambda i: IMPACT_RANK.get(i, 9),
               default="")


def _gene(transcript: dict) -> str:
    return (transcript.get("gene") or transcript.get("symbol") or "").upper()


def shown_transcript(transcripts: list[dict], *, genes=None, impacts=(), consequences=()) -> dict | None:
    """The transcript a variant is shown by (see the module's rule). ``genes``: the panel's gene symbols when a
    panel is applied (or the one gene a classification is for); ``impacts`` and ``consequences``: the filter
    that made it a candidate."""
    transcripts = list(transcripts or [])
    if not transcripts:
        return None
    wanted_genes = {g.upper() for g in genes or ()}
    if wanted_genes and any(_gene(t) in wanted_genes for t in transcripts):
        transcripts = [t for t in transcripts if _gene(t) in wanted_genes]
    impacts, terms = set(impacts or ()), set(consequences or ())
    qualifying = [t for t in transcripts
                  if (impacts and _impact(t) in impacts) or (terms and terms & set(t.get("consequences") or ()))]
    if not qualifying:
        best = min(IMPACT_RANK.get(_impact(t), 9) for t in transcripts)
        qualifying = [t for t in transcripts if IMPACT_RANK.get(_impact(t), 9) == best]
    order = {id(t): i for i, t in enumerate(transcripts)}
    return min(qualifying, key=lambda t: (not t.get("mane_select"), not t.get("canonical"), not t.get("pick"),
                                          _severity(t), order[id(t)]))


def transcripts_in_display_order(transcripts: list[dict], shown: dict | None) -> list[dict]:
    """Every transcript, the shown one first, then MANE Select, canonical, in the pipeline's order (variant page)."""
    rest = sorted((t for t in transcripts or [] if t is not shown),
                  key=lambda t: (not t.get("mane_select"), not t.get("canonical")))
    return ([shown] if shown is not None else []) + rest


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
