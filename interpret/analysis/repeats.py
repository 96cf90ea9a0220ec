"""A case's repeat expansions as the geneticist reads them (genomes.str): each locus with its gene, disease,
inheritance, motif, thresholds and where they came from, every person's two allele sizes (one for a man's X) with
their confidence intervals and read support, the person's status and the file's own STR_STATUS beside it
(a disagreement flagged); in a trio, a child's allele longer than both parents' longest is flagged as an
expansion in transmission. Filters: status at or above pre-mutation (an autosomal recessive locus counts as a
full mutation only with both alleles at or above PathologicMin: one such allele is a carrier), panel genes,
disagreements."""
from __future__ import annotations

from dataclasses import dataclass, field

from genomes.models import Case, StrCall
from genomes.selectors import family_of_case
from genomes.str.national import str_national_counts
from genomes.str.status import STATUS_LABELS, STATUS_RANK
from interpret.rules.segregation import repeat_segregation

MIN_STATUSES = ("any", "pre_mutation", "full_mutation")


class RepeatFilterError(ValueError):
    pass


@dataclass
class RepeatSettings:
    min_status: str = "any"            # any | pre_mutation (and carriers, full) | full_mutation
    panel_genes_only: bool = False
    panels: list[str] = field(default_factory=list)
    disagreements_only: bool = False
    segregating_only: bool = False    # drop loci a relative of known affection contradicts
    reduced_penetrance: bool = False  # unaffected relatives with the proband's full mutation allowed


@dataclass
class RepeatResult:
    count: int
    rows: list[dict]
    panel_versions: list = field(default_factory=list)


def repeat_settings_from(values: dict) -> RepeatSettings:
    def flag(name):
        return str(values.get(name) or "").lower() in ("1", "true", "on")

    min_status = str(values.get("min_status") or "any")
    if min_status not in MIN_STATUSES:
        raise RepeatFilterError(f"min_status: {min_status[:30]!r} is not one of {', '.join(MIN_STATUSES)}")
    panels = values.get("panels") or []
    panels = [panels] if isinstance(panels, str) else panels
    if not all(isinstance(p, str) for p in panels):
        raise RepeatFilterError("panels: a list of panel codes")
    return RepeatSettings(min_status=min_status, panel_genes_only=flag("panel_genes"),
                          panels=[p for p in panels if p][:20], disagreements_only=flag("disagreements_only"),
                          segregating_only=flag("segregating_only"), reduced_penetrance=flag("reduced_penetrance"))


def _transmission(call: StrCall, family) -> bool:
    """A child's allele longer than both parents' longest (both parents called)."""
    if family is None or family.father is None or family.mother is None:
        return False
    calls = call.sample_calls
    child, father, mother = (calls[p] if p < len(calls) else None
                             for p in (family.proband, family.father, family.mother))
    if not child or not father or not mother or not father.get("alleles") or not mother.get("alleles"):
        return False
    return max(child.get("alleles") or [0]) > max(father["alleles"] + mother["alleles"])


def repeat_analysis(case: Case, settings: RepeatSettings, *, page: int = 1, page_size: int | None = None
                    ) -> RepeatResult:
    from interpret.analysis.structural import sv_panel_genes

    family = family_of_case(case)
    samples = list(case.samples.select_related("individual").order_by("position"))
    versions, panel_genes = sv_panel_genes(case, settings.panels)
    calls = StrCall.objects.filter(case=case, str_import__is_current=True)
    if settings.panel_genes_only:
        calls = calls.filter(gene__in=panel_genes or ["(no panel gene)"])
    if settings.disagreements_only:
        calls = calls.filter(disagreement=True)
    if settings.min_status == "full_mutation":
        calls = calls.filter(status="full_mutation")
    elif settings.min_status == "pre_mutation":
        calls = calls.filter(status__in=["pre_mutation", "carrier", "full_mutation"])
    ordered = sorted(calls, key=lambda c: (-STATUS_RANK.get(c.status, -1), c.chrom, c.pos))
    judged = {call.pk: repeat_segregation(call.sample_calls, family, call.inheritance,
                                          reduced_penetrance=settings.reduced_penetrance)
              for call in ordered} if family is not None else {}
    if settings.segregating_only:
        ordered = [call for call in ordered if call.pk not in judged or not judged[call.pk].contradict]
    chosen = ordered if page_size is None else ordered[(page - 1) * page_size: page * page_size]
    in_panels = set(panel_genes)
    national = str_national_counts(case.genome_build, [call.locus_id for call in chosen])
    rows = []
    for call in chosen:
        rows.append({
            "id": call.pk, "locus": call.locus_id, "gene": call.gene, "hgnc_id": call.hgnc_id,
            "in_panel": call.gene in in_panels, "chrom": call.chrom, "pos": call.pos, "end": call.end,
            "motif": call.motif, "reference_size": call.reference_size, "disease": call.disease,
            "inheritance": call.inheritance, "normal_max": call.normal_max, "pathologic_min": call.pathologic_min,
            "thresholds_from": call.thresholds_from, "status": call.status,
            "status_label": STATUS_LABELS.get(call.status, call.status), "file_status": call.file_status,
            "disagreement": call.disagreement,
            "disagreements": [r for r in call.records if r.get("disagreement")],
            "expanded_in_transmission": _transmission(call, family),
            "segregation": judged[call.pk].as_dict() if call.pk in judged else None,
            # each person once, each family once, every patient group: {size class: {carriers, families}}
            "national": national.get(call.locus_id, {}),
            "genotypes": {sample.individual.individual_id: call.sample_calls[sample.position]
                          for sample in samples if sample.position < len(call.sample_calls)
                          and call.sample_calls[sample.position]},
        })
    return RepeatResult(len(ordered), rows, versions)


def repeat_settings_in_words(settings: dict) -> list[str]:
    words = ["Repeat expansions (ExpansionHunter/TRGT calls) of the case's loci."]
    if settings.get("min_status") == "pre_mutation":
        words.append("Loci at or above a pre-mutation (carriers of a recessive locus included).")
    elif settings.get("min_status") == "full_mutation":
        words.append("Loci with a full mutation (a recessive locus: both alleles).")
    if settings.get("panel_genes_only"):
        words.append("Only loci in the panels' genes.")
    if settings.get("disagreements_only"):
        words.append("Only loci where the platform's status differs from the file's.")
    if settings.get("segregating_only"):
        words.append("Loci a relative of known affection contradicts are left out"
                     + (" (reduced penetrance: unaffected relatives with a full mutation allowed)."
                        if settings.get("reduced_penetrance") else " (full penetrance)."))
    return words
