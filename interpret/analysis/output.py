"""The stable output shape of analysis candidates (variant table rows, the API, ``analyse_case --json``)."""
from __future__ import annotations

from genomes.case_variants import transcripts_of
from genomes.genotypes import GENOTYPE_TEXT
from genomes.selectors import family_of_case
from genomes.transcripts import decoded_hgvs, shown_transcript

_FAMILY_UNKNOWN = object()


def case_individuals(case, family=_FAMILY_UNKNOWN) -> list[tuple[int, str, str]]:
    """(position, individual id, relation) in stored order: proband first. Pass the case's family when known."""
    if family is _FAMILY_UNKNOWN:
        family = family_of_case(case)
    rows = []
    for sample in case.samples.select_related("individual").order_by("position"):
        relation = ("proband" if family and sample.position == family.proband else
                    "father" if family and sample.position == family.father else
                    "mother" if family and sample.position == family.mother else sample.role)
        rows.append((sample.position, sample.individual.individual_id, relation))
    return rows


def genotypes_of(row: dict, individuals: list[tuple[int, str, str]]) -> list[dict]:
    """Each individual's call of this ALT; ``site_gt`` is the call at the whole site when the row was split from a
    multi-allelic one (a mother's 0/2 is 0/0 for the first ALT), and allele balance counts every allele's reads."""
    site = row.get("site_genotypes")
    return [{"individual": individual_id, "relation": relation,
             "gt": GENOTYPE_TEXT.get(row["genotypes"][position], "./."),
             "site_gt": site[position] if site and position < len(site) else None, "depth": row["depth"][position],
             "gq": row["genotype_quality"][position], "ref_reads": row["ref_reads"][position],
             "alt_reads": row["alt_reads"][position], "allele_balance": row["allele_fraction"][position]}
            for position, individual_id, relation in individuals]


def candidates_as_dicts(result, candidates: list) -> list[dict]:
    """Output objects for some of a result's candidates (a page, or all), with their canonical transcript."""
    individuals = case_individuals(result.case, result.family)
    transcripts = transcripts_of(result.case_import.pk, result.case.pk, [c.row["id"] for c in candidates])
    shown_by = transcript_choice(result)
    return [candidate_as_dict(c, individuals, transcripts=transcripts.get(c.row["id"]), shown_by=shown_by,
                              phenotype=getattr(result, "phenotype", None))
            for c in candidates]


def transcript_choice(result) -> dict:
    """What decides the transcript a run's candidates are shown by (genomes.transcripts.shown_transcript): the
    panel's genes and the consequence filter."""
    settings = result.settings or {}
    return {"genes": result.panel_symbols, "impacts": settings.get("impacts") or (),
            "consequences": settings.get("consequences") or ()}


def _phenotype(candidate, context) -> dict | None:
    """The candidate's phenotype match with the term pairs that explain it; None when the case has no terms."""
    found = getattr(candidate, "phenotype", None)
    if found is None or context is None:
        return None
    return {**found, "method": context.method, "terms": context.terms, "hpo_version": context.version,
            "matched_terms": context.explain(found["gene"])}


def candidate_as_dict(candidate, individuals: list[tuple[int, str, str]], *,
                      transcripts: list[dict] | None = None, shown_by: dict | None = None,
                      phenotype=None) -> dict:
    """The stable shape of a candidate for the API and analyse_case --json."""
    row = candidate.row
    genotypes = {g["individual"]: {k: v for k, v in g.items() if k != "individual"}
                 for g in genotypes_of(row, individuals)}
    panel = candidate.panel
    result = {
        "variant_id": row["variant_id"], "chrom": row["chrom"], "pos": row["pos"], "ref": row["ref"],
        "alt": row["alt"], "gene": row["genes"][0] if row["genes"] else None, "genes": row["genes"],
        "consequence": row["worst_consequence"], "impact": row["impact"], "filter": row["filter"],
        "rsid": row["rsid"] or None, "gnomad_af": row["gnomad_af"], "gnomad_popmax": row["gnomad_popmax"],
        "cohort_families": candidate.cohort_families, "clinvar": row["clinvar"],
        "clinvar_stars": row.get("clinvar_stars"), "cadd_phred": row["cadd_phred"],
        "revel": row["revel"], "spliceai": row["spliceai"], "genotypes": genotypes,
        "inheritance": candidate.modes,
        "compound_het_partners": [{**{k: p[k] for k in ("chrom", "pos", "ref", "alt", "kind", "variant_id")},
                                   **{k: p[k] for k in ("structural_variant_id", "end", "label", "evidence")
                                      if k in p}}
                                  for p in candidate.partners],
        # the other sequenced relatives (siblings, grandparents...): who supports and who contradicts
        "segregation": getattr(candidate, "segregation", None),
        "panel": None if panel is None else {"panel": panel["panel"], "version": panel["version"],
                                             "confidence": panel["confidence"],
                                             "padding_only": bool(panel.get("padding_only"))},
        "outside_panel": panel is None,
        "score": candidate.score, "score_parts": candidate.score_parts, "flags": candidate.flags,
        "phenotype": _phenotype(candidate, phenotype),
    }
    if candidate.somatic is not None:  # a tumour case's call (interpret.analysis.somatic)
        somatic = candidate.somatic
        result.update({key: somatic.get(key) for key in (
            "tumour_vaf", "tumour_depth", "tumour_alt_reads", "normal_alt_reads", "normal_depth", "normal_vaf",
            "cancer_gene_role", "hotspot", "tier", "oncogenicity", "germline_evidence", "name")})
        result["tier_detail"] = somatic.get("tier_detail")
        result["flags"] = [*result["flags"], *somatic["flags"]]
        result["inheritance"] = []
    shown_by = dict(shown_by or {})
    if candidate.somatic is not None and candidate.somatic.get("gene"):
        # a tumour's call is shown by its cancer gene's transcript where it touches one (interpret.analysis.somatic)
        shown_by["genes"] = [candidate.somatic["gene"]]
    shown = shown_transcript(transcripts or [], **shown_by)
    if shown is not None and shown.get("gene"):
        result["gene"] = shown["gene"]
    result["transcript"] = shown.get("transcript") if shown else None
    result["hgvsc"] = decoded_hgvs(shown.get("hgvsc")) if shown else None
    result["hgvsp"] = decoded_hgvs(shown.get("hgvsp")) if shown else None
    result["consequence_on_transcript"] = sorted(shown.get("consequences") or ()) if shown else []
    result["other_genes"] = [g for g in row["genes"] if g != result["gene"]]
    return result
