"""What a reanalysis job does: for the cases in its scope (with a current import), the checks it was asked for,
each as set-based SQL over all the cases at once (genomes.case_variants), then one upsert of the alerts.

- panel: genes green on the latest published version of each panel a case was last analysed with (or, for a
  published version's event, the version before it) that were not green on that version; the case's rows in
  them that meet the case's last analysis settings (its frequency, consequence, quality and inheritance filters:
  interpret.analysis.engine.reanalysis_conditions) raise "gene newly green on panel P vX: case Y has candidates".
- classification: final classifications of any department approved after the case was last analysed (or its
  data were ready), of variants the case carries, that say pathogenic or likely pathogenic or move a variant to
  another group (P/LP, VUS, B/LB) than the version before: "variant now likely pathogenic (was VUS) in case Y";
  and between departments whose final classifications of such a variant disagree, "classification conflict".
- frequency: the case's candidates that more families of the national cohort now carry than the case's
  ``max_cohort_families`` allows.
- phenotype: the case's candidates (its last analysis settings) ranked by the combined score with the proband's
  current HPO terms against the terms its last run was ranked with (none: no phenotype part): each candidate that
  enters the top PHENOTYPE_TOP is "candidate entered the top 10 with the phenotype".
- structural (with panel and dosage): the proband's copy-number losses and gains (genomes.sv) that cover a gene
  newly green on a panel the case was analysed with ("CNV covering a gene newly green"), or a gene newly
  established as dosage-sensitive in ClinGen's table in the direction that matters (a loss of a
  haploinsufficient gene, a gain of a triplosensitive one): "CNV covering a newly established dosage-sensitive
  gene".

Alerts are found again by (department, case, kind, subject): a second run creates none, and notes when an alert's
evidence changed (an acknowledged or dismissed alert whose evidence changed opens again).
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from core.jobs import job_handler
from core.models import Job
from genomes import case_variants
from genomes.models import Case, Variant
from interpret.acmg.classes import PATHOGENIC_CLASSES, class_in_words, conflict_group
from interpret.acmg.cnv import cnv_direction
from interpret.analysis.engine import reanalysis_conditions
from interpret.analysis.filters import normalise_settings
from interpret.analysis.models import FilterRun, VariantTag
from interpret.classification.models import Classification
from interpret.reanalysis.models import Alert, Reanalysis
from interpret.reporting.models import Report
from panels.models import PanelVersion

CHECKS = ("panel", "classification", "frequency", "dosage", "phenotype", "repeats")
PHENOTYPE_TOP = 10
CHUNK = 250  # cases per statement and per progress step


def scope_cases(scope: dict):
    """The cases a scope names that have a current import: a patient group's (or several), a department's, a
    list of case ids, or all of them."""
    cases = Case.objects.filter(imports__is_current=True)
    if scope.get("patient_groups"):
        cases = cases.filter(patient_group__code__in=scope["patient_groups"])
    if scope.get("department"):
        cases = cases.filter(department__code=scope["department"])
    if scope.get("departments"):
        cases = cases.filter(department__code__in=scope["departments"])
    if scope.get("cases"):
        cases = cases.filter(pk__in=scope["cases"])
    if scope.get("build"):
        cases = cases.filter(genome_build=scope["build"])
    if scope.get("with_repeats"):
        cases = cases.filter(str_imports__is_current=True)
    if scope.get("with_structural_variants"):
        cases = cases.filter(sv_imports__is_current=True)
    if scope.get("variants"):
        carrying = {case_id for _, case_id in case_variants.current_cases_carrying(scope["variants"])}
        cases = cases.filter(pk__in=carrying | _mt_cases_carrying(scope["variants"]))
    return cases.select_related("department", "patient_group").order_by("pk").distinct()


def _mt_cases_carrying(variant_ids: list[int]) -> set[int]:
    """Cases whose current mitochondrial file has an allele at the position of one of the (MT) national variants;
    the alert check compares the alleles themselves."""
    from genomes.models import MtVariant, Variant

    positions = list(Variant.objects.filter(pk__in=variant_ids, chrom="MT").values_list("pos", flat=True))
    if not positions:
        return set()
    # an indel's national row starts a base after its VCF record (the shared first base trimmed)
    return set(MtVariant.objects.filter(pos__in=positions + [p - 1 for p in positions], mt_import__is_current=True)
               .values_list("case_id", flat=True))


@job_handler("reanalysis")
def reanalysis_job(job: Job, report) -> dict:
    reanalysis = Reanalysis.objects.get(job=job)
    summary = reanalysis_run(reanalysis, report)
    Reanalysis.objects.filter(pk=reanalysis.pk).update(summary=summary)
    return summary


def reanalysis_run(reanalysis: Reanalysis, report=lambda *a, **k: None) -> dict:
    started = time.monotonic()
    cases = list(scope_cases(reanalysis.scope))
    last_runs = _last_runs([c.pk for c in cases])
    alerts: list[dict] = []
    total = len(cases)
    report(0, total, f"re-running {total:,} cases", force=True)
    for offset in range(0, total, CHUNK):
        chunk = cases[offset:offset + CHUNK]
        if "panel" in reanalysis.checks:
            alerts += _panel_alerts(chunk, last_runs, reanalysis.panel_event)
        if "frequency" in reanalysis.checks:
            alerts += _frequency_alerts(chunk, last_runs)
        if "classification" in reanalysis.checks:
            alerts += _classification_alerts(chunk, last_runs, reanalysis.scope.get("variants"))
            alerts += _mt_classification_alerts(chunk, last_runs, reanalysis.scope.get("variants"))
        if "dosage" in reanalysis.checks:
            alerts += _dosage_alerts(chunk, reanalysis.scope.get("dosage_genes"))
        if "phenotype" in reanalysis.checks:
            alerts += _phenotype_alerts(chunk, last_runs)
        if "repeats" in reanalysis.checks:
            alerts += _repeat_alerts(chunk, reanalysis.scope.get("repeat_loci"))
        report(min(offset + CHUNK, total), total, f"{min(offset + CHUNK, total):,} of {total:,} cases re-run")
    counts = alerts_store(alerts, reanalysis)
    return {"cases_rerun": total, "checks": list(reanalysis.checks), **counts,
            "seconds": round(time.monotonic() - started, 2)}


def _last_runs(case_ids: list[int]) -> dict[int, FilterRun]:
    runs = (FilterRun.objects.filter(case_id__in=case_ids, kind="small").order_by("case_id", "-created_at")
            .distinct("case_id").prefetch_related("panel_versions__panel"))
    return {run.case_id: run for run in runs}


def _settings_of(run: FilterRun | None) -> dict:
    return normalise_settings(dict(run.filters) if run is not None else {})


def _green(version: PanelVersion) -> set[str]:
    return set(version.entries.filter(confidence="green").values_list("symbol", flat=True))


def _panel_alerts(cases: list[Case], last_runs: dict, event) -> list[dict]:
    latest: dict[int, PanelVersion | None] = {}
    greens: dict[int, set[str]] = {}

    def green_of(version):
        if version.pk not in greens:
            greens[version.pk] = _green(version)
        return greens[version.pk]

    def newest(panel_id):
        if panel_id not in latest:
            latest[panel_id] = (PanelVersion.objects.filter(panel_id=panel_id, status=PanelVersion.Status.PUBLISHED)
                                .order_by("-published_at").first())
        return latest[panel_id]

    event_version = event.version if event is not None else None
    # For a case not analysed with the published panel yet: the version before the published one.
    before = (PanelVersion.objects.filter(panel_id=event_version.panel_id, published_at__lt=event_version.published_at)
              .exclude(pk=event_version.pk).order_by("-published_at").first() if event_version is not None else None)
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for case in cases:
        run = last_runs.get(case.pk)
        used = list(run.panel_versions.all()) if run is not None else []
        if event_version is not None and not any(v.panel_id == event_version.panel_id for v in used):
            used = [before] if before is not None else []
        for old in used:
            new = newest(old.panel_id)
            if new is None or new.pk == old.pk:
                continue
            genes = sorted(green_of(new) - green_of(old))
            if not genes:
                continue
            conditions, params = reanalysis_conditions(case, _settings_of(run))
            key = (tuple(conditions), json.dumps(params, default=str), tuple(genes), new.pk)
            groups[key].append((case, old, new))
    alerts = _structural_panel_alerts([(case, old, new, list(genes)) for (_, _, genes, _), members in groups.items()
                                       for case, old, new in members])
    for (conditions, params, genes, _), members in groups.items():
        by_case = {case.pk: (case, old, new) for case, old, new in members}
        reported = reported_causative(list(by_case))
        for case_id, gene, variant_ids in case_variants.candidates_in_genes(
                list(by_case), list(conditions), json.loads(params), list(genes)):
            variant_ids = [v for v in variant_ids if (case_id, v) not in reported]
            if not variant_ids:
                continue  # the case is reported with its candidate there: nothing new to look at
            case, old, new = by_case[case_id]
            alerts.append(_alert(case, Alert.Kind.PANEL_GENE, f"panel:{new.panel.code}:{gene}",
                                 f"{gene} newly green on panel {new.panel.name} v{new.label}: case {case.identifier} "
                                 f"has {len(variant_ids)} candidate{'s' if len(variant_ids) != 1 else ''} in it",
                                 {"panel": new.panel.code, "version": new.label, "previous_version": old.label,
                                  "gene": gene, "variants": variant_ids}))
    return alerts


def _proband_cnvs(case_ids: list[int]):
    """The current copy-number losses and gains the probands of these cases carry (genomes.sv), with their case's
    proband position."""
    from genomes.models import StructuralVariant
    from genomes.selectors import family_of_case
    from genomes.sv.selectors import sv_carried_by

    for case in Case.objects.filter(pk__in=case_ids, sv_imports__is_current=True).distinct():
        family = family_of_case(case)
        if family is None:
            continue
        calls = StructuralVariant.objects.filter(case=case, sv_import__is_current=True,
                                                 svtype__in=["DEL", "DUP", "CNV"]).filter(sv_carried_by(family.proband))
        for call in calls:
            direction = cnv_direction(call.svtype, [(c or {}).get("cn") for c in call.sample_calls])
            if direction:
                yield case, call, direction


def _structural_panel_alerts(members: list[tuple]) -> list[dict]:
    """CNVs of the proband whose genes (any overlap) are newly green on a panel the case was analysed with."""
    newly: dict[int, list[tuple]] = defaultdict(list)
    for case, old, new, genes in members:
        newly[case.pk].append((old, new, set(genes)))
    alerts = []
    for case, call, direction in _proband_cnvs(list(newly)):
        for old, new, genes in newly[case.pk]:
            for gene in sorted(genes & set(call.genes)):
                alerts.append(_alert(
                    case, Alert.Kind.SV_PANEL_GENE, f"sv-panel:{new.panel.code}:{gene}:{call.cluster_id or call.pk}",
                    f"{gene} newly green on panel {new.panel.name} v{new.label}: case {case.identifier} has a "
                    f"copy-number {direction} covering it ({call.chrom}:{call.start}-{call.end})",
                    {"panel": new.panel.code, "version": new.label, "previous_version": old.label, "gene": gene,
                     "structural_variant": call.pk, "svtype": call.svtype, "direction": direction}))
    return alerts


def _dosage_alerts(cases: list[Case], genes: dict[str, list[str]] | None) -> list[dict]:
    """CNVs of the proband covering (in whole or part) a gene established as dosage-sensitive in the direction
    that matters: ``genes`` the newly established ones (None: every established gene of the build)."""
    from genomes.models import DosageSensitivity

    wanted = {"loss": 3, "gain": 3}
    by_build: dict[str, list] = {}
    alerts = []
    for case, call, direction in _proband_cnvs([c.pk for c in cases]):
        if case.genome_build not in by_build:
            rows = DosageSensitivity.objects.filter(build=case.genome_build)
            if genes is not None:
                rows = rows.filter(gene__in=list(genes))
            by_build[case.genome_build] = list(rows.values_list("gene", "chrom", "start", "end", "haploinsufficiency",
                                                                "triplosensitivity"))
        kind = "haploinsufficiency" if direction == "loss" else "triplosensitivity"
        for gene, chrom, start, end, hi, ts in by_build[case.genome_build]:
            score = hi if direction == "loss" else ts
            if chrom != call.chrom or start > call.end or end < call.start or score != wanted[direction]:
                continue
            if genes is not None and kind not in genes.get(gene, ()):
                continue
            whole = call.start <= start and end <= call.end
            alerts.append(_alert(
                case, Alert.Kind.DOSAGE_GENE, f"dosage:{gene}:{call.cluster_id or call.pk}",
                f"{gene} is now an established {'haploinsufficient' if direction == 'loss' else 'triplosensitive'} "
                f"gene (ClinGen score 3): case {case.identifier} has a copy-number {direction} covering "
                f"{'all' if whole else 'part'} of it ({call.chrom}:{call.start}-{call.end})",
                {"gene": gene, kind: score, "structural_variant": call.pk, "svtype": call.svtype,
                 "direction": direction, "whole_gene": whole}))
    return alerts


def _phenotype_alerts(cases: list[Case], last_runs: dict) -> list[dict]:
    """Candidates newly in the top PHENOTYPE_TOP by the combined score with the proband's current terms, against
    the ranking of the terms the case's last run used (without terms: the score without a phenotype part)."""
    from django.core.exceptions import ValidationError

    from interpret.analysis.engine import run_analysis
    from interpret.phenotype.context import phenotype_context

    alerts = []
    for case in cases:
        run = last_runs.get(case.pk)
        settings = _settings_of(run)
        before_terms = list(settings.get("hpo_terms") or [])
        try:
            result = run_analysis(case, {**(dict(run.filters) if run else {}), "hpo_terms": []}, record=False)
            before = phenotype_context(case, {**settings, "hpo_terms": before_terms}) if before_terms else None
        except ValidationError:
            continue  # settings that no longer run (a panel version removed from use): nothing to compare
        if result.phenotype is None or result.phenotype.terms == before_terms:
            continue

        def before_score(candidate):
            from interpret.rules.scoring import PHENOTYPE_WEIGHT, score_total

            parts = {k: v for k, v in candidate.score_parts.items() if k != "phenotype"}
            if before is not None:
                parts["phenotype"] = round(PHENOTYPE_WEIGHT * before.match(candidate.row["genes"] or [])["match"], 2)
            return score_total(parts)  # the same rounding as the score itself: equal evidence ties

        def key(candidate, score):
            return (-score, candidate.row["xpos"])

        now = sorted(result.candidates, key=lambda c: key(c, c.score))
        earlier = sorted(result.candidates, key=lambda c: key(c, before_score(c)))
        earlier_rank = {c.row["variant_id"]: rank for rank, c in enumerate(earlier, start=1)}
        for rank, candidate in enumerate(now[:PHENOTYPE_TOP], start=1):
            variant_id = candidate.row["variant_id"]
            if earlier_rank[variant_id] <= PHENOTYPE_TOP:
                continue
            gene = (candidate.phenotype or {}).get("gene") or (candidate.row["genes"] or ["?"])[0]
            alerts.append(_alert(
                case, Alert.Kind.PHENOTYPE_RANK, f"phenotype:{variant_id}",
                f"{gene} candidate entered the top {PHENOTYPE_TOP} of case {case.identifier} with its phenotype "
                f"(rank {earlier_rank[variant_id]} -> {rank})",
                {"variant": variant_id, "gene": gene, "rank": rank, "previous_rank": earlier_rank[variant_id],
                 "terms": result.phenotype.terms, "previous_terms": before_terms,
                 "phenotype_match": (candidate.phenotype or {}).get("match"), "score": candidate.score}))
    return alerts


