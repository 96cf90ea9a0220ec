"""Everything the variant page shows about one variant of a case."""
from __future__ import annotations

from django.conf import settings

from genomes import case_variants
from genomes.constraint import gene_constraint
from genomes.observations import national_observations
from genomes.phase import phases_attach
from genomes.selectors import family_of_case
from genomes.transcripts import shown_transcript, transcripts_in_display_order
from interpret.analysis.engine import candidate_score, final_classes, row_in_analysis
from interpret.analysis.evidence import case_evidence
from interpret.analysis.links import external_links
from interpret.analysis.models import VariantComment, VariantTag
from interpret.analysis.output import case_individuals, genotypes_of
from interpret.rules.inheritance import MODE_LABELS, compound_het_pairs, flags_of_row, modes_of_row, pair_evidence


def variant_details(case, variant_id: int, *, user) -> dict | None:
    current = case.imports.filter(is_current=True).first()
    if current is None:
        return None
    row = case_variants.row_of_variant(current, variant_id)
    if row is None:
        return None
    family = family_of_case(case)
    modes, partners = [], []
    if family is not None:
        modes = modes_of_row(row, family)
        same_genes = case_variants.rows_in_genes(current, row["genes"])
        phases_attach(current.pk, same_genes)
        by_id = {r["id"]: r for r in same_genes}
        this = by_id.get(row["id"], row)
        for partner_id, kind in compound_het_pairs(same_genes, family).get(row["id"], []):
            partners.append({"row": by_id[partner_id], "kind": MODE_LABELS[kind],
                             "evidence": pair_evidence(this, by_id[partner_id], family, kind)})
            if kind not in modes:
                modes.append(kind)
    annotated = case_variants.transcripts_of(current.pk, case.pk, [row["id"]]).get(row["id"], [])
    view = row_in_analysis(case, current, row, user=user)
    shown = shown_transcript(annotated, **view["shown_by"])
    transcripts = transcripts_in_display_order(annotated, shown)
    genotypes = genotypes_of(row, case_individuals(case, family))
    evidence = case_evidence(current)
    parts, score = candidate_score(row, panel=view["panel"], modes=modes, evidence=evidence,
                                   phenotype=view["phenotype"],
                                   classification=final_classes([variant_id]).get(variant_id))
    context = view["phenotype_context"]
    phenotype = None if context is None else {
        **view["phenotype"], "terms": context.terms, "method": context.method, "hpo_version": context.version,
        "matched_terms": context.explain(view["phenotype"]["gene"])}
    gene = (shown or {}).get("gene") or (row["genes"][0] if row["genes"] else None)
    return {
        "evidence": evidence, "shown_transcript": shown, "gene": gene, "panel": view["panel"],
        "links": external_links(build=current.genome_build, chrom=row["chrom"], pos=row["pos"], ref=row["ref"],
                                alt=row["alt"], gene=gene, rsid=row["rsid"] or None),
        "constraint": gene_constraint(settings.GNOMAD_CONSTRAINT_TABLE, gene), "constraint_gene": gene,
        "ploidy_conflict": "x_ploidy_conflict" in flags_of_row(row, family) if family else False,
        "row": row, "variant_id": variant_id, "transcripts": transcripts, "genotypes": genotypes,
        "modes": [MODE_LABELS.get(m, m) for m in modes], "partners": partners,
        "national": national_observations(variant_id),
        "tags": set(VariantTag.objects.filter(case=case, variant_id=variant_id).values_list("tag", flat=True)),
        "comments": VariantComment.objects.filter(case=case, variant_id=variant_id).select_related("created_by"),
        "score_parts": parts, "score": score, "phenotype": phenotype,
    }
