"""The facts a classification's suggestions are computed from: the variant's annotation (from the case it was
started from, else any stored case), the proband's zygosity, de novo status and partners in the same gene, the
gene's transcript model for PVS1, and pathogenic classifications at the same residue in the national store.

The engine (interpret.acmg) decides nothing here; it receives these facts as plain values.
"""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from genomes import case_variants
from genomes.clinvar import pathogenic_status
from genomes.genotypes import HETEROZYGOUS, HOM_ALT
from genomes.selectors import family_of_case
from genomes.variant_identity import variant_label
from interpret.acmg.combine import Classification as AcmgClass
from interpret.acmg.suggest import Partner, VariantFacts, protein_change
from interpret.classification.models import Classification
from interpret.rules.inheritance import modes_of_row, parent_of_origin

PATHOGENIC_CLASSES = (AcmgClass.PATHOGENIC.value, AcmgClass.LIKELY_PATHOGENIC.value)


@lru_cache(maxsize=4)
def _transcript_models(build: str):
    from genomes.transcript_models import load_transcript_models

    gtf = settings.GENE_MODEL_GTF.get(build)
    if not gtf:
        return {}, {}
    models = load_transcript_models(gtf, build=build, cache_dir=settings.PYENSEMBL_CACHE_DIR)
    by_id = {m.transcript_id: m for m in models}
    canonical = {m.gene_name: m for m in models if m.canonical and m.cds}
    return by_id, canonical


def transcript_model_for(build: str, gene: str, transcripts: list[dict], preferred: str = ""):
    """The gene model the PVS1 tree walks: the classification's own transcript (``preferred``), else the
    annotation's MANE Select or canonical transcript, if the gene models have it; else the gene's canonical
    coding transcript there."""
    try:
        by_id, canonical = _transcript_models(build)
    except FileNotFoundError:
        return None
    chosen = [t for t in transcripts if (t.get("symbol") or t.get("gene")) in (gene, None)]
    ordered = sorted(chosen, key=lambda t: (t.get("transcript") != preferred or not preferred,
                                            not t.get("mane_select"), not t.get("canonical")))
    for transcript in ordered:
        model = by_id.get((transcript.get("transcript") or "").split(".")[0])
        if model is not None and model.cds:
            return model
    return canonical.get(gene)


def store_pathogenic_same_residue(classification: Classification) -> tuple[list[str], list[str]]:
    """Final P/LP classifications (any department) of other variants in the gene: same amino-acid change
    (PS1) and other missense changes at the same codon (PM5)."""
    key = protein_change(classification.hgvsp)
    if key is None:
        return [], []
    same, codon = [], []
    others = (Classification.objects.filter(gene=classification.gene, status=Classification.Status.FINAL,
                                            result_class__in=PATHOGENIC_CLASSES)
              .exclude(variant_id=classification.variant_id).select_related("variant"))
    for other in others:
        other_key = protein_change(other.hgvsp)
        if other_key is None or other_key[1] != key[1] or other_key[0] != key[0]:
            continue
        (same if other_key[2] == key[2] else codon).append(f"{other.variant} {''.join(map(str, other_key))}")
    return sorted(set(same)), sorted(set(codon))


def _store_pathogenic_status(variant_ids: list[int]) -> dict[int, str]:
    """"P" or "LP" per variant with a final pathogenic / likely pathogenic classification in any department
    (P wins over LP)."""
    status: dict[int, str] = {}
    for variant_id, result in (Classification.objects.filter(variant_id__in=variant_ids,
                                                             status=Classification.Status.FINAL,
                                                             result_class__in=PATHOGENIC_CLASSES)
                               .values_list("variant_id", "result_class")):
        if result == AcmgClass.PATHOGENIC.value or variant_id not in status:
            status[variant_id] = "P" if result == AcmgClass.PATHOGENIC.value else "LP"
    return status


