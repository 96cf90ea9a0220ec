"""The facts of a report, taken from the data: the case, its family, the filter runs used with their settings in
words and their panel versions, the reported variants (the gene, transcript and HGVS the classification was made
on, zygosity, inheritance, the final classification with the criteria that drove it), QC and contamination. Stored
in the report when it is saved and frozen at sign-out: a fact changes only by changing the data (or, for the
transcript a variant is named by, by an amendment's correction with its reason)."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from genomes import case_variants
from genomes.contamination import estimate_contamination
from genomes.genotypes import HETEROZYGOUS, HOM_ALT
from genomes.selectors import case_sample_qc, family_of_case
from genomes.somatic import is_somatic
from genomes.transcripts import decoded_hgvs, shown_transcript
from genomes.variant_identity import variant_label
from genomes.vcf.evidence_fields import missing_evidence
from interpret.analysis.evidence import case_evidence
from interpret.analysis.filters import settings_in_words
from interpret.analysis.mito import mt_settings_in_words
from interpret.analysis.models import FilterRun
from interpret.analysis.output import case_individuals
from interpret.analysis.repeats import repeat_settings_in_words
from interpret.analysis.structural import sv_settings_in_words
from interpret.classification.models import Classification
from interpret.rules.inheritance import MODE_LABELS, modes_of_row

STRENGTH_SUFFIX = {"very_strong": "_VeryStrong", "strong": "_Strong", "moderate": "_Moderate",
                   "supporting": "_Supporting", "stand_alone": "", "": ""}


def report_facts(case, *, variant_ids: list[int], secondary_variant_ids: list[int], consent: str,
                 filter_run_ids: list[int], transcript_corrections: dict | None = None,
                 structural_variant_ids: list[int] | None = None) -> dict:
    """``transcript_corrections``: {variant id (text): {"transcript", "reason"}}, an amendment's corrections of
    the transcript a reported variant is named by."""
    current = case.imports.filter(is_current=True).first()
    family = family_of_case(case)
    shown_by = _shown_by(case, current, filter_run_ids)
    corrections = transcript_corrections or {}
    individuals = case_individuals(case, family)
    people = {i.individual_id: i for i in case.individuals.all()}
    phenotype = _phenotype(case)
    facts = {
        "case": {"identifier": case.identifier, "patient_group": case.patient_group.code,
                 "patient_group_name": case.patient_group.name, "department": case.department.name,
                 "analysis_type": case.get_analysis_type_display(), "genome_build": case.genome_build},
        "family": [{"individual": individual, "relation": relation,
                    "sex": people[individual].sex if individual in people else "",
                    "affection": people[individual].affection if individual in people else ""}
                   for _, individual, relation in individuals],
        "runs": _runs(case, filter_run_ids),
        "phenotype": phenotype["facts"],
        "variants": [_with_phenotype(_variant(case, current, family, v, shown_by, corrections.get(str(v))),
                                     phenotype["context"]) for v in variant_ids] if current else [],
        "secondary_findings": ([_variant(case, current, family, v, shown_by, corrections.get(str(v)))
                                for v in secondary_variant_ids]
                               if current and consent.strip() else []),
        "structural_variants": [_structural(case, call_id) for call_id in structural_variant_ids or []],
        "repeat_expansions": _repeats(case),
        "mitochondrial": _mitochondrial(case),
        "secondary_findings_consent": consent.strip(),
        "qc": _qc(case, current),
    }
    if case.is_foetal:
        estimate = estimate_contamination(case)
        facts["contamination"] = None if estimate is None or estimate.fraction is None else {
            "fraction": estimate.fraction, "standard_error": estimate.standard_error,
            "significant": estimate.significant}
    return facts


def _phenotype(case) -> dict:
    """The proband's terms as the report states them, and the context that scores the reported variants."""
    from genomes.hpo import hpo_acknowledgement, ontology_version
    from genomes.models import PhenotypeTerm
    from interpret.phenotype.context import phenotype_context

    terms = list(PhenotypeTerm.objects.filter(individual__case=case, individual__is_proband=True)
                 .order_by("excluded", "term_id"))
    try:
        context = phenotype_context(case, {"hpo_terms": [], "phenotype_method": "resnik"})
    except ValidationError:
        context = None
    return {"context": context, "facts": {
        "observed": [{"id": t.term_id, "label": t.label, "onset": t.onset} for t in terms if not t.excluded],
        "excluded": [{"id": t.term_id, "label": t.label} for t in terms if t.excluded],
        "hpo_version": ontology_version(), "acknowledgement": hpo_acknowledgement()}}


