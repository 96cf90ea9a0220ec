"""The combined candidate score on planted cases (issue 27), and the benchmark that chose its phenotype weight.

    INTERPRET_DATA_DIR=/tmp/bench-phenotype .venv/bin/python bench/phenotype_planted.py [--records 100000]
        [--weights 0 1 2 3 4 6 8 10 12]

Background: the generator's synthetic trio (genomes.synthetic, gene copies over every chromosome, rare sites only),
imported and analysed by the engine as the "Phenotype first" preset does (genome-wide, popmax <= 1%, HIGH or
MODERATE, any inheritance): thousands of rare candidates with their modes and scores. The generator's gene names
are synthetic ("<GENE>-syn<chrom>.<copy>") and no HPO annotation knows them, which would hand the planted gene an
unfair lead; so each background gene is renamed to a gene drawn at random (seed 1) from the ontology's annotated
genes, and background candidates match a phenotype as real genes do.

Planted: each published case of tests/data/phenopackets whose causal variant(s) carry a GRCh38 vcfRecord and
whose gene the ontology annotates. The variant gets a consequence annotation written from its HGVS (a stop or
frameshift: HIGH; a splice-site c. change: HIGH; a missense or in-frame change: MODERATE; p.(=): LOW) and a
genotype in the trio from its allelic state: homozygous from two carrier parents; two heterozygous variants of one
gene one from each parent; a single heterozygous one de novo; hemizygous on X from a carrier mother. No population
frequency (the file carries frequencies, so it counts as absent there), no ClinVar, no predictor score: the
variant's own evidence is its consequence and its inheritance. It is scored by the engine's scoring function with
the case's observed terms, among the background's candidates scored with the same terms.

Reported per weight: the share of cases whose causal variant ranks in the top 5 and top 10 (ties at mid-rank),
and, side by side at the shipped weight, the combined score against phenotype-only (the candidates by their
phenotype match) and variant-only (the score without its phenotype part) ranking on the same cases.
"""
import argparse
import io
import json
import os
import random
import re
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--records", type=int, default=100_000)
parser.add_argument("--weights", type=float, nargs="+", default=[0, 1, 2, 3, 4, 6, 8, 10, 12])
args = parser.parse_args()
call_command("bootstrap", verbosity=0)

from core.jobs import job_run  # noqa: E402
from core.models import Department, PatientGroup  # noqa: E402
from genomes.hpo import HpoTermError, term_resolve  # noqa: E402
from genomes.importing.prepare import case_import_prepare  # noqa: E402
from genomes.models import Case  # noqa: E402
from genomes.synthetic import CohortSpec, generate_cohort  # noqa: E402
from genomes.variant_identity import normalize_contig, xpos  # noqa: E402
from interpret.analysis.engine import candidate_score, run_analysis  # noqa: E402
from interpret.phenotype.context import _scored  # noqa: E402
from interpret.phenotype.ranking import annotated_genes, phenotype_match  # noqa: E402
from interpret.rules.inheritance import compound_het_pairs, modes_of_row  # noqa: E402
from interpret.rules.scoring import PHENOTYPE_WEIGHT, score_total  # noqa: E402

ARCHIVE = ROOT / "tests/data/phenopackets/phenopacket-store-sample400.tar.gz"
GTF = ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"
out = Path(tempfile.gettempdir()) / f"bench-phenotype-{args.records}"
if not (out / "truth.tsv").exists():
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[GTF], families=1, records=args.records, rare_only=True,
                               seed=2027, cache_dir=out / ".pyensembl", gene_copies=True))
family_id = next(p.stem for p in out.glob("*.ped"))
case = Case.objects.filter(identifier=f"PHENO-{family_id}-{args.records}").first()
if case is None:
    department, _ = Department.objects.get_or_create(code="bench", defaults={"name": "Benchmark department"})
    prepared = case_import_prepare(patient_group=PatientGroup.objects.get(code="RARE"), department=department,
                                   send_to_worker=False, ped_path=out / f"{family_id}.ped",
                                   vcf_path=out / f"{family_id}.vcf.gz",
                                   case_identifier=f"PHENO-{family_id}-{args.records}")
    assert job_run(prepared.job_id).state == "done"
    case = prepared.case
