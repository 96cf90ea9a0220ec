"""A tumour case's calls as the somatic view and analyse_case show them: the somatic filters as column predicates
on the tumour's and the normal's reads, then per candidate its tumour VAF, depth and alt reads, the normal's alt
reads, its cancer gene role, hotspot, AMP/ASCO/CAP tier, oncogenicity when classified, and flags: germline leakage
or tumour-in-normal, and a (likely) pathogenic germline variant in a cancer predisposition gene, for genetic
counselling referral (through the germline classification store and ClinVar).

What the file does not carry is never read as a value: a missing normal VAF does not make a call somatic, a missing
tumour VAF does not pass a VAF filter, and no flag fires on a missing figure.
"""
from __future__ import annotations

import re

from genomes import case_variant_filters as row_filter
from genomes import case_variants
from genomes.case_variant_filters import Condition
from genomes.clinvar import is_pathogenic
from genomes.somatic import somatic_summary
from genomes.transcripts import decoded_hgvs, shown_transcript
from genomes.vcf.consequences import NEARBY
from interpret.cancer.biomarkers import tiers_for
from interpret.cancer.knowledge import (
    cancer_gene_roles,
    hotspot_of,
    hotspot_table,
    predisposition_symbols,
    symbols_with_roles,
)
from interpret.cancer.oncogenicity import protein_change
from interpret.classification.selectors import final_germline_pathogenic, final_oncogenicity_of

# A normal sample with this VAF or more carries the allele in the germline, or the call is not somatic.
GERMLINE_NORMAL_VAF = 0.25
# Alt reads in the normal at a lower VAF: tumour cells in the normal sample, or germline leakage to judge.
NORMAL_ALT_READS_NOTED = 3


def somatic_conditions(settings: dict, tumour: int | None, normal: int | None) -> list[Condition]:
    """The somatic filters as conditions on the rows: the tumour carries the call; minimums need the value (a
    missing VAF passes no VAF minimum), maximums on the normal keep calls whose normal value is not given."""
    if tumour is None:
        return [row_filter.never()]
    conditions = [row_filter.carries(tumour)]
    if settings.get("min_tumour_vaf") is not None:
        conditions.append(row_filter.sample_at_least(tumour, "allele_fraction", settings["min_tumour_vaf"]))
    if settings.get("min_tumour_depth") is not None:
        conditions.append(row_filter.read_depth_at_least(tumour, settings["min_tumour_depth"]))
    if settings.get("min_tumour_alt_reads") is not None:
        conditions.append(row_filter.sample_at_least(tumour, "alt_reads", settings["min_tumour_alt_reads"]))
    if normal is not None:
        for key, measure in (("max_normal_alt_reads", "alt_reads"), ("max_normal_vaf", "allele_fraction")):
            if settings.get(key) is not None:
                conditions.append(row_filter.sample_at_most_or_missing(normal, measure, settings[key]))
    if settings.get("cancer_genes"):
        conditions.append(row_filter.in_genes(symbols_with_roles(settings["cancer_genes"])))
    return conditions


def somatic_notes(settings: dict, facts: dict | None) -> list[str]:
    if facts is None:
        keys = [k for k in ("min_tumour_vaf", "min_tumour_depth", "min_tumour_alt_reads", "max_normal_alt_reads",
                            "max_normal_vaf") if settings.get(k) is not None]
        keys += [k for k in ("cancer_genes", "hotspots_only") if settings.get(k)]
        return [f"Not a tumour case: the tumour filters ({', '.join(keys)}) were not applied."] if keys else []
    notes = list(facts["evidence"]["lacks"])
    if facts["normal"] is None and (settings.get("max_normal_alt_reads") is not None
                                    or settings.get("max_normal_vaf") is not None):
        notes.append("No normal sample: the normal alt-read and VAF filters were not applied.")
    return notes


def _within(gene: str, transcripts: list[dict]) -> bool:
    """Does the call lie in the gene (a term of one of its transcripts other than up/downstream)? Without
    transcript annotation, the row's gene list is all there is to go by."""
    of_gene = [t for t in transcripts if t.get("gene") == gene]
    if not transcripts:
        return True
    return any(set(t.get("consequences", [])) - NEARBY for t in of_gene)