def _with_phenotype(variant: dict, context) -> dict:
    """A reported variant with its gene's match to the proband's terms and the term pairs behind it."""
    if context is None or "missing" in variant:
        return variant
    genes = [variant.get("gene")] if variant.get("gene") else []
    found = context.match(genes + variant.get("other_genes", []))
    return {**variant, "phenotype": {"gene": found["gene"], "match": found["match"], "gene_rank": found["gene_rank"],
                                     "matched_terms": context.explain(found["gene"])[:5]}}


def _runs(case, run_ids: list[int]) -> list[dict]:
    runs = FilterRun.objects.filter(case=case, pk__in=run_ids).select_related("preset", "user").prefetch_related(
        "panel_versions__panel").order_by("created_at")
    somatic = is_somatic(case)
    return [{"id": run.pk, "at": run.created_at.isoformat(), "by": run.user.username if run.user else "",
             "preset": run.preset.name if run.preset else "", "settings": run.filters,
             "methods": (sv_settings_in_words(run.filters) if run.kind == FilterRun.Kind.SV
                         else repeat_settings_in_words(run.filters) if run.kind == FilterRun.Kind.STR
                         else mt_settings_in_words(run.filters) if run.kind == FilterRun.Kind.MT
                         else settings_in_words(run.filters, somatic=somatic)),
             "panel_versions": [f"{v.panel.name} v{v.label}" for v in run.panel_versions.all()],
             "candidates": run.result_count} for run in runs]


def _shown_by(case, current, filter_run_ids: list[int]) -> dict:
    """What decides the transcript an unclassified reported variant is named by: the latest named run's panels and
    consequence filter (genomes.transcripts.shown_transcript), as the variant table showed it."""
    from interpret.analysis.engine import filter_run_settings, resolve_panel_versions
    from interpret.analysis.filters import CONFIDENCE_SETS, normalise_settings
    from panels.selectors import gene_set

    run = FilterRun.objects.filter(case=case, kind="small", pk__in=filter_run_ids).order_by("-created_at").first()
    try:
        settings = normalise_settings(filter_run_settings(run) if run else None)
        versions = resolve_panel_versions(case, settings)
    except ValidationError:
        return {}
    genes = sorted(gene_set(versions, confidences=CONFIDENCE_SETS[settings["panel_confidence"]])) if versions else None
    return {"genes": genes, "impacts": settings["impacts"], "consequences": settings["consequences"]}