settings = {"genome_wide": True, "max_popmax": 0.01, "impacts": ["HIGH", "MODERATE"], "inheritance": []}
background = run_analysis(case, settings, record=False)
family, evidence = background.family, background.evidence
rng = random.Random(1)
genes = sorted(gene.name for gene, _ in annotated_genes())
renamed: dict[str, str] = {}
for candidate in background.candidates:
    candidate.row["genes"] = [renamed.setdefault(g, rng.choice(genes)) for g in candidate.row["genes"]]
print(f"background: {len(background.candidates):,} candidates of {case.identifier} "
      f"({len(renamed):,} synthetic genes renamed to annotated ones)")

STOP = re.compile(r"p\.\(?[A-Z][a-z]{2}\d+(Ter|\*)|p\.\(?[A-Z]\d+\*|Ter\)?$")
FRAMESHIFT = re.compile(r"fs")
SPLICE = re.compile(r"c\.[\d*-]+[+-][12][ACGT]|c\.\d+[+-][12]_")
INFRAME = re.compile(r"p\.\(?[A-Z][a-z]{2}\d+(_[A-Z][a-z]{2}\d+)?(del|ins|dup|delins)")


def annotation(expressions: dict, ref: str, alt: str) -> tuple[str, str]:
    """(SO consequence, impact) written from the variant's HGVS and alleles, as an annotator would give it."""
    protein, coding = expressions.get("hgvs.p", ""), expressions.get("hgvs.c", "")
    if SPLICE.search(coding):
        return ("splice_donor_variant" if "+" in coding else "splice_acceptor_variant"), "HIGH"
    if len(ref) != len(alt):  # an indel: its frame from its length
        return ("frameshift_variant", "HIGH") if (len(ref) - len(alt)) % 3 else ("inframe_deletion", "MODERATE")
    if FRAMESHIFT.search(protein):
        return "frameshift_variant", "HIGH"
    if STOP.search(protein):
        return "stop_gained", "HIGH"
    if INFRAME.search(protein):
        return "inframe_deletion", "MODERATE"
    if protein.rstrip(")").endswith("="):
        return "synonymous_variant", "LOW"
    return "missense_variant", "MODERATE"  # a substitution changing an amino acid, or without a p. expression


def planted_cases():
    with tarfile.open(ARCHIVE) as archive:
        members = sorted((m for m in archive.getmembers() if m.name.endswith(".json")), key=lambda m: m.name)
        for member in members:
            packet = json.load(io.TextIOWrapper(archive.extractfile(member), encoding="utf-8"))
            terms = []
            for feature in packet.get("phenotypicFeatures", []):
                if not feature.get("excluded"):
                    try:
                        terms.append(term_resolve(feature["type"]["id"], field=member.name).term_id)
                    except HpoTermError:
                        pass
            variants = []
            for interpretation in packet.get("interpretations", []):
                for finding in interpretation.get("diagnosis", {}).get("genomicInterpretations", []):
                    descriptor = finding.get("variantInterpretation", {}).get("variationDescriptor", {})
                    record = descriptor.get("vcfRecord")
                    symbol = descriptor.get("geneContext", {}).get("symbol")
                    if record and symbol and record.get("genomeAssembly", "").lower() in ("hg38", "grch38"):
                        variants.append({"record": record, "gene": symbol,
                                         "state": descriptor.get("allelicState", {}).get("label", ""),
                                         "expressions": {e["syntax"]: e["value"]
                                                         for e in descriptor.get("expressions", [])}})
            yield Path(member.name).name, list(dict.fromkeys(terms)), variants


