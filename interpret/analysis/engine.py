"""One filter engine for the variant table, the REST API and analyse_case: settings in, ranked candidates out,
every run recorded (FilterRun) with the exact settings and panel versions so it can be repeated.

Work is split where it is cheapest: PostgreSQL narrows the case's stored rows (one hash partition, by case and
current import; genomes.case_variants runs the query) with every filter that is a column predicate, plus a
superset of the inheritance rules; Python then applies the exact inheritance rules
(interpret.rules.inheritance), pairs compound hets per gene, adds national cohort counts for the survivors,
scores, sorts and pages.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core.errors import NotFound
from genomes import case_variant_filters as row_filter
from genomes import case_variants
from genomes.observations import germline_family_counts
from genomes.phase import phases_attach
from genomes.selectors import family_of_case
from genomes.somatic import is_somatic, tumour_normal_positions
from genomes.transcripts import protein_search_text, transcript_change_search
from genomes.variant_identity import normalize_contig, xpos
from genomes.vcf.evidence_fields import carries
from interpret.analysis.evidence import case_evidence, filter_notes
from interpret.analysis.filters import CONFIDENCE_RANK, CONFIDENCE_SETS, REGION, normalise_settings, without_sorting
from interpret.analysis.models import FilterPreset, FilterRun
from interpret.analysis.somatic import somatic_candidates, somatic_conditions, somatic_notes
from interpret.cancer.biomarkers import TIER_RANK
from interpret.phenotype.context import phenotype_context
from interpret.rules.inheritance import (
    Family,
    compound_het_pairs,
    flags_of_row,
    inheritance_superset,
    modes_of_row,
    pair_evidence,
)
from interpret.rules.scoring import score_parts, score_total
from interpret.rules.segregation import segregation

logger = logging.getLogger(__name__)
MAX_ROWS = 20_000  # beyond this the filters are too loose to read; the UI says so
# Paging and re-sorting the variant table reuse the filtered, scored candidates for this long. The key holds
# everything the candidates depend on (the import, the settings, the panel versions, the national cohort), so
# a reused list is the list a new run would give; the time bounds how long patient rows sit in the cache.
RESULT_REUSE_SECONDS = 600
RESULT_REUSE_MAX_CANDIDATES = 5_000
RESULT_REUSE_VERSION = 7  # raise when the engine's output changes for the same inputs


@dataclass
class Candidate:
    row: dict
    modes: list[str]
    partners: list[dict] = field(default_factory=list)
    panel: dict | None = None
    cohort_families: int = 0
    score_parts: dict = field(default_factory=dict)
    score: float = 0.0
    flags: list[str] = field(default_factory=list)
    somatic: dict | None = None  # a tumour case's somatic facts (interpret.analysis.somatic)
    phenotype: dict | None = None  # its phenotype match (interpret.phenotype.context), when the case has terms
    segregation: dict | None = None  # the other sequenced relatives' verdicts (interpret.rules.segregation)


@dataclass
class AnalysisResult:
    case: object
    family: Family | None
    settings: dict
    panel_versions: list
    candidates: list[Candidate]
    truncated: bool
    cohort_size: int
    milliseconds: int
    case_import: object = None
    filter_run: FilterRun | None = None
    contamination: object = None
    reused: bool = False  # the candidates came from the result cache (see run_analysis)
    notes: list[str] = field(default_factory=list)  # what the filters did for want of evidence (evidence.py)
    evidence: dict | None = None  # the evidence the case's file carries (interpret.analysis.evidence)
    somatic: dict | None = None  # a tumour case: its samples, TMB and what the file lacks
    panel_symbols: list[str] | None = None  # the applied panels' genes: candidates are shown by their transcripts
    phenotype: object = None  # the case's phenotype context (interpret.phenotype.context), None without terms



def resolve_panel_versions(case, settings: dict) -> list:
    """The panel versions an analysis uses: the named ones ("code" = current published, "code:1.2" = that
    version), else the patient group's default panels' current versions."""
    from panels.selectors import default_panel_versions, panel_find, panel_version_get

    if not settings["panels"]:
        return default_panel_versions(case.patient_group)
    versions = []
    for name in settings["panels"]:
        code, _, label = name.partition(":")
        try:
            version = panel_version_get(panel_find(code), label or None)
        except NotFound as exc:
            raise ValidationError(str(exc)) from None
        if version.status not in ("published", "retired"):
            raise ValidationError(f"{version.panel.code} v{version.label} is {version.status}: analyses use "
                                  "published versions")
        versions.append(version)
    return versions


_PANEL_GENES: dict[tuple[int, ...], dict[str, dict]] = {}


def _panel_genes(versions) -> dict[str, dict]:
    """Upper-case symbol -> the strongest entry across the chosen versions. Analyses use published or retired
    versions only, whose entries never change, so each process keeps the gene sets it has built."""
    from panels.selectors import gene_set

    key = tuple(sorted(v.pk for v in versions))
    frozen = all(v.status in ("published", "retired") for v in versions)
    if frozen and key in _PANEL_GENES:
        return _PANEL_GENES[key]
    genes = {}
    for symbol, entries in gene_set(versions, confidences=CONFIDENCE_SETS["all"]).items():
        best = min(entries, key=lambda e: CONFIDENCE_RANK[e["confidence"]])
        genes[symbol] = best
    if frozen:
        if len(_PANEL_GENES) >= 256:
            _PANEL_GENES.clear()
        _PANEL_GENES[key] = genes
    return genes


def _padding_regions(panel_genes: dict, build: str, confidences) -> list[tuple[int, int, str]]:
    """xpos ranges of panel genes with padding, for variants near but outside a gene's annotated span."""
    padded = [e for e in panel_genes.values() if e["padding"] and e["confidence"] in confidences]
    if not padded:
        return []
    from panels.genes import configured_gene_resolver

    resolver = configured_gene_resolver()
    regions = []
    for entry in padded:
        location = resolver.resolve(entry["symbol"], hgnc_id=entry.get("hgnc_id", "")).locations.get(build)
        if location is not None:
            regions.append((xpos(location.chrom, max(1, location.start - entry["padding"])),
                            xpos(location.chrom, location.end + entry["padding"]), entry["symbol"]))
    return regions