def _variant(case, current, family, variant_id: int, shown_by: dict, correction: dict | None) -> dict:
    """A reported variant, named by the gene, transcript and HGVS its classification was made on (frozen with
    it); an unclassified one by the transcript the analysis showed it by; an amendment's correction over both."""
    row = case_variants.row_of_variant(current, variant_id)
    if row is None:
        return {"variant_id": variant_id, "missing": "not in the case's current data"}
    transcripts = case_variants.transcripts_of(current.pk, case.pk, [row["id"]]).get(row["id"], [])
    shown = shown_transcript(transcripts, **shown_by) or {}
    # the department's final classification of this variant: for the gene it is shown by when there are several
    finals = list(Classification.objects.filter(variant_id=variant_id, department=case.department,
                                                status=Classification.Status.FINAL).order_by("gene"))
    final = next((c for c in finals if c.gene == shown.get("gene")), finals[0] if finals else None)
    if final is not None:
        named = {"gene": final.gene, "transcript": final.transcript, "hgvsc": final.hgvsc, "hgvsp": final.hgvsp,
                 "named_by": "the transcript the classification was made on"}
        if not final.transcript:  # a classification from before transcripts were frozen: its gene's shown one
            of_gene = shown_transcript([t for t in transcripts if t.get("gene") == final.gene]) or {}
            named.update(transcript=of_gene.get("transcript", ""))
    else:
        named = {"gene": shown.get("gene") or (row["genes"][0] if row["genes"] else ""),
                 "transcript": shown.get("transcript", ""), "hgvsc": decoded_hgvs(shown.get("hgvsc")) or "",
                 "hgvsp": decoded_hgvs(shown.get("hgvsp")) or "",
                 "named_by": "the transcript whose consequence made it a candidate"}
    if correction:
        corrected = next((t for t in transcripts if t.get("transcript") == correction.get("transcript")), None)
        if corrected is not None:
            named = {"gene": corrected.get("gene", ""), "transcript": corrected.get("transcript", ""),
                     "hgvsc": decoded_hgvs(corrected.get("hgvsc")) or "",
                     "hgvsp": decoded_hgvs(corrected.get("hgvsp")) or "",
                     "named_by": f"corrected in this amendment: {correction.get('reason', '')}"}
    entry = next((t for t in transcripts if t.get("transcript") == named["transcript"]), {})
    zygosity = ""
    if family is not None:
        code = row["genotypes"][family.proband]
        on_x = row["chrom"] == "X" and family.proband_male
        zygosity = ("hemizygous" if on_x and code == HOM_ALT else "homozygous" if code == HOM_ALT
                    else "heterozygous" if code in HETEROZYGOUS else "not carried by the proband")
    modes = [MODE_LABELS.get(m, m) for m in modes_of_row(row, family)] if family is not None else []
    return {
        "variant_id": variant_id, "label": variant_label(row["chrom"], row["pos"], row["ref"], row["alt"]),
        "genome_build": case.genome_build, **named, "mane_select": entry.get("mane_select", ""),
        "consequence": ", ".join(entry.get("consequences") or ()) or row["worst_consequence"] or "",
        "other_genes": [g for g in row["genes"] if g != named["gene"]],
        "transcripts": [t.get("transcript") for t in transcripts if t.get("transcript")],
        "zygosity": zygosity, "inheritance": modes,
        "classification": None if final is None else {
            "id": final.pk, "class": final.get_result_class_display(), "code": final.result_class,
            "version": final.version, "condition": final.condition, "points": final.points,
            "gene": final.gene, "transcript": final.transcript, "hgvsc": final.hgvsc, "hgvsp": final.hgvsp,
            "approved_at": final.approved_at.isoformat() if final.approved_at else "",
            "criteria": [code + STRENGTH_SUFFIX.get(entry.get("strength", ""), "")
                         for code, entry in sorted(final.criteria.items())
                         if entry.get("decision") == "applied"]},
    }


def _structural(case, call_id: int) -> dict:
    """A reported structural or copy-number call: its HGVS-style and ISCN-style descriptions, genes, zygosity,
    inheritance and the department's final CNV classification of its event (the descriptions that classification
    was made on)."""
    from interpret.analysis.structural import structural_call
    from interpret.classification.models import CnvClassification

    row = structural_call(case, call_id)
    if row is None:
        return {"call_id": call_id, "missing": "not in the case's current data"}
    final = (CnvClassification.objects.filter(cluster_id=row["cluster"], department=case.department, status="final")
             .order_by("-version").first() if row["cluster"] else None)
    return {
        "call_id": call_id, "genome_build": case.genome_build, "svtype": row["svtype"], "length": row["length"],
        "location": f"{row['chrom']}:{row['start']}-{row['end']}", "hgvs": final.hgvs if final else row["hgvs"],
        "iscn": final.iscn if final else row["iscn"], "iscn_note": row["note"],
        "genes": sorted({g["gene"] for g in row["genes"]}), "nearest_gene": row["nearest_gene"],
        "genes_annotated": row["genes_annotated"], "zygosity": row["proband_zygosity"],
        "inheritance": [MODE_LABELS.get(m, m) for m in row["inheritance"]], "low_confidence": row["low_confidence"],
        "dosage_sensitive_genes": [d["gene"] for d in row["dosage_sensitive_genes"]], "caller": row["caller"],
        "classification": None if final is None else {
            "id": final.pk, "code": final.result_class, "class": final.result_class.replace("_", " ").capitalize(),
            "points": final.total, "version": final.version, "condition": final.condition,
            "rule_set": final.rule_set, "approved_at": final.approved_at.isoformat() if final.approved_at else "",
            "codes": [f"{code} ({entry['points']:+.2f})" for code, entry in sorted(final.points.items())
                      if entry.get("decision") == "applied"]},
    }