def _repeat_alerts(cases: list[Case], loci: list[str] | None) -> list[dict]:
    """Stored repeat calls classified again with the current catalog (at ``loci``, else all): a person whose
    allele is now a full mutation is an alert."""
    from genomes.models import StrCall
    from genomes.str.catalog import calls_reclassify

    calls = StrCall.objects.filter(case__in=cases, str_import__is_current=True).select_related("case")
    if loci is not None:
        calls = calls.filter(locus_id__in=loci)
    people = {}
    alerts = []
    for call, moved in calls_reclassify(list(calls)):
        newly = [(position, old, new) for position, old, new in moved if new == "full_mutation"]
        if not newly:
            continue
        case = call.case
        if case.pk not in people:
            people[case.pk] = {s.position: s.individual.individual_id for s in case.samples.select_related(
                "individual")}
        named = [people[case.pk].get(position, str(position)) for position, _, _ in newly]
        alerts.append(_alert(case, Alert.Kind.REPEAT, f"repeat:{call.locus_id}",
                             f"{call.locus_id} ({call.disease or call.gene}): now a full mutation in "
                             f"{', '.join(named)} of case {case.identifier} by the catalog's thresholds "
                             f"(pathologic at {call.pathologic_min})",
                             {"locus": call.locus_id, "people": named, "normal_max": call.normal_max,
                              "pathologic_min": call.pathologic_min,
                              "alleles": {people[case.pk].get(p, str(p)): call.sample_calls[p]["alleles"]
                                          for p, _, _ in newly},
                              "was": {people[case.pk].get(p, str(p)): old for p, old, _ in newly}}))
    return alerts


