"""The geneticist's case page, variant table and variant page. Thin: the filter engine is
interpret.analysis.engine, the marks interpret.analysis.variant_marks."""
from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.access import user_may_export
from core.exports import spreadsheet_safe_row
from core.patient_reads import patient_rows_read
from core.web import audit_context, audit_refusal, posted_number
from genomes.contamination import contamination_plot, estimate_contamination
from genomes.qc import qc_plots
from genomes.reads import case_has_reads
from genomes.selectors import case_overview
from genomes.variant_identity import variant_label
from genomes.vcf.consequences import CONSEQUENCE_IMPACT
from genomes.web import case_for_request
from interpret.analysis.engine import filter_run_settings, run_analysis
from interpret.analysis.evidence import banner as evidence_banner
from interpret.analysis.evidence import case_evidence
from interpret.analysis.filters import CONFIDENCE_SETS, DEFAULTS, IMPACTS, PHENOTYPE_METHODS, SORTS
from interpret.analysis.models import FilterRun, VariantTag
from interpret.analysis.output import candidates_as_dicts, case_individuals
from interpret.analysis.presets import preset_or_default, preset_save, presets_for
from interpret.analysis.selectors import filter_run_timeline
from interpret.analysis.variant_marks import variant_comment_add as comment_add
from interpret.analysis.variant_marks import variant_tag_toggle as tag_toggle
from interpret.analysis.variant_page import variant_details
from interpret.classification.models import Classification
from interpret.classification.selectors import classifications_of_variant, may_classify
from interpret.rules.inheritance import MODE_LABELS, MODES
from interpret.rules.scoring import score_weights
from interpret.workflow.selectors import case_workflow_context

COLUMNS = (("gene", "Gene"), ("consequence", "Consequence"), ("hgvs", "HGVS"), ("genotypes", "Genotypes"),
           ("popmax", "gnomAD popmax"), ("cohort", "Cohort families"), ("clinvar", "ClinVar"),
           ("predictors", "CADD / REVEL / SpliceAI"), ("inheritance", "Inheritance"), ("panel", "Panel"),
           ("tags", "Tags"), ("score", "Score (and phenotype match)"))
DEFAULT_COLUMNS = [c for c, _ in COLUMNS]
LIST_KEYS = ("panels", "impacts", "consequences", "clinvar", "genes", "inheritance", "cancer_genes", "hpo_terms")
PAGE_SIZE = settings.VIEW_PAGE_ROWS  # a page is what a view may show; more at once is an export


def _filters_from_query(query) -> dict:
    """Only what the user set: the preset and the defaults fill the rest."""
    filters = {}
    for key in DEFAULTS:
        if key in LIST_KEYS:
            if key in query:
                filters[key] = [v for v in query.getlist(key) if v != ""]
        elif key in query:
            filters[key] = query.get(key)
    return filters


def _analysis(request, case):
    """The run a request asks for: a named run, a preset, filters; with none of these, the user's own latest run
    on the case's current data (a geneticist comes back to a case where they left it), else the defaults."""
    preset = None
    filters = _filters_from_query(request.GET)
    resumed = None
    if not filters and not request.GET.get("preset") and not request.GET.get("run") \
            and not request.GET.get("defaults"):
        resumed = (FilterRun.objects.filter(case=case, user=request.user, kind="small", case_import__is_current=True)
                   .select_related("preset").order_by("-created_at").first())
        if resumed is not None:
            result = run_analysis(case, filter_run_settings(resumed), preset=None, user=request.user,
                                  via=FilterRun.Via.BROWSER, reuse=True)
            return result, resumed.preset, resumed
    if request.GET.get("run"):
        run = FilterRun.objects.filter(case=case, kind="small", pk=posted_number(request.GET["run"], "run")).first()
        if run is None:
            raise Http404("No such filter run on this case")
        filters = {**filter_run_settings(run), **filters}
    preset = preset_or_default(request.GET.get("preset"), request.user, case, filters)
    result = run_analysis(case, filters, preset=preset, user=request.user, via=FilterRun.Via.BROWSER, reuse=True)
    return result, preset, None


