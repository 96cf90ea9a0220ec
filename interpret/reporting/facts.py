"""The facts of a report, taken from the data: the case, its family, the filter runs used with their exact settings
and panel versions, the reported variants (gene, MANE-first transcript, HGVS, zygosity, inheritance, the final
classification with the criteria that drove it), QC and contamination. Stored in the report when it is saved and
frozen at sign-out: a fact changes only by changing the data."""
from __future__ import annotations

from genomes import case_variants
from genomes.contamination import estimate_contamination
from genomes.genotypes import HETEROZYGOUS, HOM_ALT
from genomes.selectors import case_sample_qc, family_of_case
from genomes.transcripts import decoded_hgvs, sorted_transcripts
from genomes.variant_identity import variant_label
from genomes.vcf.evidence_fields import missing_evidence
from interpret.analysis.evidence import case_evidence
from interpret.analysis.output import case_individuals
from interpret.models import Classification, FilterRun
from interpret.rules.inheritance import MODE_LABELS, modes_of_row

STRENGTH_SUFFIX = {"very_strong": "_VeryStrong", "strong": "_Strong", "moderate": "_Moderate",
                   "supporting": "_Supporting", "stand_alone": "", "": ""}


def report_facts(case, *, variant_ids: list[int], secondary_variant_ids: list[int], consent: str,
                 filter_run_ids: list[int]) -> dict:
    current = case.imports.filter(is_current=True).first()
    family = family_of_case(case)
    individuals = case_individuals(case, family)
    people = {i.individual_id: i for i in case.individuals.all()}
    facts = {
        "case": {"identifier": case.identifier, "patient_group": case.patient_group.code,
                 "patient_group_name": case.patient_group.name, "department": case.department.name,
                 "analysis_type": case.get_analysis_type_display(), "genome_build": case.genome_build},
        "family": [{"individual": individual, "relation": relation,
                    "sex": people[individual].sex if individual in people else "",
                    "affection": people[individual].affection if individual in people else ""}
                   for _, individual, relation in individuals],
        "runs": _runs(case, filter_run_ids),
        "variants": [_variant(case, current, family, v) for v in variant_ids] if current else [],
        "secondary_findings": ([_variant(case, current, family, v) for v in secondary_variant_ids]
                               if current and consent.strip() else []),
        "secondary_findings_consent": consent.strip(),
        "qc": _qc(case, current),
    }
    if case.is_foetal:
        estimate = estimate_contamination(case)
        facts["contamination"] = None if estimate is None or estimate.fraction is None else {
            "fraction": estimate.fraction, "standard_error": estimate.standard_error,
            "significant": estimate.significant}
    return facts


def _runs(case, run_ids: list[int]) -> list[dict]:
    runs = FilterRun.objects.filter(case=case, pk__in=run_ids).select_related("preset", "user").prefetch_related(
        "panel_versions__panel").order_by("created_at")
    return [{"id": run.pk, "at": run.created_at.isoformat(), "by": run.user.username if run.user else "",
             "preset": run.preset.name if run.preset else "", "settings": run.filters,
             "panel_versions": [f"{v.panel.name} v{v.label}" for v in run.panel_versions.all()],
             "candidates": run.result_count} for run in runs]


def _variant(case, current, family, variant_id: int) -> dict:
    row = case_variants.row_of_variant(current, variant_id)
    if row is None:
        return {"variant_id": variant_id, "missing": "not in the case's current data"}
    transcripts = sorted_transcripts(case_variants.transcripts_of(current.pk, case.pk, [row["id"]]).get(row["id"], []))
    first = transcripts[0] if transcripts else {}
    genes = row["genes"] or []
    gene = first.get("gene") or (genes[0] if genes else "")
    zygosity = ""
    if family is not None:
        code = row["genotypes"][family.proband]
        on_x = row["chrom"] == "X" and family.proband_male
        zygosity = ("hemizygous" if on_x and code == HOM_ALT else "homozygous" if code == HOM_ALT
                    else "heterozygous" if code in HETEROZYGOUS else "not carried by the proband")
    modes = [MODE_LABELS.get(m, m) for m in modes_of_row(row, family)] if family is not None else []
    # the department's final classification of this variant, for the reported gene when there are several
    finals = list(Classification.objects.filter(variant_id=variant_id, department=case.department,
                                                status=Classification.Status.FINAL).order_by("gene"))
    final = next((c for c in finals if c.gene == gene), finals[0] if finals else None)
    return {
        "variant_id": variant_id, "label": variant_label(row["chrom"], row["pos"], row["ref"], row["alt"]),
        "genome_build": case.genome_build, "gene": gene, "transcript": first.get("transcript", ""),
        "mane_select": first.get("mane_select", ""), "hgvsc": decoded_hgvs(first.get("hgvsc")) or "",
        "hgvsp": decoded_hgvs(first.get("hgvsp")) or "", "consequence": row["worst_consequence"] or "",
        "zygosity": zygosity, "inheritance": modes,
        "classification": None if final is None else {
            "id": final.pk, "class": final.get_result_class_display(), "code": final.result_class,
            "version": final.version, "condition": final.condition, "points": final.points,
            "approved_at": final.approved_at.isoformat() if final.approved_at else "",
            "criteria": [code + STRENGTH_SUFFIX.get(entry.get("strength", ""), "")
                         for code, entry in sorted(final.criteria.items())
                         if entry.get("decision") == "applied"]},
    }


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