# The names guidelines and boards use for calls whose HGVS does not say what they are (ELN 2022, WHO 2022): VEP
# annotates a FLT3 internal tandem duplication as coding_sequence_variant&feature_elongation.
_FLT3_TKD = re.compile(r"^(?:Asp835|Ile836)")


def biomarker_name(gene: str | None, terms, ref: str, alt: str, protein_change: str | None) -> str | None:
    """The recognised name of a call, where it has one: FLT3-ITD (an in-frame insertion of FLT3), FLT3-TKD
    (D835/I836), NPM1 frameshift (NPM1c: the cytoplasmic mutant of AML)."""
    terms = set(terms or ())
    inserted = len(alt) - len(ref)
    if gene == "FLT3" and inserted >= 3 and inserted % 3 == 0:
        return f"FLT3-ITD ({inserted} bp)"
    if gene == "FLT3" and protein_change and _FLT3_TKD.match(protein_change):
        return "FLT3-TKD"
    if gene == "NPM1" and "frameshift_variant" in terms:
        return "NPM1 frameshift (NPM1c)"
    return None


def _value(array, position):
    if position is None or array is None or position >= len(array):
        return None
    return array[position]


def _depth(row, position):
    depth = _value(row["depth"], position)
    if (
        depth is None
        and _value(row["ref_reads"], position) is not None
        and _value(row["alt_reads"], position) is not None
    ):
        depth = row["ref_reads"][position] + row["alt_reads"][position]
    return depth


def somatic_facts_of_row(row: dict, tumour: int | None, normal: int | None) -> dict:
    facts = {"tumour_vaf": _value(row["allele_fraction"], tumour), "tumour_depth": _depth(row, tumour),
             "tumour_alt_reads": _value(row["alt_reads"], tumour), "normal_alt_reads": None, "normal_depth": None,
             "normal_vaf": None}
    if normal is not None:
        facts.update(normal_alt_reads=_value(row["alt_reads"], normal), normal_depth=_depth(row, normal),
                     normal_vaf=_value(row["allele_fraction"], normal))
    return facts