def variant_table(request, case_id: int):
    case = case_for_request(request, case_id)
    error = resumed = None
    try:
        result, preset, resumed = _analysis(request, case)
    except ValidationError as exc:
        result, preset, error = None, None, "; ".join(exc.messages)
    columns = [c for c in request.GET.getlist("cols") if c in dict(COLUMNS)] or DEFAULT_COLUMNS
    context = {"case": case, "error": error, "result": result, "preset": preset, "columns": columns,
               "phenotype_methods": PHENOTYPE_METHODS, "score_weights": score_weights(),
               "all_columns": COLUMNS, "active_group": case.patient_group.code,
               "presets": presets_for(request.user, case), "may_export": user_may_export(request.user, case.department),
               "modes": [(m, MODE_LABELS[m]) for m in MODES], "impacts": IMPACTS, "sorts": SORTS,
               "confidence_sets": CONFIDENCE_SETS, "query": request.GET.urlencode(),
               "consequence_terms": sorted(CONSEQUENCE_IMPACT), "resumed": resumed}
    if result is not None:
        page = Paginator(result.candidates, PAGE_SIZE).get_page(request.GET.get("page"))
        tags = {}
        for variant_id, tag in VariantTag.objects.filter(
                case=case, variant_id__in=[c.row["variant_id"] for c in page.object_list]).values_list(
                "variant_id", "tag"):
            tags.setdefault(variant_id, []).append(tag)
        patient_rows_read(user=request.user, department=case.department, rows=len(page.object_list),
                          object_type="case_variants", object_id=case.pk, audit=audit_context(request),
                          details={"filter_run": result.filter_run.pk if result.filter_run else None,
                                   "page": page.number, "candidates": len(result.candidates)})
        rows = candidates_as_dicts(result, list(page.object_list))
        for data in rows:
            data["tags"] = tags.get(data["variant_id"], [])
            data["mode_labels"] = [MODE_LABELS.get(m, m) for m in data["inheritance"]]
        params = request.GET.copy()
        params.pop("page", None)
        context.update(page=page, rows=rows, individuals=case_individuals(case, result.family),
                       page_query=params.urlencode(), settings=result.settings, run=result.filter_run)
    template = "interpret/_variant_table.html" if request.headers.get("HX-Request") else "interpret/variant_table.html"
    return render(request, template, context)


def variant_table_export(request, case_id: int):
    case = case_for_request(request, case_id)
    if not user_may_export(request.user, case.department):  # refused (and audited) before any analysis runs
        patient_rows_read(user=request.user, department=case.department, rows=0, export=True,
                          object_type="case_variants", object_id=case.pk, audit=audit_context(request))
    try:
        result, _, _ = _analysis(request, case)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400)
    patient_rows_read(user=request.user, department=case.department, rows=len(result.candidates), export=True,
                      object_type="case_variants", object_id=case.pk, audit=audit_context(request),
                      details={"filter_run": result.filter_run.pk, "format": "csv"})
    individuals = case_individuals(case, result.family)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{case.identifier}_variants.csv"'
    writer = csv.writer(response)
    writer.writerow(spreadsheet_safe_row(
        ["chrom", "pos", "ref", "alt", "gene", "consequence", "hgvsc", "hgvsp", "gnomad_popmax", "cohort_families",
         "clinvar", "cadd_phred", "revel", "spliceai", "inheritance", "compound_het_partners", "panel",
         "panel_confidence", "score"] + [f"{individual} ({relation})" for _, individual, relation in individuals]))
    for data in candidates_as_dicts(result, result.candidates):
        panel = data["panel"] or {}
        writer.writerow(spreadsheet_safe_row([
            data["chrom"], data["pos"], data["ref"], data["alt"], ",".join(data["genes"]), data["consequence"],
            data.get("hgvsc") or "", data.get("hgvsp") or "", data["gnomad_popmax"], data["cohort_families"],
            ",".join(data["clinvar"]), data["cadd_phred"], data["revel"], data["spliceai"],
            ",".join(data["inheritance"]),
            ";".join(p.get("label") or variant_label(p["chrom"], p["pos"], p["ref"], p["alt"])
                     for p in data["compound_het_partners"]),
            panel.get("panel", "outside panel"), panel.get("confidence", ""), data["score"],
        ] + [f"{g['gt']} DP={g['depth']} AB={g['allele_balance']}" for g in data["genotypes"].values()]))
    return response


