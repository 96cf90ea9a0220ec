"""A lookup in the national store: the matched national variants with their observations (counts of every
department's cases), every department's final classifications with conflicts, and, for the user's own
departments only, the cases that carry them. The page, the API and ``manage.py variant_lookup`` print this.

Aggregates are for every member of a department or network; the patient-level part (which cases) only lists
cases the user may open (genomes.selectors.cases_visible_to), and listing it is audited as a view.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from core.audit import Action, AuditContext, audit_record
from core.models import Membership
from core.patient_reads import patient_rows_read
from genomes.case_variants import annotated_protein_changes, cases_carrying
from genomes.models import Case
from genomes.observations import cohort_size, observation_rows, variant_observations
from genomes.selectors import cases_visible_to
from genomes.sv.national import sv_clusters_in_region
from genomes.transcripts import protein_search_text
from genomes.variant_identity import xpos
from genomes.variant_search import SearchResult, search_variants
from interpret.acmg.classes import conflict_group
from interpret.classification.models import Classification


def may_look_up(user) -> bool:
    """Members of a department or network (researchers included: aggregates and final classifications)."""
    return bool(user and user.is_authenticated and Membership.objects.filter(user=user).exists())


def variant_lookup(*, query: str, build: str, user, token=None, audit: AuditContext | None = None) -> dict:
    if not may_look_up(user):
        raise PermissionDenied("The national variant database is for members of a department or network.")
    result = search_variants(query, build=build)
    _confirm_protein_changes(result)
    variants = [m.variant for m in result.matches]
    ids = [v.pk for v in variants]
    rows = observation_rows(ids)
    size = cohort_size(result.build)
    finals = _final_classifications(ids)
    visible_ids = list(cases_visible_to(user, token=token).values_list("pk", flat=True))
    carrying = cases_carrying(ids, visible_ids)
    visible = {c.pk: c for c in Case.objects.filter(pk__in={i for found in carrying.values() for i in found})
               .select_related("department", "patient_group")}
    # Which cases carry which variant is patient-level: read, counted and audited as the variant table's rows are
    # (more than a page of them at once is an export, and a walk over regions meets the daily quota).
    per_department: dict = {}
    for found in carrying.values():
        for case_id in found:
            department = visible[case_id].department
            per_department[department] = per_department.get(department, 0) + 1
    for department, pairs in per_department.items():
        patient_rows_read(user=user, department=department, rows=pairs, object_type="variant_lookup",
                          object_id=query[:100], audit=audit, details={"build": result.build})
    answer = {
        "query": result.query, "build": result.build, "kind": result.kind, "notes": result.notes,
        "truncated": result.truncated,
        "target": _target(result),
        "variants": [],
        # national SV and CNV clusters overlapping the region, gene or position searched: aggregates only
        "structural_variants": sv_clusters_in_region(build=result.build, xstart=xpos(*result.span[:2]),
                                                     xend=xpos(result.span[0], result.span[2]))
        if result.span else [],
    }
    for match in result.matches:
        variant = match.variant
        classifications = finals.get(variant.pk, [])
        # germline and somatic (oncogenicity) classifications are kept apart: a conflict is within one origin
        by_origin: dict[str, set] = {}
        for c in classifications:
            by_origin.setdefault(c["origin"], set()).add(conflict_group(c["class"]))
        groups = sorted(max(by_origin.values(), key=len)) if by_origin else []
        answer["variants"].append({
            "variant": str(variant), "id": variant.pk, "build": variant.build, "chrom": variant.chrom,
            "pos": variant.pos, "ref": variant.ref, "alt": variant.alt, "rsid": variant.rsid or None,
            "match": match.how,
            "observations": variant_observations(variant, rows=rows.get(variant.pk, []), size=size),
            "classifications": classifications,
            "conflict": len(groups) > 1 and len({c["department"] for c in classifications}) > 1,
            "your_cases": [{"id": visible[case_id].pk, "identifier": visible[case_id].identifier,
                            "department": visible[case_id].department.code,
                            "patient_group": visible[case_id].patient_group.code}
                           for case_id in carrying.get(variant.pk, [])],
        })
    shown_cases = sorted({c["id"] for v in answer["variants"] for c in v["your_cases"]})
    audit_record(action=Action.VIEW, user=user, audit=audit, object_type="variant_lookup", object_id=query[:100],
                 details={"build": result.build, "variants": len(ids), "cases_shown": shown_cases[:200]})
    return answer


def _confirm_protein_changes(result: SearchResult) -> None:
    """p. matches at a codon: kept where the stored annotation gives this protein change (or gives none, said
    so); dropped where it gives another one."""
    target = result.target
    if target is None or target.kind != "codon":
        return
    annotated = annotated_protein_changes([m.variant.pk for m in result.matches])
    kept = []
    for match in result.matches:
        changes = {protein_search_text(c) for c in annotated.get(match.variant.pk, set())} - {None}
        if not changes:
            match.how = "at the codon; protein change not annotated"
        elif target.protein_change and target.protein_change in changes:
            match.how = "protein change as annotated"
        else:
            continue
        kept.append(match)
    result.matches = kept


def _final_classifications(variant_ids: list[int]) -> dict[int, list[dict]]:
    finals: dict[int, list[dict]] = {}
    for c in (Classification.objects.filter(variant_id__in=variant_ids, status=Classification.Status.FINAL)
              .select_related("department").order_by("department__name", "gene")):
        finals.setdefault(c.variant_id, []).append({
            "id": c.pk, "department": c.department.code, "gene": c.gene, "transcript": c.transcript,
            "hgvsc": c.hgvsc, "hgvsp": c.hgvsp, "condition": c.condition,
            "class": c.result_class, "version": c.version, "system": c.result_system, "origin": c.origin,
            "criteria": sorted(code for code, e in c.criteria.items() if e.get("decision") == "applied"),
            "approved_at": c.approved_at.isoformat() if c.approved_at else None})
    return finals


def _target(result: SearchResult) -> dict | None:
    t = result.target
    if t is None:
        return None
    return {"kind": t.kind, "chrom": t.chrom, "start": t.start, "end": t.end, "transcript": t.transcript,
            "gene": t.gene, "strand": t.strand, "ref": t.ref or None, "alt": t.alt or None,
            "protein_change": t.protein_change or None}