def _frequency_alerts(cases: list[Case], last_runs: dict) -> list[dict]:
    groups: dict[tuple, list[Case]] = defaultdict(list)
    for case in cases:
        settings = _settings_of(last_runs.get(case.pk))
        if settings["max_cohort_families"] is None:
            continue
        conditions, params = reanalysis_conditions(case, settings)
        groups[(tuple(conditions), json.dumps(params, default=str), settings["max_cohort_families"])].append(case)
    alerts = []
    for (conditions, params, limit), members in groups.items():
        by_id = {c.pk: c for c in members}
        found = case_variants.candidates_above_cohort(list(by_id), list(conditions), json.loads(params), limit)
        names = {v.pk: str(v) for v in Variant.objects.filter(pk__in={variant for _, variant, _ in found})}
        for case_id, variant_id, families in found:
            case = by_id[case_id]
            alerts.append(_alert(case, Alert.Kind.FREQUENCY, f"variant:{variant_id}",
                                 f"{names[variant_id]} is now carried by {families} families nationally, above case "
                                 f"{case.identifier}'s threshold of {limit}",
                                 {"variant": variant_id, "families": families, "threshold": limit}))
    return alerts


def _classification_alerts(cases: list[Case], last_runs: dict, variants: list[int] | None) -> list[dict]:
    by_id = {c.pk: c for c in cases}
    # Germline classifications: a tumour's oncogenicity does not change what a germline case carries
    finals = Classification.objects.filter(status=Classification.Status.FINAL,
                                           origin=Classification.Origin.GERMLINE).select_related("department",
                                                                                                 "variant")
    if variants:
        finals = finals.filter(variant_id__in=variants)
    carried = case_variants.current_cases_carrying(
        list(finals.values_list("variant_id", flat=True).distinct()), list(by_id))
    if not carried:
        return []
    cases_of: dict[int, list[int]] = defaultdict(list)
    for variant_id, case_id in carried:
        cases_of[variant_id].append(case_id)
    finals = list(finals.filter(variant_id__in=cases_of))
    previous = dict(Classification.objects.filter(pk__in=[f.previous_id for f in finals if f.previous_id])
                    .values_list("pk", "result_class"))
    alerts = []
    reported = reported_causative(list(by_id))
    for final in finals:
        before = previous.get(final.previous_id)
        moved = before is not None and conflict_group(before) != conflict_group(final.result_class)
        if final.result_class not in PATHOGENIC_CLASSES and not moved:
            continue
        now = class_in_words(final.result_class)
        was = f" (was {class_in_words(before)})" if before else ""
        for case_id in cases_of[final.variant_id]:
            if (case_id, final.variant_id) in reported and final.result_class in PATHOGENIC_CLASSES:
                continue  # reported as the case's cause already: the classification confirms what was signed
            case = by_id[case_id]
            run = last_runs.get(case_id)
            looked_at = run.created_at if run is not None else case.data_ready_at
            if looked_at is not None and final.approved_at is not None and final.approved_at <= looked_at:
                continue  # known when the case was last analysed
            alerts.append(_alert(case, Alert.Kind.CLASSIFICATION,
                                 f"variant:{final.variant_id}:{final.department.code}:{final.gene}",
                                 f"{final.variant} now {now}{was} in case {case.identifier} "
                                 f"({final.department.name}, {final.gene}, v{final.version})",
                                 {"variant": final.variant_id, "classification": final.pk,
                                  "department": final.department.code, "class": final.result_class,
                                  "previous_class": before, "version": final.version}))
    alerts += _conflict_alerts([f.variant_id for f in finals])
    return alerts


