"""A case's mitochondrial variants as the geneticist reads them (genomes.mt): each allele with every person's
heteroplasmy (and where it was read from), the FILTER (possible_numt, weak_evidence shown as such), the file's
HmtVar/MITOMAP/MitoTIP fields; homoplasmic at >= 0.95. Family: maternally inherited when the mother carries the
allele at or above the threshold (levels side by side); absent in the mother is flagged when she was measured
below it. Filters: minimum heteroplasmy of the proband (default 5%), PASS only, MT genes and panel genes."""
from __future__ import annotations

from dataclasses import dataclass, field

from genomes.models import Case, MtVariant
from genomes.mt.national import HOMOPLASMIC, mt_national_counts
from genomes.selectors import family_of_case
from interpret.rules.segregation import mitochondrial_segregation

DEFAULT_MIN_HETEROPLASMY = 0.05


class MtFilterError(ValueError):
    pass


@dataclass
class MtSettings:
    min_heteroplasmy: float = DEFAULT_MIN_HETEROPLASMY
    pass_only: bool = False
    genes: list[str] = field(default_factory=list)
    panel_genes_only: bool = False
    panels: list[str] = field(default_factory=list)
    segregating_only: bool = False    # drop alleles a relative of known affection contradicts
    reduced_penetrance: bool = False  # unaffected relatives at the proband's level or higher allowed


@dataclass
class MtResult:
    count: int
    rows: list[dict]
    panel_versions: list = field(default_factory=list)


def mt_settings_from(values: dict) -> MtSettings:
    raw = values.get("min_heteroplasmy")
    try:
        level = DEFAULT_MIN_HETEROPLASMY if raw in (None, "") else float(raw)
    except (TypeError, ValueError):
        raise MtFilterError(f"min_heteroplasmy: {str(raw)[:30]!r} is not a number") from None
    if not 0 <= level <= 1:
        raise MtFilterError("min_heteroplasmy: between 0 and 1")

    def words(name):
        value = values.get(name) or []
        value = [value] if isinstance(value, str) else value
        if not all(isinstance(v, str) for v in value):
            raise MtFilterError(f"{name}: a list of words")
        return [w.strip() for v in value for w in v.split(",") if w.strip()][:200]

    def flag(name):
        return str(values.get(name) or "").lower() in ("1", "true", "on")

    return MtSettings(min_heteroplasmy=level, pass_only=flag("pass_only"), genes=words("genes"),
                      panel_genes_only=flag("panel_genes"), panels=words("panels"),
                      segregating_only=flag("segregating_only"), reduced_penetrance=flag("reduced_penetrance"))


def mt_analysis(case: Case, settings: MtSettings, *, page: int = 1, page_size: int | None = None) -> MtResult:
    from interpret.analysis.structural import sv_panel_genes

    family = family_of_case(case)
    proband = family.proband if family is not None else 0
    mother = family.mother if family is not None else None
    samples = list(case.samples.select_related("individual").order_by("position"))
    versions, panel_genes = sv_panel_genes(case, settings.panels)
    variants = (MtVariant.objects.filter(case=case, mt_import__is_current=True).select_related("mt_import")
                .order_by("pos", "alt"))
    if settings.pass_only:
        variants = variants.filter(filters=["PASS"])
    genes = set(settings.genes) | (set(panel_genes) if settings.panel_genes_only else set())
    gene_filter = bool(settings.genes or settings.panel_genes_only)
    rows = []
    for variant in variants:
        # overlapping genes (MT-ATP8/MT-ATP6, MT-ND4L/MT-ND4) are stored together, comma-separated
        named = variant.gene.split(",") if variant.gene else []
        if gene_filter and not genes.intersection(named):
            continue
        calls = variant.sample_calls
        own = calls[proband] if proband < len(calls) else None
        level = (own or {}).get("heteroplasmy")
        if level is None or level < settings.min_heteroplasmy:
            continue
        judged = _segregation(calls, variant.mt_import.samples, family, settings) if family is not None else None
        if settings.segregating_only and judged is not None and judged.contradict:
            continue
        maternal = calls[mother] if mother is not None and mother < len(calls) else None
        mother_level = (maternal or {}).get("heteroplasmy")
        rows.append({
            "id": variant.pk, "chrom": "MT", "pos": variant.pos, "ref": variant.ref, "alt": variant.alt,
            "gene": variant.gene, "in_panel": bool(set(named) & set(panel_genes)), "filters": variant.filters,
            "heteroplasmy": level, "homoplasmic": level >= HOMOPLASMIC, "annotations": variant.annotations,
            # HmtVar's own verdict, as the file gives it (HmtNote's Pathogenicity); nothing is looked up
            "hmtvar_pathogenic": str(variant.annotations.get("Pathogenicity", "")).lower() == "pathogenic",
            "levels": {s.individual.individual_id: calls[s.position] for s in samples
                       if s.position < len(calls) and calls[s.position]},
            "maternal": _maternal(mother, mother_level, variant.mt_import.samples, settings.min_heteroplasmy,
                                  level),
            "segregation": judged.as_dict() if judged is not None else None,
        })
    chosen = rows if page_size is None else rows[(page - 1) * page_size: page * page_size]
    national = mt_national_counts([(row["pos"], row["ref"], row["alt"]) for row in chosen])
    classified = mt_classifications(case, chosen)
    for row in chosen:  # each person once, each family once, every patient group: {level class: counts}
        row["national"] = national.get((row["pos"], row["ref"], row["alt"]), {})
        row["classification"] = classified.get((row["pos"], row["ref"], row["alt"]))
    return MtResult(len(rows), chosen, versions)