def _where(family: Family | None, settings: dict, panel_symbols: list[str],
           padding_regions: list, somatic: tuple | None = None) -> tuple[list[str], list]:
    """The filters that are column predicates, as named conditions on case-variant rows (genomes owns their SQL).
    ``somatic``: a tumour case's (tumour, normal) sample positions; its calls are filtered as somatic calls."""
    conditions = list(somatic_conditions(settings, *somatic)) if somatic is not None else []
    relaxable = []  # filters a ClinVar (likely) pathogenic assertion overrides
    if settings["max_popmax"] is not None:
        relaxable.append(row_filter.popmax_at_most_or_missing(settings["max_popmax"]))
    if settings["max_af"] is not None:
        relaxable.append(row_filter.allele_frequency_at_most_or_missing(settings["max_af"]))
    if settings["impacts"] or settings["consequences"]:
        either = []
        if settings["impacts"]:
            either.append(row_filter.impact_in(settings["impacts"]))
        if settings["consequences"]:
            either.append(row_filter.consequence_in(settings["consequences"]))
        relaxable.append(row_filter.any_of(*either))
    if relaxable:
        clause = row_filter.all_of(*relaxable)
        if settings["include_clinvar_pathogenic"]:
            # ClinVar P/LP kept whatever the frequency and consequence, at the review levels trusted
            # (settings.CLINVAR_MIN_STARS); a file without review status keeps every P/LP, and the run says so.
            clause = row_filter.any_of(clause, row_filter.clinvar_pathogenic(django_settings.CLINVAR_MIN_STARS))
        conditions.append(clause)
    if settings["clinvar"]:
        conditions.append(row_filter.clinvar_in(settings["clinvar"]))
    if settings["pass_only"]:
        conditions.append(row_filter.passed_filters())
    if family is not None:
        proband = family.proband
        conditions.append(row_filter.carries(proband))
        for key, measure, bound in (("min_gq", "genotype_quality", row_filter.sample_at_least),
                                    ("min_dp", "depth", row_filter.sample_at_least),
                                    ("min_ab", "allele_fraction", row_filter.sample_at_least),
                                    ("max_ab", "allele_fraction", row_filter.sample_at_most)):
            if settings[key] is not None:
                conditions.append(bound(proband, measure, settings[key]))
        if settings["inheritance"]:
            conditions.append(inheritance_superset(settings["inheritance"], family))
    for key, score in (("min_revel", "revel"), ("min_cadd", "cadd_phred"), ("min_spliceai", "spliceai")):
        if settings[key] is not None:
            conditions.append(row_filter.score_at_least(score, settings[key]))
    if settings["region"]:
        chrom, start, end = REGION.match(settings["region"]).groups()
        contig = normalize_contig(chrom)
        conditions.append(row_filter.in_xpos_range(xpos(contig, int(start.replace(",", ""))),
                                                   xpos(contig, int(end.replace(",", "")))))
    if settings["genes"]:
        # HGNC symbols are upper case except the orf genes (C1orf159): match as typed and upper-cased.
        conditions.append(row_filter.in_genes({g for g in settings["genes"]} | {g.upper() for g in settings["genes"]}))
    if panel_symbols is not None and not settings["genome_wide"]:
        padding = [row_filter.in_xpos_range(start, end) for start, end, _symbol in padding_regions]
        conditions.append(row_filter.any_of(row_filter.in_genes(panel_symbols), *padding))
    if settings["text"]:
        conditions.append(row_filter.text_matches(settings["text"], protein=protein_search_text(settings["text"]),
                                                  change=transcript_change_search(settings["text"])))
    return row_filter.as_where(conditions)


