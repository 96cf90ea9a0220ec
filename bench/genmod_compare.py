"""Compare our inheritance calls on the Scout demo trio 643594 with genmod's GeneticModels annotations in the
same file (an independent tool), and explain every disagreement by the rule that decides it.

    .venv/bin/python bench/genmod_compare.py [--markdown]

Needs the demo case imported (make setup). Every filter off except the proband carrying the variant, so both
tools judge the same rows.
"""
import collections
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

import cyvcf2  # noqa: E402

from genomes.models import Case  # noqa: E402
from interpret.analysis.engine import run_analysis  # noqa: E402
from interpret.rules import inheritance as rules  # noqa: E402

GENMOD = {"AD": "ad", "AD_dn": "de_novo", "AR_hom": "ar_hom", "AR_hom_dn": "ar_hom", "AR_comp": "comp_het",
          "AR_comp_dn": "comp_het", "XR": "x_linked", "XR_dn": "x_linked", "XD": "x_linked", "XD_dn": "x_linked"}
MODES = ("de_novo", "ar_hom", "comp_het", "x_linked", "ad")


def ours_of(candidate):
    modes = set()
    for mode in candidate.modes:
        modes.add({"x_de_novo": "x_linked", "possible_comp_het": "comp_het"}.get(mode, mode))
    return modes


def row_consequence(row) -> str:
    return row.get("worst_consequence") or "no consequence"


def reason(mode, row, family, genmod_models, candidate):
    """Why the two tools disagree on ``mode`` for this row (the first rule that decides it)."""
    gts = [row["genotypes"][p] for p in (family.proband, family.father, family.mother)]
    if mode in ("de_novo", "ar_hom", "ad", "x_linked") and -1 in gts:
        return "a missing genotype (./.): genmod counts it as possibly matching, we conclude nothing from it"
    if mode == "de_novo":
        if gts[0] not in (1, 3):
            return "proband not heterozygous"
        for position, who in ((family.father, "father"), (family.mother, "mother")):
            if not rules._confident_ref(row, position):
                return f"{who}'s hom-ref call has depth < {rules.PARENT_MIN_DEPTH} or GQ < {rules.PARENT_MIN_GQ}"
        balance = row["allele_fraction"][family.proband]
        if balance is not None and not rules.DE_NOVO_MIN_AB <= balance <= rules.DE_NOVO_MAX_AB:
            return "proband allele balance outside 0.2-0.8"
        return "other"
    if mode == "comp_het":
        if candidate is not None and "comp_het" in ours_of(candidate) and "AR_comp" not in genmod_models \
                and "AR_comp_dn" not in genmod_models:
            return (f"we pair it ({row_consequence(row)}); genmod's compound step in this file pairs only variants "
                    "of its exonic/splice annotation regions")
        return "partner not rare/het or both from one parent"
    if mode == "ad":
        return "an unaffected parent carries it" if any(g in (1, 2, 3) for g in gts[1:]) else "de novo, not AD"
    if mode == "ar_hom":
        return ("a parent is hom-ref: genmod's AR_hom_dn (one allele de novo); our AR homozygous rule "
                "(interpret.rules.inheritance.is_ar_hom) wants both parents het"
                if 0 in gts[1:] else "proband not hom-alt")
    return "other"


def main(markdown: bool) -> None:
    case = Case.objects.get(identifier="DEMO-RARE-643594")
    result = run_analysis(case, {"genome_wide": True, "max_popmax": None, "impacts": [], "pass_only": False,
                                 "include_clinvar_pathogenic": False}, record=False)
    by_key = {(c.row["chrom"], c.row["pos"], c.row["ref"], c.row["alt"]): c for c in result.candidates}
    family = result.family
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT chrom, pos, ref, alt, genotypes, depth, genotype_quality, allele_fraction, "
                       "gnomad_popmax, worst_consequence FROM genomes_casevariant WHERE case_id = %s", [case.pk])
        names = [c.name for c in cursor.description]
        stored = {tuple(r[:4]): dict(zip(names, r)) for r in cursor.fetchall()}
    counts = collections.Counter()
    reasons = collections.Counter()
    examples = {}
    for record in cyvcf2.VCF(str(Path(__file__).resolve().parents[1] / "genomes/demo_data/643594.clinical.vcf.gz")):
        models = set()
        for part in (record.INFO.get("GeneticModels") or "").split(","):
            if ":" in part:
                models |= set(part.split(":", 1)[1].split("|"))
        theirs = {GENMOD[m] for m in models if m in GENMOD}
        for alt in record.ALT:
            key = (record.CHROM, record.POS, record.REF, alt)
            row = stored.get(key)
            if row is None:
                continue  # split and trimmed differently (multiallelic); counted by the import QC
            candidate = by_key.get(key)
            mine = ours_of(candidate) if candidate else set()
            for mode in MODES:
                agree = (mode in theirs) == (mode in mine)
                counts[(mode, "agree" if agree else ("genmod only" if mode in theirs else "ours only"))] += 1
                if not agree:
                    why = reason(mode, row, family, models, candidate)
                    side = "genmod only" if mode in theirs else "ours only"
                    reasons[(mode, side, why)] += 1
                    examples.setdefault((mode, side, why), f"{record.CHROM}:{record.POS} {record.REF}>{alt}")
    if markdown:
        print("| mode | agree | genmod only | ours only |\n|---|---|---|---|")
        for mode in MODES:
            print(
                f"| {mode} | {counts[(mode, 'agree')]} | {counts[(mode, 'genmod only')]} "
                f"| {counts[(mode, 'ours only')]} |"
            )
        print("\n| mode | side | reason | sites | example |\n|---|---|---|---|---|")
        for (mode, side, why), n in sorted(reasons.items()):
            print(f"| {mode} | {side} | {why} | {n} | {examples[(mode, side, why)]} |")
    else:
        for key, n in sorted(counts.items()):
            print(key, n)
        for key, n in sorted(reasons.items()):
            print(key, n, examples[key])


if __name__ == "__main__":
    main("--markdown" in sys.argv)