def _repeats(case) -> dict:
    """The case's repeat loci examined, and those where anyone is above normal: a pre-mutation, a carrier of a
    recessive locus, or a full mutation, each person's allele sizes with the thresholds and their source."""
    from genomes.models import StrCall
    from genomes.str.status import STATUS_LABELS

    calls = list(StrCall.objects.filter(case=case, str_import__is_current=True))
    if not calls:
        return {}
    people = {s.position: s.individual.individual_id for s in case.samples.select_related("individual")}
    findings = []
    for call in sorted(calls, key=lambda c: (c.status != "full_mutation", c.locus_id)):
        if call.status not in ("pre_mutation", "carrier", "full_mutation"):
            continue
        findings.append({
            "locus": call.locus_id, "gene": call.gene, "disease": call.disease, "inheritance": call.inheritance,
            "motif": call.motif, "normal_max": call.normal_max, "pathologic_min": call.pathologic_min,
            "thresholds_from": call.thresholds_from, "status": STATUS_LABELS.get(call.status, call.status),
            "people": [{"individual": people.get(position, str(position)), "alleles": found["alleles"],
                        "status": STATUS_LABELS.get(found["status"], found["status"])}
                       for position, found in enumerate(call.sample_calls) if found]})
    return {"loci_examined": len(calls), "findings": findings,
            "files": [i.vcf_name for i in case.str_imports.filter(is_current=True)]}


def _mitochondrial(case) -> dict:
    """The case's mitochondrial alleles the department classified (final, not benign), each on its m. HGVS with
    every person's heteroplasmy and the mother's, and those the file's HmtVar calls pathogenic at the tab's
    default level (labelled as the file's, not ours)."""
    from interpret.acmg.classes import class_in_words
    from interpret.analysis.mito import MtSettings, mt_analysis

    imports = list(case.mt_imports.filter(is_current=True))
    if not imports:
        return {}
    from genomes.mt.genes import mt_hgvs

    result = mt_analysis(case, MtSettings(min_heteroplasmy=0))
    findings = []
    for row in result.rows:
        classification = row.get("classification") or {}
        final = classification.get("status") == "final" and classification.get("class") not in (
            "benign", "likely_benign")
        file_pathogenic = row["hmtvar_pathogenic"] and row["heteroplasmy"] >= 0.05
        if not (final or file_pathogenic):
            continue
        findings.append({
            "hgvs": classification.get("hgvs") or mt_hgvs(row["pos"], row["ref"], row["alt"]), "gene": row["gene"],
            "heteroplasmy": row["heteroplasmy"], "homoplasmic": row["homoplasmic"], "filters": row["filters"],
            "levels": {person: call.get("heteroplasmy") for person, call in row["levels"].items()},
            "maternal": row["maternal"],
            "classification": {"code": classification["class"],
                               "class": class_in_words(classification["class"]),
                               "condition": classification["condition"], "id": classification["id"]}
            if final else None,
            "file_says": "HmtVar: pathogenic" if row["hmtvar_pathogenic"] else ""})
    return {"files": [f"{i.vcf_name} ({i.get_source_display()}, heteroplasmy from {i.heteroplasmy_from})"
                      for i in imports],
            "alleles_examined": result.count, "findings": findings}


def _qc(case, current) -> dict:
    if current is None:
        return {}
    statistics = current.statistics or {}
    sample_qc = case_sample_qc(case) or {}
    evidence = case_evidence(current)
    return {"records_read": current.records_read, "variants_stored": current.variants_stored,
            "vcf_sha256": current.vcf_sha256, "identity_flags": sample_qc.get("flags", []),
            "parentage": sample_qc.get("parentage", []),
            "not_annotated": missing_evidence(evidence) if evidence is not None else [],
            "mendelian_errors": statistics.get("mendelian_errors")}