# Narrowings of one look at a case (a search text, a region, a gene list), not its analysis: a reanalysis keeps the
# case's frequency, consequence, quality and inheritance filters and looks genome-wide or in the genes it checks.
AD_HOC_SETTINGS = {"text": "", "region": "", "genes": [], "genome_wide": True}


def reanalysis_conditions(case, settings: dict) -> tuple[list[str], list]:
    """The column predicates of a case's analysis settings (those it was last analysed with) on its rows."""
    family, somatic = analysis_subjects(case)
    return _where(family, {**normalise_settings(settings), **AD_HOC_SETTINGS}, None, [], somatic)


def analysis_subjects(case) -> tuple[Family | None, tuple | None]:
    """A germline case's family, or a tumour case's (tumour, normal) positions: a tumour's calls are not
    inherited, so no inheritance mode is read into them."""
    if is_somatic(case):
        return None, tumour_normal_positions(case)
    return family_of_case(case), None


def run_analysis(case, raw_settings: dict | None = None, *, preset: FilterPreset | None = None, user=None,
                 via: str = FilterRun.Via.BROWSER, record: bool = True, reuse: bool = False) -> AnalysisResult:
    """Filter, classify by inheritance, score and sort a case's variants. ``reuse``: take the candidates from the
    result cache when the same filters ran on the same data within RESULT_REUSE_SECONDS (the variant table's
    paging and sorting); the run is recorded either way."""
    started = time.perf_counter()
    case_import = case.imports.filter(is_current=True).first()
    if case_import is None:
        raise ValidationError(f"{case.identifier} has no imported variants yet")
    settings = normalise_settings(raw_settings, preset=preset)
    family, somatic = analysis_subjects(case)
    if somatic is not None:
        settings["inheritance"] = []  # a tumour's calls have no inheritance mode
    versions = resolve_panel_versions(case, settings)
    panel_genes = _panel_genes(versions) if versions else {}
    confidences = CONFIDENCE_SETS[settings["panel_confidence"]]
    if versions:
        panel_symbols = sorted(e["symbol"] for e in panel_genes.values() if e["confidence"] in confidences)
        padding = _padding_regions(panel_genes, case_import.genome_build, confidences)
    else:
        panel_symbols, padding = None, []
        settings["genome_wide"] = True  # no panel to narrow by: say so
    phenotype = phenotype_context(case, settings) if somatic is None else None
    if settings["hpo_panel"]:
        if phenotype is None:
            raise ValidationError("hpo_panel: the proband has no observed HPO term to make the HPO panel of")
        panel_symbols, padding = phenotype.panel_genes(settings["hpo_panel_min_score"]), []
        settings["genome_wide"] = False
    cohort = case_variants.national_cohort(case_import.genome_build)
    reuse_key = _reuse_key(case_import, settings, versions, cohort) if reuse else None
    reused = _cache_call(cache.get, reuse_key) if reuse_key else None
    if reused is not None:
        candidates, truncated, contamination = reused
    else:
        candidates, truncated, contamination = _filter_and_score(
            case, case_import, family, settings, panel_genes, panel_symbols, padding, confidences, somatic,
            phenotype)
        if reuse_key and len(candidates) <= RESULT_REUSE_MAX_CANDIDATES:
            _cache_call(cache.set, reuse_key, (candidates, truncated, contamination), RESULT_REUSE_SECONDS)
    somatic_facts = None
    if somatic is not None:
        candidates, somatic_facts = somatic_candidates(case, case_import, candidates, settings, somatic)
    _sort(candidates, settings)
    milliseconds = int((time.perf_counter() - started) * 1000)
    result = AnalysisResult(case=case, family=family, settings=settings, panel_versions=versions,
                            candidates=candidates, truncated=truncated, cohort_size=cohort[0],
                            milliseconds=milliseconds, case_import=case_import, contamination=contamination,
                            reused=reused is not None, evidence=case_evidence(case_import), somatic=somatic_facts,
                            panel_symbols=panel_symbols, phenotype=phenotype)
    result.notes = filter_notes(settings, result.evidence) + somatic_notes(settings, somatic_facts)
    if record:
        result.filter_run = _record_run(case, case_import, user, via, preset, settings, versions, candidates,
                                        milliseconds)
    return result