def _mt_classification_alerts(cases: list[Case], last_runs: dict, variants: list[int] | None) -> list[dict]:
    """A mitochondrial allele newly classified pathogenic or likely pathogenic (or moved across the line) that a
    case's mitochondrial file carries at a level counted nationally: the same alert as for a small variant (one
    subject, so a main VCF's chrM record carried both ways raises one)."""
    from genomes.models import MtVariant
    from genomes.mt.national import MT_CARRIER_MIN
    from genomes.variant_identity import trim_alleles

    finals = Classification.objects.filter(status=Classification.Status.FINAL, variant__chrom="MT",
                                           origin=Classification.Origin.GERMLINE).select_related("department",
                                                                                                 "variant")
    if variants:
        finals = finals.filter(variant_id__in=variants)
    finals = list(finals)
    if not finals:
        return []
    by_id = {c.pk: c for c in cases}
    previous = dict(Classification.objects.filter(pk__in=[f.previous_id for f in finals if f.previous_id])
                    .values_list("pk", "result_class"))
    wanted = {(f.variant.build, f.variant.pos, f.variant.ref, f.variant.alt): f for f in finals}
    carried = defaultdict(list)
    for allele in MtVariant.objects.filter(case_id__in=list(by_id), mt_import__is_current=True,
                                           pos__in=sorted({p for k in wanted for p in (k[1], k[1] - 1)})
                                           ).select_related("case"):
        levels = [c.get("heteroplasmy") for c in allele.sample_calls if c and c.get("heteroplasmy") is not None]
        if not levels or max(levels) < MT_CARRIER_MIN:
            continue
        key = (allele.case.genome_build, *trim_alleles(allele.pos, allele.ref, allele.alt))
        if key in wanted:
            carried[wanted[key].pk].append((allele.case, max(levels)))
    alerts = []
    for final in finals:
        before = previous.get(final.previous_id)
        moved = before is not None and conflict_group(before) != conflict_group(final.result_class)
        if final.result_class not in PATHOGENIC_CLASSES and not moved:
            continue
        for case, level in carried.get(final.pk, []):
            run = last_runs.get(case.pk)
            looked_at = run.created_at if run is not None else case.data_ready_at
            if looked_at is not None and final.approved_at is not None and final.approved_at <= looked_at:
                continue
            was = f" (was {class_in_words(before)})" if before else ""
            alerts.append(_alert(case, Alert.Kind.CLASSIFICATION,
                                 f"variant:{final.variant_id}:{final.department.code}:{final.gene}",
                                 f"{final.hgvsc or final.variant} now {class_in_words(final.result_class)}{was} "
                                 f"in case {case.identifier}, heteroplasmy up to {level:g} "
                                 f"({final.department.name}, {final.gene}, v{final.version})",
                                 {"variant": final.variant_id, "classification": final.pk,
                                  "department": final.department.code, "class": final.result_class,
                                  "previous_class": before, "version": final.version, "heteroplasmy": level}))
    return alerts