def _case_facts(classification: Classification, facts: VariantFacts):
    """De novo, zygosity and partners in the same gene from the case the classification was started from."""
    case = classification.case
    current = case.imports.filter(is_current=True).first() if case else None
    if current is None:
        return None
    rows = case_variants.rows_in_genes(current, [classification.gene])
    row = next((r for r in rows if r["variant_id"] == classification.variant_id), None)
    if row is None:
        # a file without consequence annotation names no gene: the case's own call still says de novo or not
        row = case_variants.row_of_variant(current, classification.variant_id)
        if row is None:
            return None
        rows = [row]
    row = {**row, "case_id": current.case_id, "case_import_id": current.pk}
    family = family_of_case(case)
    if family is None:
        return row
    facts.homozygous = row["genotypes"][family.proband] == HOM_ALT
    modes = modes_of_row(row, family)
    if {"de_novo", "x_de_novo"} & set(modes):
        facts.de_novo, facts.de_novo_basis = de_novo_confirmation(family)
        if family.is_foetal:
            facts.de_novo_caution = _contamination_caution(case, row, family)
    origin = parent_of_origin(row, family)
    others = [r for r in rows if r["id"] != row["id"] and r["genotypes"][family.proband] in HETEROZYGOUS]
    in_store = _store_pathogenic_status([r["variant_id"] for r in others])
    for other in others:
        status = in_store.get(other["variant_id"])
        source = "national store"
        if status is None:
            status, source = pathogenic_status(other["clinvar"]), "ClinVar"
        if status is None:
            continue
        other_origin = parent_of_origin(other, family)
        if {origin, other_origin} == {"father", "mother"}:
            phase = "trans"
        elif origin == other_origin and origin in ("father", "mother"):
            phase = "cis"
        else:
            phase = "unknown"
        facts.partners.append(Partner(variant_label(other["chrom"], other["pos"], other["ref"], other["alt"]),
                                      status, phase, source))
    return row


def de_novo_confirmation(family) -> tuple[str, str]:
    """("confirmed" | "assumed", why): confirmed only when both parents are sequenced and sample identity QC
    confirms they are the parents (genomes.sample_identity); otherwise assumed (PM6, not PS2)."""
    if family.parents < 2:
        return "assumed", "a parent is not sequenced"
    if family.parentage_confirmed:
        return "confirmed", "both parents sequenced, parentage confirmed by sample identity QC"
    if family.parentage_confirmed is None:
        return "assumed", "both parents sequenced, but parentage was not checked (import before sample identity QC)"
    flags = ", ".join(family.identity_flags) or "figures inconclusive"
    return "assumed", f"both parents sequenced, but sample identity QC does not confirm parentage ({flags})"


def _contamination_caution(case, row, family) -> str:
    from genomes.contamination import contamination_could_explain, estimate_contamination

    contamination = estimate_contamination(case)
    if contamination is None or contamination.fraction is None:
        return ""
    text = f"Maternal contamination of the foetal sample estimated {contamination.fraction * 100:.1f}%"
    if contamination.significant:
        text += " (significant)"
    if contamination_could_explain(row, family, contamination):
        text += "; contamination could explain this call"
    return text


def _evidence_facts(facts: VariantFacts, case_import_statistics: dict | None, gene: str, variant_id: int) -> None:
    from genomes.vcf.evidence_fields import carries, frequency_databases

    evidence = (case_import_statistics or {}).get("evidence_sources")
    facts.frequency_annotated = carries(evidence, "gnomad_af", "gnomad_popmax")
    if facts.frequency_annotated:
        facts.frequency_source = frequency_databases(evidence.get("gnomad_popmax") or evidence.get("gnomad_af"))
    facts.revel_annotated = carries(evidence, "revel")
    facts.spliceai_annotated = carries(evidence, "spliceai")
    facts.store_has_gene = (Classification.objects.filter(gene=gene, status=Classification.Status.FINAL)
                            .exclude(variant_id=variant_id).exists())


def variant_facts(classification: Classification) -> VariantFacts:
    facts = VariantFacts(gene=classification.gene, hgvsp=classification.hgvsp,
                         lof_mechanism={"yes": True, "no": False}.get(classification.lof_mechanism),
                         mode_of_inheritance=classification.mode_of_inheritance,
                         phenotype_consistency=classification.phenotype_consistency)
    row = _case_facts(classification, facts)
    if row is None:
        # Not from a case (or the case is gone): the variant's annotation as any stored case carries it.
        row = case_variants.any_row_of_variant(classification.variant_id)
    if row is not None:
        from genomes.models import CaseImport

        _evidence_facts(facts, CaseImport.objects.filter(pk=row["case_import_id"]).values_list(
            "statistics", flat=True).first(), classification.gene, classification.variant_id)
        gene_consequences = row["consequences"]
        transcripts = case_variants.transcripts_of(row["case_import_id"], row["case_id"], [row["id"]]).get(
            row["id"], []
        )
        own = [t for t in transcripts if (t.get("symbol") or t.get("gene")) == classification.gene]
        if own:
            gene_consequences = sorted({c for t in own for c in t.get("consequences", [])}) or gene_consequences
        facts.consequences = list(gene_consequences)
        facts.pos = row["pos"]
        facts.popmax = row["gnomad_popmax"] if row["gnomad_popmax"] is not None else row["gnomad_af"]
        facts.af = row["gnomad_af"]
        facts.revel, facts.spliceai = row["revel"], row["spliceai"]
        facts.transcript_model = transcript_model_for(classification.variant.build, classification.gene, transcripts,
                                                      classification.transcript)
    facts.same_protein_change, facts.same_codon_pathogenic = store_pathogenic_same_residue(classification)
    return facts