def _cache_call(method, *args):
    """A cache that is down or missing costs speed, never the page: the analysis runs without it."""
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a failed cache query must not break the caller's transaction
                return method(*args)
        return method(*args)
    except Exception:  # noqa: BLE001 - any backend error (Redis down, cache table missing)
        logger.warning("result cache unavailable; analysing without it", exc_info=True)
        return None


def _reuse_key(case_import, settings: dict, versions, cohort: tuple[int, int | None]) -> str:
    """What a run's candidates depend on. The national cohort enters as its current imports (count and newest),
    so a case imported or replaced anywhere gives new cohort counts rather than reused ones."""
    unsorted = without_sorting(settings)
    identity = json.dumps([RESULT_REUSE_VERSION, case_import.pk, unsorted, sorted(v.pk for v in versions),
                           list(cohort)], sort_keys=True, default=str)
    return "analysis-result:" + hashlib.sha256(identity.encode()).hexdigest()


def _filter_and_score(case, case_import, family, settings, panel_genes, panel_symbols, padding, confidences,
                      somatic=None, phenotype=None):
    where, params = _where(family, settings, panel_symbols, padding, somatic)
    rows = case_variants.rows_where(case_import, where, params, limit=MAX_ROWS + 1)
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]

    phases_attach(case_import.pk, rows)  # the file's read-backed phase, for compound het (genomes.phase)
    structural = {}
    if family is not None and somatic is None:
        from interpret.analysis.structural import structural_partners_of_small

        structural = structural_partners_of_small(case, family, rows)
    candidates = _candidates(rows, family, settings, panel_genes, padding, confidences, structural)
    _add_cohort_counts(candidates)
    if settings["max_cohort_families"] is not None:
        candidates = [c for c in candidates if c.cohort_families <= settings["max_cohort_families"]]
    contamination = None
    if family is not None and family.is_foetal:
        from genomes.contamination import contamination_could_explain, estimate_contamination

        contamination = estimate_contamination(case)
        for candidate in candidates:
            if {"de_novo", "x_de_novo"} & set(candidate.modes) and contamination_could_explain(
                    candidate.row, family, contamination):
                candidate.flags.append("maternal_contamination_could_explain")
    if family is not None:
        for candidate in candidates:
            candidate.flags.extend(flags_of_row(candidate.row, family))
    evidence = case_evidence(case_import)
    classes = final_classes([c.row["variant_id"] for c in candidates])
    for candidate in candidates:
        if phenotype is not None:
            candidate.phenotype = phenotype.match(candidate.row["genes"] or [])
        candidate.score_parts, candidate.score = candidate_score(
            candidate.row, panel=candidate.panel, modes=candidate.modes, evidence=evidence,
            phenotype=candidate.phenotype, classification=classes.get(candidate.row["variant_id"]))
    return candidates, truncated, contamination


def final_classes(variant_ids: list[int]) -> dict[int, str]:
    """Variant id -> the final germline ACMG/AMP class the national store holds for it, when departments agree
    on its group (a conflict between (likely) pathogenic and (likely) benign counts as neither)."""
    from interpret.acmg.classes import conflict_group
    from interpret.classification.models import Classification

    found: dict[int, set[str]] = {}
    rows = Classification.objects.filter(variant_id__in=variant_ids, status=Classification.Status.FINAL,
                                         origin=Classification.Origin.GERMLINE).values_list("variant_id",
                                                                                             "result_class")
    for variant_id, result_class in rows:
        found.setdefault(variant_id, set()).add(result_class)
    return {variant_id: sorted(classes)[0] for variant_id, classes in found.items()
            if len({conflict_group(c) for c in classes}) == 1}