def _segregation(calls: list, in_file: list[int], family, settings: MtSettings):
    """The relatives' verdicts by level: a person the MT file measured without the allele is at 0."""
    levels = {position: (calls[position] or {}).get("heteroplasmy", 0.0) if position < len(calls) else 0.0
              for position in in_file}
    return mitochondrial_segregation({p: level for p, level in levels.items() if level is not None}, family,
                                     settings.min_heteroplasmy, homoplasmic=HOMOPLASMIC,
                                     reduced_penetrance=settings.reduced_penetrance)


LEVEL_SHIFT = 0.2  # a change of heteroplasmy between mother and child worth naming (the bottleneck)


def _maternal(mother: int | None, level: float | None, in_file: list[int], threshold: float,
              own: float | None = None) -> str:
    if mother is None:
        return ""
    if level is not None and level >= threshold:
        if own is not None and abs(own - level) >= LEVEL_SHIFT:
            return f"maternally inherited, level shift: {level:g} in the mother, {own:g} here"
        return "maternally inherited"
    if level is not None:
        return f"absent in the mother (her level {level:g})"
    if mother in in_file:
        return "absent in the mother (not called in her)"
    return "mother not measured"


def mt_settings_in_words(settings: dict) -> list[str]:
    words = [f"Mitochondrial variants at a proband heteroplasmy of at least {settings.get('min_heteroplasmy'):g}."]
    if settings.get("pass_only"):
        words.append("Calls that passed the caller's filters only.")
    if settings.get("genes") or settings.get("panel_genes_only"):
        words.append("Only the genes asked for" + (" and the panels' genes." if settings.get("panel_genes_only")
                                                   else "."))
    if settings.get("segregating_only"):
        words.append("Alleles a relative of known affection contradicts by level are left out"
                     + (" (reduced penetrance)." if settings.get("reduced_penetrance") else "."))
    return words


def mt_classifications(case: Case, rows: list[dict]) -> dict[tuple, dict]:
    """The case's department's latest classification of each allele shown (not superseded), by (pos, ref, alt)."""
    from genomes.variant_identity import trim_alleles
    from interpret.classification.models import Classification

    if not rows:
        return {}
    trimmed = {trim_alleles(r["pos"], r["ref"], r["alt"]): (r["pos"], r["ref"], r["alt"]) for r in rows}
    found = (Classification.objects.filter(variant__build=case.genome_build, variant__chrom="MT",
                                           variant__pos__in=sorted({k[0] for k in trimmed}),
                                           department=case.department,
                                           origin=Classification.Origin.GERMLINE)
             .exclude(status=Classification.Status.SUPERSEDED).select_related("variant").order_by("-version"))
    classified: dict[tuple, dict] = {}
    for classification in found:
        shown = trimmed.get((classification.variant.pos, classification.variant.ref, classification.variant.alt))
        if shown is not None and shown not in classified:
            classified[shown] = {"id": classification.pk, "status": classification.status,
                                 "class": classification.result_class, "condition": classification.condition,
                                 "hgvs": classification.hgvsc}
    return classified


def mt_classification_start(*, case: Case, mt_variant_id: int, condition: str, by, audit=None):
    """A draft ACMG/AMP classification of a mitochondrial allele the case carries (the national rule set: the
    platform carries no mitochondrial specification), on its national variant, its gene and its m. HGVS, with
    mitochondrial inheritance; the department's open draft for the same allele and condition if there is one.
    Raises MtVariant.DoesNotExist for an allele of another case."""
    from django.db import transaction

    from genomes.mt.genes import mt_hgvs
    from genomes.mt.national import mt_national_variant
    from interpret.classification.models import Classification
    from interpret.classification.services import classification_start

    allele = MtVariant.objects.get(pk=mt_variant_id, case=case, mt_import__is_current=True)
    with transaction.atomic():
        national = mt_national_variant(case.genome_build, allele.pos, allele.ref, allele.alt)
        classification = classification_start(
            variant=national, gene=(allele.gene.split(",")[0] or "MT-DLOOP"), condition=condition,
            mode_of_inheritance=Classification.Inheritance.MT, by=by, department=case.department, case=case,
            audit=audit)
        if not classification.hgvsc:  # no transcript annotation: the allele on the mitochondrial reference
            classification.hgvsc = mt_hgvs(allele.pos, allele.ref, allele.alt)
            classification.save(update_fields=["hgvsc"])
    return classification