@require_POST
def preset_create(request, case_id: int):
    case = case_for_request(request, case_id)
    filters = _filters_from_query(request.POST)
    try:
        preset = preset_save(user=request.user, department=case.department, name=request.POST.get("name", ""),
                             filters=filters, patient_group=case.patient_group)
        messages.success(request, f"Preset {preset.name!r} saved for {case.department.name}.")
        return redirect(reverse("variant_table", args=[case.pk]) + f"?preset={preset.pk}")
    except (ValidationError, PermissionDenied) as exc:
        audit_refusal(request, exc)
        messages.error(request, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("variant_table", case_id=case.pk)


def variant_page(request, case_id: int, variant_id: int):
    case = case_for_request(request, case_id)
    details = variant_details(case, variant_id, user=request.user)
    if details is None:
        raise Http404("This variant is not in the case")
    patient_rows_read(user=request.user, department=case.department, rows=1, object_type="case_variant",
                      object_id=f"{case.pk}:{variant_id}", audit=audit_context(request))
    return render(request, "interpret/variant_page.html", {
        "case": case, "active_group": case.patient_group.code, **details,
        "tag_choices": VariantTag.Tag.choices,
        "classifications": classifications_of_variant(variant_id=variant_id, user=request.user),
        "may_classify": may_classify(request.user, case.department),
        "moi_choices": Classification.Inheritance.choices, "has_reads": case_has_reads(case),
    })


@require_POST
def variant_tag_toggle(request, case_id: int, variant_id: int):
    case = case_for_request(request, case_id)
    try:
        tags = tag_toggle(case=case, variant_id=variant_id, tag=request.POST.get("tag"), by=request.user,
                          audit=audit_context(request))
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400)
    return render(request, "interpret/_variant_tags.html", {
        "case": case, "variant_id": variant_id, "tags": tags, "tag_choices": VariantTag.Tag.choices})


@require_POST
def variant_comment_add(request, case_id: int, variant_id: int):
    case = case_for_request(request, case_id)
    comment_add(case=case, variant_id=variant_id, text=request.POST.get("text", ""), by=request.user,
                audit=audit_context(request))
    return redirect("variant_page", case_id=case.pk, variant_id=variant_id)


def case_detail(request, case_id: int):
    """The case page: pedigree, samples, QC, imports, the filter runs, and (foetal cases) maternal contamination."""
    case = case_for_request(request, case_id)
    contamination = plot = None
    if case.is_foetal:
        contamination = estimate_contamination(case)
        plot = contamination_plot(contamination) if contamination else None
    overview = case_overview(case)
    current = overview["current_import"]
    return render(request, "interpret/case_detail.html", {
        "evidence_banner": evidence_banner(case_evidence(current)) if current else [],
        "contamination": contamination, "contamination_plot": plot, "qc_plots": qc_plots(overview["qc"]),
        "case": case, "shares": case.shares.select_related("department"), "active_group": case.patient_group.code,
        "filter_runs": case.filter_runs.select_related("user", "preset").prefetch_related(
            "panel_versions__panel")[:20],
        **overview, **case_workflow_context(case, request.user, timeline_more=filter_run_timeline(case)),
    })