def _conflict_alerts(variant_ids: list[int]) -> list[dict]:
    finals = (Classification.objects.filter(variant_id__in=set(variant_ids), status=Classification.Status.FINAL,
                                            origin=Classification.Origin.GERMLINE)
              .select_related("department", "variant").order_by("variant_id", "gene", "department__code"))
    by_key: dict[tuple, list[Classification]] = defaultdict(list)
    for final in finals:
        by_key[(final.variant_id, final.gene)].append(final)
    alerts = []
    for (variant_id, gene), items in by_key.items():
        if len({conflict_group(i.result_class) for i in items}) < 2:
            continue
        for mine in items:
            others = [i for i in items if conflict_group(i.result_class) != conflict_group(mine.result_class)]
            if not others:
                continue
            names = ", ".join(f"{o.department.name} ({class_in_words(o.result_class)})" for o in others)
            alerts.append({"department_id": mine.department_id, "case_id": None, "user_id": None,
                           "kind": Alert.Kind.CONFLICT, "subject": f"variant:{variant_id}:{gene}",
                           "title": f"classification conflict on {mine.variant} ({gene}) with {names}; yours: "
                                    f"{class_in_words(mine.result_class)}",
                           "evidence": {"variant": variant_id, "gene": gene,
                                        "classifications": sorted([i.department.code, i.result_class, i.version]
                                                                  for i in items)}})
    return alerts