def genotypes_for(variants: list[dict], index: int, chrom: str) -> list[int]:
    """Codes by sample position (the trio's proband, father, mother) for the planted variant ``index``."""
    codes = [0] * len(background.candidates[0].row["genotypes"])
    state = variants[index]["state"]
    same_gene = [v for v in variants if v["gene"] == variants[index]["gene"]]
    if state == "homozygous":
        codes[family.proband], codes[family.father], codes[family.mother] = 2, 1, 1
    elif state == "hemizygous" or (chrom == "X" and family.proband_male):
        codes[family.proband], codes[family.mother] = 2, 1
    elif len(same_gene) >= 2:  # two heterozygous variants of one gene: one from each parent
        codes[family.proband] = 1
        codes[family.father if same_gene.index(variants[index]) % 2 == 0 else family.mother] = 1
    else:  # a single heterozygous variant: de novo
        codes[family.proband] = 1
    return codes


template = background.candidates[0].row
results = []
started = time.perf_counter()
for name, terms, variants in planted_cases():
    annotated = set(genes)
    if not terms or not variants or not any(v["gene"] in annotated for v in variants):
        continue
    scores, _ = _scored(tuple(terms), "resnik")
    rows = []
    for index, variant in enumerate(variants):
        record = variant["record"]
        chrom = normalize_contig(str(record["chrom"]))
        consequence, impact = annotation(variant["expressions"], record["ref"], record["alt"])
        rows.append({**template, "id": -1 - index, "variant_id": -1 - index, "chrom": chrom, "pos": int(record["pos"]),
                     "ref": record["ref"], "alt": record["alt"], "xpos": xpos(chrom, int(record["pos"])),
                     "genes": [variant["gene"]], "consequences": [consequence], "worst_consequence": consequence,
                     "impact": impact, "gnomad_af": None, "gnomad_popmax": None, "clinvar": [], "cadd_phred": None,
                     "revel": None, "spliceai": None, "filter": "PASS",
                     "genotypes": genotypes_for(variants, index, chrom)})
    pairs = compound_het_pairs(rows, family)
    scored = []  # (is planted, parts without phenotype, phenotype match)
    for row in rows:
        modes = modes_of_row(row, family) + [kind for _, kind in pairs.get(row["id"], [])]
        match, _ = phenotype_match(scores, row["genes"])
        parts, _ = candidate_score(row, panel=None, modes=modes, evidence=evidence, phenotype=None)
        scored.append((True, parts, match))
    for candidate in background.candidates:
        match, _ = phenotype_match(scores, candidate.row["genes"])
        parts = {k: v for k, v in candidate.score_parts.items() if k != "phenotype"}
        scored.append((False, parts, match))
    results.append((name, scored))
print(f"{len(results)} planted cases scored in {time.perf_counter() - started:.0f} s")


def rank_of(scored, key) -> float:
    """The best planted variant's rank by ``key``, highest first, ties at mid-rank."""
    values = [key(parts, match) for _, parts, match in scored]
    best = max(value for (planted, _, _), value in zip(scored, values) if planted)
    higher = sum(value > best for value in values)
    ties = sum(value == best for value in values)
    return higher + (ties + 1) / 2


def share(ranks, top) -> str:
    return f"{sum(r <= top for r in ranks) / len(ranks):.1%}"


def combined(weight):
    return lambda parts, match: score_total({**parts, "phenotype": round(weight * match, 2)})


print("| phenotype weight | top-1 | top-5 | top-10 | median rank |")
print("|---|---|---|---|---|")
for weight in args.weights:
    ranks = [rank_of(scored, combined(weight)) for _, scored in results]
    shipped = " (shipped)" if weight == PHENOTYPE_WEIGHT else ""
    print(f"| {weight:g}{shipped} | {share(ranks, 1)} | {share(ranks, 5)} | {share(ranks, 10)} | "
          f"{statistics.median(ranks):g} |")
print()
print(f"side by side on the same {len(results)} cases (shipped weight {PHENOTYPE_WEIGHT:g}):")
print("| ranking | top-1 | top-5 | top-10 | median rank |")
print("|---|---|---|---|---|")
for label, key in (("combined score", combined(PHENOTYPE_WEIGHT)),
                   ("phenotype only", lambda parts, match: match),
                   ("variant only", lambda parts, match: score_total(parts))):
    ranks = [rank_of(scored, key) for _, scored in results]
    print(f"| {label} | {share(ranks, 1)} | {share(ranks, 5)} | {share(ranks, 10)} | {statistics.median(ranks):g} |")
