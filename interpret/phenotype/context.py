"""A case's phenotype as the analysis uses it: the terms (the proband's observed terms, or those a recorded run
names, so that re-running a run ranks as it did), their gene scores and ranks by the chosen method, the HPO panel
(the genes annotated to at least one term, or scoring above a threshold), and per candidate its phenotype match
with the term pairs that explain it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from genomes.hpo import HpoTermError, ontology_version, term_resolve
from interpret.phenotype.ranking import gene_scores, matched_pairs, pair_text, phenotype_match, ranks_of


@lru_cache(maxsize=64)
def _scored(terms: tuple[str, ...], method: str) -> tuple[dict, dict]:
    scores = gene_scores(list(terms), method=method)
    return scores, ranks_of(scores)


@dataclass
class PhenotypeContext:
    terms: list[str]
    method: str
    version: str
    scores: dict[str, float]
    ranks: dict[str, float]

    def match(self, genes: list[str]) -> dict:
        value, gene = phenotype_match(self.scores, genes)
        return {"match": value, "gene": gene, "gene_rank": self.ranks.get(gene) if gene else None,
                "gene_score": self.scores.get(gene) if gene else None, "genes_ranked": len(self.scores)}

    def explain(self, gene: str) -> list[str]:
        return [pair_text(pair) for pair in matched_pairs(self.terms, gene, method=self.method)] if gene else []

    def panel_genes(self, min_score: float | None = None) -> list[str]:
        """The HPO panel: genes annotated to at least one of the terms, or (``min_score``) scoring at least it."""
        if min_score is None:
            counts, _ = _scored(tuple(self.terms), "count")
            return sorted(gene for gene, count in counts.items() if count >= 1)
        return sorted(gene for gene, score in self.scores.items() if score >= min_score)


def terms_checked(values: list[str], *, field: str) -> list[str]:
    """Current ids of ``values`` (obsolete ones replaced), in order, once each; a bad id is an HpoTermError."""
    return list(dict.fromkeys(term_resolve(value, field=f"{field}[{i}]").term_id for i, value in enumerate(values)))


def phenotype_context(case, settings: dict) -> PhenotypeContext | None:
    """The context of ``settings`` (``hpo_terms`` when a run names them, else the proband's observed terms, which
    are then written into the settings so that the recorded run names them); None without terms."""
    from genomes.phenotypes import proband_terms

    method = settings.get("phenotype_method") or "resnik"
    terms = list(settings.get("hpo_terms") or []) or proband_terms(case)
    if not terms:
        return None
    try:
        terms = terms_checked(terms, field="hpo_terms")
    except HpoTermError as error:
        from django.core.exceptions import ValidationError

        raise ValidationError(str(error)) from None
    settings["hpo_terms"] = terms
    scores, ranks = _scored(tuple(terms), method)
    return PhenotypeContext(terms, method, ontology_version(), scores, ranks)