def candidate_score(row: dict, *, panel: dict | None, modes: list[str], evidence: dict | None,
                    phenotype: dict | None = None, classification: str | None = None
                    ) -> tuple[dict[str, float], float]:
    """A row's ranking parts and total: one function for the table, the variant page, the API and the command.
    ``phenotype``: the row's phenotype match (PhenotypeContext.match), None when the case has no terms."""
    parts = score_parts(row, panel_confidence=(panel or {}).get("confidence"), modes=modes,
                        frequency_annotated=carries(evidence, "gnomad_af", "gnomad_popmax"),
                        phenotype_match=phenotype["match"] if phenotype is not None else None,
                        classification=classification)
    return parts, score_total(parts)


def row_in_analysis(case, case_import, row: dict, *, user) -> dict:
    """How the analysis shows one stored row outside a run (the variant page): with the panels and filters of the
    user's latest run on this import, else the case's defaults, so that its transcript and score are the ones the
    variant table showed. Returns its panel entry, the panel's genes and the transcript choice."""
    run = (FilterRun.objects.filter(case=case, kind="small", case_import=case_import, user=user)
           .order_by("-created_at").first()
           if user is not None and getattr(user, "pk", None) else None)
    try:
        settings = normalise_settings(filter_run_settings(run) if run else None)
        versions = resolve_panel_versions(case, settings)
    except ValidationError:  # a panel version since removed from use: the defaults
        settings = normalise_settings(None)
        versions = resolve_panel_versions(case, settings)
    panel_genes = _panel_genes(versions) if versions else {}
    confidences = CONFIDENCE_SETS[settings["panel_confidence"]]
    padding = _padding_regions(panel_genes, case_import.genome_build, confidences) if versions else []
    symbols = sorted(e["symbol"] for e in panel_genes.values() if e["confidence"] in confidences) if versions else None
    try:
        phenotype = phenotype_context(case, settings)
    except ValidationError:
        phenotype = None
    return {"panel": _panel_entry(row, panel_genes, padding, confidences), "panel_symbols": symbols,
            "phenotype_context": phenotype,
            "phenotype": phenotype.match(row["genes"] or []) if phenotype is not None else None,
            "shown_by": {"genes": symbols, "impacts": settings.get("impacts") or (),
                         "consequences": settings.get("consequences") or ()}}


def _record_run(case, case_import, user, via, preset, settings, versions, candidates, milliseconds) -> FilterRun:
    return record_run(case, kind=FilterRun.Kind.SMALL, user=user, via=via, preset=preset, settings=settings,
                      versions=versions, result_count=len(candidates), milliseconds=milliseconds,
                      case_import=case_import)


def record_run(case, *, kind: str, user, via: str, settings: dict, versions, result_count: int, milliseconds: int,
               preset=None, case_import=None, sv_imports=()) -> FilterRun:
    """The run of any variant kind, as the case's history, reports and reanalysis read it. Paging and re-sorting
    the same filters is not a new run: the user's latest identical run of the kind on the same data is reused."""
    unsorted = without_sorting(settings)
    last = FilterRun.objects.filter(case=case, user=user, kind=kind, case_import=case_import).order_by(
        "-created_at").first()
    if last is not None and without_sorting(last.filters) == unsorted \
            and sorted(last.panel_versions.values_list("pk", flat=True)) == sorted(v.pk for v in versions) \
            and sorted(last.sv_imports.values_list("pk", flat=True)) == sorted(i.pk for i in sv_imports) \
            and last.via == via:
        return last
    with transaction.atomic():
        run = FilterRun.objects.create(case=case, kind=kind, case_import=case_import, user=user, via=via,
                                       preset=preset, filters=settings, result_count=result_count,
                                       milliseconds=milliseconds)
        run.panel_versions.set(versions)
        if sv_imports:
            run.sv_imports.set(sv_imports)
    return run


