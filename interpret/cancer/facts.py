"""What the data say about a variant classified for oncogenicity: read from the case it was started from (its
consequence, protein change, population frequency and predictors, with what the file annotates), the cancer gene
list and the hotspot table. A classification without a case, or a case without the variant, gives facts that are
all "not annotated", so nothing is suggested."""
from __future__ import annotations

from genomes import case_variants
from genomes.transcripts import decoded_hgvs, shown_transcript
from genomes.vcf.evidence_fields import carries
from interpret.cancer.knowledge import cancer_gene_roles, hotspot_of
from interpret.cancer.oncogenicity import OncogenicityFacts, protein_change


def oncogenicity_facts(classification) -> OncogenicityFacts:
    gene = classification.gene
    role = cancer_gene_roles([gene]).get(gene)
    row, transcripts, evidence = None, [], None
    case = classification.case
    if case is not None:
        current = case.imports.filter(is_current=True).first()
        if current is not None:
            evidence = (current.statistics or {}).get("evidence_sources")
            row = case_variants.row_of_variant(current, classification.variant_id)
            if row is not None:
                transcripts = case_variants.transcripts_of(current.pk, case.pk, [row["id"]]).get(row["id"], [])
    canonical = shown_transcript(transcripts, genes=[gene])
    hgvsp = classification.hgvsp or (decoded_hgvs(canonical.get("hgvsp")) if canonical else None)
    parsed = protein_change(hgvsp)
    annotated = bool(carries(evidence, "consequence")) and row is not None
    return OncogenicityFacts(
        gene=gene, consequence=(row["worst_consequence"] or None) if annotated else None,
        gene_role=role.role if role else None, protein_change=parsed[2] if parsed else None,
        hotspot=hotspot_of(gene, parsed[1], parsed[2]) if parsed else None,
        frequencies_annotated=bool(carries(evidence, "gnomad_af", "gnomad_popmax")) and row is not None,
        popmax=row["gnomad_popmax"] if row else None,
        revel=row["revel"] if row else None, revel_annotated=bool(carries(evidence, "revel")) and row is not None,
        spliceai=row["spliceai"] if row else None,
        spliceai_annotated=bool(carries(evidence, "spliceai")) and row is not None)