def structural_variants(request, case_id: int):
    """The case's SV/CNV tab: its calls filtered, with the inheritance modes they fit and why a fit is doubtful."""
    from interpret.analysis.kinds import AnalysisInputError, analyse
    from interpret.analysis.structural import INHERITANCE_MODES
    from interpret.classification.selectors import cnv_classifications_of_case

    case = case_for_request(request, case_id)
    error, rows, page = None, [], None
    try:
        number = max(1, posted_number(request.GET.get("page") or "1", "page"))
        values = {key: request.GET.get(key) for key in request.GET}
        values.update({key: request.GET.getlist(key) for key in ("types", "genes", "overlaps", "inheritance",
                                                                  "panels")})
        result = analyse(case, "sv", values, user=request.user, via=FilterRun.Via.BROWSER, page=number,
                         page_size=settings.VIEW_PAGE_ROWS)
    except (AnalysisInputError, ValidationError) as exc:
        error = str(exc) if isinstance(exc, AnalysisInputError) else "; ".join(exc.messages)
    if error is None:
        # the page object of the count the database gave, holding only this page's rows
        page = Paginator(range(result.count), settings.VIEW_PAGE_ROWS).get_page(number)
        rows = result.rows
        classified = cnv_classifications_of_case(case)
        for row in rows:
            row["cnv_classification"] = classified.get(row["id"])
        patient_rows_read(user=request.user, department=case.department, rows=len(rows),
                          object_type="structural_variants", object_id=case.pk, audit=audit_context(request),
                          details={"page": page.number, "calls": result.count, "filter_run": result.filter_run.pk})
    params = request.GET.copy()
    params.pop("page", None)
    context = {"case": case, "error": error, "page": page, "rows": rows,
               "modes": INHERITANCE_MODES, "types": ("DEL", "DUP", "CNV", "INV", "INS", "BND", "CPX"),
               "overlap_kinds": ("whole_gene", "exons", "breakpoint", "intronic"), "query": request.GET,
               "page_query": params.urlencode(), "active_group": case.patient_group.code,
               "imports": case.sv_imports.filter(is_current=True).order_by("pk"), "has_reads": case_has_reads(case),
               "sorts": ("priority", "position", "length", "quality"),
               "selected": {name: [v.upper() if name == "types" else v for v in request.GET.getlist(name)]
                            for name in ("types", "overlaps", "inheritance")}}
    template = ("interpret/_structural_variants_table.html" if request.headers.get("HX-Request")
                else "interpret/structural_variants.html")
    return render(request, template, context)


def repeat_expansions(request, case_id: int):
    """The case's repeat-expansion tab: each locus with every person's allele sizes and status."""
    from interpret.analysis.kinds import AnalysisInputError, analyse
    from interpret.analysis.repeats import MIN_STATUSES

    case = case_for_request(request, case_id)
    error, rows, result = None, [], None
    values = {key: request.GET.get(key) for key in request.GET}
    values["panels"] = request.GET.getlist("panels")
    try:
        result = analyse(case, "str", values, user=request.user, via=FilterRun.Via.BROWSER)
        rows = result.rows
        patient_rows_read(user=request.user, department=case.department, rows=len(rows),
                          object_type="repeat_expansions", object_id=case.pk, audit=audit_context(request),
                          details={"loci": result.count, "filter_run": result.filter_run.pk})
    except AnalysisInputError as exc:
        error = str(exc)
    return render(request, "interpret/repeat_expansions.html", {
        "case": case, "error": error, "rows": rows, "query": request.GET, "min_statuses": MIN_STATUSES,
        "imports": case.str_imports.filter(is_current=True), "active_group": case.patient_group.code,
        "has_reads": case_has_reads(case)})


def mitochondrial_variants(request, case_id: int):
    """The case's mitochondrial tab: each allele with every person's heteroplasmy."""
    from interpret.analysis.kinds import AnalysisInputError, analyse

    case = case_for_request(request, case_id)
    error, rows = None, []
    values = {key: request.GET.get(key) for key in request.GET}
    try:
        result = analyse(case, "mt", values, user=request.user, via=FilterRun.Via.BROWSER)
        rows = result.rows
        patient_rows_read(user=request.user, department=case.department, rows=len(rows),
                          object_type="mitochondrial_variants", object_id=case.pk, audit=audit_context(request),
                          details={"alleles": result.count, "filter_run": result.filter_run.pk})
    except AnalysisInputError as exc:
        error = str(exc)
    return render(request, "interpret/mitochondrial_variants.html", {
        "case": case, "error": error, "rows": rows, "query": request.GET,
        "imports": case.mt_imports.filter(is_current=True), "active_group": case.patient_group.code,
        "has_reads": case_has_reads(case)})


@require_POST
def mitochondrial_classify(request, case_id: int, mt_variant_id: int):
    """Start (or open) the department's ACMG/AMP classification of one of the case's mitochondrial alleles."""
    from genomes.models import MtVariant
    from interpret.analysis.mito import mt_classification_start

    case = case_for_request(request, case_id)
    try:
        classification = mt_classification_start(case=case, mt_variant_id=mt_variant_id,
                                                  condition=request.POST.get("condition", ""), by=request.user,
                                                  audit=audit_context(request))
    except MtVariant.DoesNotExist:
        raise Http404("No such mitochondrial allele in this case") from None
    except (ValidationError, PermissionDenied) as error:
        audit_refusal(request, error)
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("mitochondrial_variants", case_id=case.pk)
    return redirect("classification_detail", classification_id=classification.pk)