def _candidates(rows, family, settings, panel_genes, padding, confidences,
                structural: dict[int, list[dict]] | None = None) -> list[Candidate]:
    """``structural``: row id -> the SV calls it is a compound heterozygote with (a partner like a small one)."""
    wanted = set(settings["inheritance"])
    by_id = {row["id"]: row for row in rows}
    pairs = compound_het_pairs(rows, family) if family is not None else {}
    candidates = []
    relatives = family is not None and bool(family.relatives)
    reduced = bool(settings.get("reduced_penetrance"))
    for row in rows:
        modes = modes_of_row(row, family) if family is not None else []
        partners = []
        for partner_id, kind in pairs.get(row["id"], []):
            partner = by_id[partner_id]
            if relatives and any(kind in segregation(one, family, [kind], reduced_penetrance=reduced,
                                                     partner=other).contradicted_modes
                                 for one, other in ((row, partner), (partner, row))):
                continue  # a relative rules this pair out (an unaffected one with both, an affected one without)
            partners.append({"id": partner_id, "kind": kind, "chrom": partner["chrom"], "pos": partner["pos"],
                             "ref": partner["ref"], "alt": partner["alt"], "variant_id": partner["variant_id"],
                             "evidence": pair_evidence(row, partner, family, kind)})
            if kind not in modes:
                modes.append(kind)
        for partner in (structural or {}).get(row["id"], []):
            partners.append(partner)
            if partner["kind"] not in modes:
                modes.append(partner["kind"])
        segregated = None
        if relatives:
            found = segregation(row, family, modes, reduced_penetrance=reduced)
            # a mode a relative contradicts is not the candidate's (compound het: its pairs were judged above)
            modes = [m for m in modes if m not in found.contradicted_modes or m in ("comp_het", "possible_comp_het")]
            segregated = found.as_dict()
        if wanted:
            matched = set(modes) | ({"de_novo"} if "x_de_novo" in modes else set())
            matched |= {"comp_het"} if "possible_comp_het" in modes else set()
            if not matched & wanted:
                continue
        candidates.append(Candidate(row=row, modes=modes, partners=partners,
                                    panel=_panel_entry(row, panel_genes, padding, confidences),
                                    segregation=segregated))
    return candidates


def _panel_entry(row: dict, panel_genes: dict, padding: list, confidences) -> dict | None:
    """The strongest panel entry among a row's genes (or a padded gene it lies near), marked when it is outside
    the confidences chosen."""
    panel = None
    for gene in row["genes"]:
        entry = panel_genes.get(gene.upper())
        if entry is not None and (panel is None or CONFIDENCE_RANK[entry["confidence"]]
                                  < CONFIDENCE_RANK[panel["confidence"]]):
            panel = entry
    if panel is None:
        for start, end, symbol in padding:
            if start <= row["xpos"] <= end:
                panel = {**panel_genes[symbol.upper()], "padding_only": True}
    if panel is not None and panel["confidence"] not in confidences:
        panel = {**panel, "outside_chosen_confidence": True}
    return panel


def _add_cohort_counts(candidates: list[Candidate]) -> None:
    """National cohort frequency of each candidate: families in which anyone carries it."""
    counts = germline_family_counts([c.row["variant_id"] for c in candidates])
    for candidate in candidates:
        candidate.cohort_families = counts.get(candidate.row["variant_id"], 0)


def _sort(candidates: list[Candidate], settings: dict) -> None:
    key = settings["sort"]
    missing_last = float("-inf") if settings["descending"] else float("inf")

    def value(c: Candidate):
        row = c.row
        if key == "score" and c.somatic is not None:
            # a tumour's calls: the strongest tier first, then the higher tumour VAF
            tier = (c.somatic.get("tier_detail") or {}).get("tier")
            return (-TIER_RANK.get(tier, 5), c.somatic.get("tumour_vaf") or 0, -row["xpos"])
        if key == "score":
            return (c.score, -row["xpos"])
        if key == "phenotype":  # the phenotype match first, the whole score among equal matches
            return ((c.phenotype or {}).get("match", 0.0), c.score, -row["xpos"])
        if key == "position":
            return row["xpos"]
        if key == "gene":
            return (row["genes"][0] if row["genes"] else "~", row["xpos"])
        if key == "cohort":
            return c.cohort_families
        if key == "tumour_vaf":
            vaf = (c.somatic or {}).get("tumour_vaf")
            return vaf if vaf is not None else missing_last
        column = {"popmax": "gnomad_popmax", "cadd": "cadd_phred", "revel": "revel"}[key]
        return row[column] if row[column] is not None else missing_last

    candidates.sort(key=value, reverse=settings["descending"])


def filter_run_settings(run: FilterRun) -> dict:
    """A recorded run's settings with its exact panel versions, to repeat it later."""
    settings = dict(run.filters)
    versions = list(run.panel_versions.select_related("panel"))
    if versions:
        settings["panels"] = [f"{v.panel.code}:{v.label}" for v in versions]
    return settings