def somatic_candidates(case, case_import, candidates: list, settings: dict, positions: tuple) -> tuple[list, dict]:
    """Adds each candidate's somatic facts (Candidate.somatic), keeps hotspots only when asked; returns the
    candidates and the case's somatic summary (samples, TMB, evidence)."""
    tumour, normal = positions
    summary = (case_import.statistics or {}).get("somatic") or somatic_summary(case, case_import)
    facts = {"tumour": tumour, "normal": normal, "evidence": summary["evidence"], "tmb": summary["tmb"],
             "profile": summary["profile"], "tumour_type": case.tumour_type}
    if not candidates:
        return candidates, facts
    rows = [c.row for c in candidates]
    transcripts = case_variants.transcripts_of(case_import.pk, case.pk, [r["id"] for r in rows])
    genes = {g for r in rows for g in r["genes"]}
    roles = cancer_gene_roles(genes)
    predisposition = predisposition_symbols() & genes
    hotspots = hotspot_table(genes)
    variant_ids = [r["variant_id"] for r in rows]
    oncogenicity = final_oncogenicity_of(variant_ids, case.department_id)
    germline_classes = final_germline_pathogenic(variant_ids) if predisposition else {}
    for candidate in candidates:
        row = candidate.row
        annotated = transcripts.get(row["id"]) or []
        # shown by its cancer gene where it touches one (a JAK2 V617F also lies in AL161450.1), else canonically
        gene = next((g for g in row["genes"] if g in roles and _within(g, annotated)), None)
        canonical = shown_transcript(annotated, genes=[gene] if gene else None)
        gene = gene or (canonical or {}).get("gene") or (row["genes"][0] if row["genes"] else None)
        hgvsp = decoded_hgvs(canonical.get("hgvsp")) if canonical else None
        role = roles.get(gene) if gene in roles and _within(gene, annotated) else None
        parsed = protein_change(hgvsp)
        hotspot = hotspot_of(gene, parsed[1], parsed[2], hotspots) if (gene and parsed) else None
        somatic = somatic_facts_of_row(row, tumour, normal)
        gene_terms = sorted({term for t in annotated if t.get("gene") == gene for term in t.get("consequences", [])})
        somatic.update(gene=gene, hgvsp=hgvsp, gene_consequences=gene_terms or list(row["consequences"]),
                       protein_change=parsed[2] if parsed else None,
                       name=biomarker_name(gene, gene_terms or row["consequences"], row["ref"], row["alt"],
                                           parsed[2] if parsed else None),
                       cancer_gene_role=role.role if role else None, hotspot=hotspot,
                       oncogenicity=oncogenicity.get(row["variant_id"]), flags=[])
        flags = somatic["flags"]
        if somatic["normal_vaf"] is not None and somatic["normal_vaf"] >= GERMLINE_NORMAL_VAF:
            flags.append("germline_in_normal")
        elif somatic["normal_alt_reads"] is not None and somatic["normal_alt_reads"] >= NORMAL_ALT_READS_NOTED:
            flags.append("normal_alt_reads")
        if gene in predisposition:
            evidence = germline_classes.get(row["variant_id"]) or (
                "ClinVar (likely) pathogenic" if is_pathogenic(row["clinvar"]) else None)
            if evidence:
                somatic["germline_evidence"] = evidence
                if normal is not None and "germline_in_normal" in flags:
                    flags.append("germline_predisposition_referral")
                elif normal is None:
                    flags.append("possible_germline_predisposition")
        candidate.somatic = somatic
    if settings.get("hotspots_only"):
        candidates = [c for c in candidates if c.somatic["hotspot"]]
    tiers = tiers_for(
        [
            {
                "key": c.row["id"],
                "gene": c.somatic["gene"],
                "consequence": c.row["worst_consequence"] or None,
                "consequences": c.somatic["gene_consequences"],
                "hgvsp": c.somatic["hgvsp"],
                "popmax": c.row["gnomad_popmax"],
                "cancer_gene": bool(c.somatic["cancer_gene_role"]),
                "oncogenicity": (c.somatic["oncogenicity"] or {}).get("class"),
                "variant_type": c.row["variant_type"],
                "ref": c.row["ref"],
                "alt": c.row["alt"],
            }
            for c in candidates
        ],
        tumour_type=case.tumour_type,
    )
    for candidate in candidates:
        tier = tiers[candidate.row["id"]]
        candidate.somatic.update(tier=tier["label"], tier_detail=tier)
    return candidates, facts


def germline_findings(case, case_import) -> list[dict]:
    """Calls in a tumour/normal case's normal sample in cancer predisposition genes with a (likely) pathogenic
    germline classification in the store or in ClinVar: to be referred for genetic counselling. A tumour-only case
    has no normal to tell germline from somatic: its matching calls are listed as possible germline findings."""
    from genomes.somatic import tumour_normal_positions

    tumour, normal = tumour_normal_positions(case)
    genes = sorted(predisposition_symbols())
    if not genes or tumour is None:
        return []
    sample = normal if normal is not None else tumour
    where, params = row_filter.as_where([row_filter.in_genes(genes), row_filter.any_of(
        row_filter.carries(sample), row_filter.sample_at_least(sample, "allele_fraction", GERMLINE_NORMAL_VAF))])
    found = case_variants.rows_where(case_import, where, params, limit=500)
    classified = final_germline_pathogenic([r["variant_id"] for r in found])
    findings = []
    for row in found:
        evidence = classified.get(row["variant_id"]) or ("ClinVar (likely) pathogenic"
                                                          if is_pathogenic(row["clinvar"]) else None)
        if evidence is None:
            continue
        findings.append({"variant_id": row["variant_id"], "chrom": row["chrom"], "pos": row["pos"],
                         "ref": row["ref"], "alt": row["alt"],
                         "gene": next((g for g in row["genes"] if g in genes), row["genes"][0]),
                         "consequence": row["worst_consequence"], "evidence": evidence,
                         "normal_vaf": _value(row["allele_fraction"], normal) if normal is not None else None,
                         "confirmed_in_normal": normal is not None,
                         "referral": "genetic counselling referral" if normal is not None else
                                     "possible germline: confirm in normal tissue before referral"})
    return findings