def reported_causative(case_ids: list[int]) -> set[tuple[int, int]]:
    """(case, variant) pairs a case is already reported with: tagged causative, or in a signed report."""
    pairs = set(VariantTag.objects.filter(case_id__in=case_ids, tag=VariantTag.Tag.CAUSATIVE)
                .values_list("case_id", "variant_id"))
    for case_id, variant_ids in Report.objects.filter(case_id__in=case_ids, status=Report.Status.SIGNED).values_list(
            "case_id", "variant_ids"):
        pairs.update((case_id, v) for v in variant_ids)
    return pairs


def _alert(case: Case, kind: str, subject: str, title: str, evidence: dict) -> dict:
    return {"department_id": case.department_id, "case_id": case.pk, "user_id": case.assigned_to_id,
            "kind": kind, "subject": subject, "title": title[:500], "evidence": evidence}


def alerts_store(alerts: list[dict], reanalysis: Reanalysis | None) -> dict:
    """Upsert the alerts in one statement: new ones are raised, known ones keep when they were first raised and
    note when their evidence last changed; returns how many were created, updated and unchanged."""
    unique: dict[tuple, dict] = {}
    for alert in alerts:
        alert["evidence_digest"] = hashlib.md5(json.dumps(alert["evidence"], sort_keys=True).encode()).hexdigest()
        unique[(alert["department_id"], alert["case_id"], alert["kind"], alert["subject"])] = alert
    if not unique:
        return {"alerts_created": 0, "alerts_updated": 0, "alerts_unchanged": 0}
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO interpret_alert AS a (department_id, case_id, user_id, kind, subject, title, evidence, "
            "evidence_digest, first_raised_at, evidence_changed_at, last_seen_at, state, reanalysis_id) "
            "SELECT r.department_id, r.case_id, r.user_id, r.kind, r.subject, r.title, r.evidence, "
            "r.evidence_digest, %s, %s, %s, 'open', %s FROM jsonb_to_recordset(%s::jsonb) AS r("
            "department_id bigint, case_id bigint, user_id bigint, kind text, subject text, title text, "
            "evidence jsonb, evidence_digest text) ORDER BY r.department_id, r.case_id, r.kind, r.subject "
            "ON CONFLICT (department_id, case_id, kind, subject) DO UPDATE SET "
            "last_seen_at = EXCLUDED.last_seen_at, reanalysis_id = EXCLUDED.reanalysis_id, "
            "user_id = coalesce(a.user_id, EXCLUDED.user_id), "
            "title = CASE WHEN a.evidence_digest <> EXCLUDED.evidence_digest THEN EXCLUDED.title ELSE a.title END, "
            "evidence = EXCLUDED.evidence, evidence_digest = EXCLUDED.evidence_digest, "
            "evidence_changed_at = CASE WHEN a.evidence_digest <> EXCLUDED.evidence_digest "
            "  THEN EXCLUDED.evidence_changed_at ELSE a.evidence_changed_at END, "
            "state = CASE WHEN a.evidence_digest <> EXCLUDED.evidence_digest THEN 'open' ELSE a.state END "
            "RETURNING (xmax = 0), evidence_changed_at = %s",
            [now, now, now, reanalysis.pk if reanalysis else None, json.dumps(list(unique.values())), now])
        outcomes = cursor.fetchall()
    created = sum(1 for new, _ in outcomes if new)
    updated = sum(1 for new, changed in outcomes if not new and changed)
    return {"alerts_created": created, "alerts_updated": updated,
            "alerts_unchanged": len(outcomes) - created - updated}
