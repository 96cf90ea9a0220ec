"""Reads of the national classification store: who may classify, a classification a user may open, every
department's final classifications of a variant, a lineage's history, and conflicts between departments."""
from __future__ import annotations

from django.db.models import Q

from core.models import CLASSIFY_ROLES, PATIENT_DATA_ROLES, Department, Membership, Role
from genomes.models import Case, StructuralVariant
from interpret.acmg.classes import PATHOGENIC_CLASSES, class_label, conflict_group
from interpret.acmg.criteria import Evidence, Strength
from interpret.classification.models import Classification, CnvClassification

OPEN_STATUSES = (Classification.Status.DRAFT, Classification.Status.SUBMITTED)



def may_classify(user, department: Department, *, origin: str = "germline") -> bool:
    """Clinical geneticists and variant curators classify; for somatic variants (oncogenicity) the department's
    tumor board members too."""
    roles = set(CLASSIFY_ROLES) | ({Role.TUMOR_BOARD_MEMBER} if origin == "somatic" else set())
    return bool(user and user.is_authenticated and Membership.objects.filter(
        user=user, department=department, role__in=roles).exists())


def lineage(classification: Classification) -> dict:
    """The versions of one department's classification of a variant for a gene and condition."""
    return dict(variant_id=classification.variant_id, gene=classification.gene, condition=classification.condition,
                department_id=classification.department_id, origin=classification.origin)


def _clinical_departments(user) -> list[int]:
    """Departments whose drafts, evidence and cases the user may see: a clinical role there (a researcher or an
    administrator of the department sees what every other department sees)."""
    if not user or not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user, role__in=PATIENT_DATA_ROLES)
                .values_list("department_id", flat=True).distinct())


def classification_get_for_user(*, classification_id: int, user) -> Classification:
    """A classification the user may open: any version of a department where they hold a clinical role, or a
    final or superseded version of any department (the national store). ``is_own`` tells which: only then
    are the case, the justifications and the suggestions' facts shown."""
    classification = Classification.objects.select_related("department", "variant", "case", "created_by",
                                                           "approved_by").get(pk=classification_id)
    own = classification.department_id in _clinical_departments(user)
    if not own and classification.status not in (Classification.Status.FINAL, Classification.Status.SUPERSEDED):
        raise Classification.DoesNotExist
    classification.is_own = own
    return classification


def classifications_of_variant(*, variant_id: int, user) -> list[Classification]:
    """The national store for one variant: every department's final classification, plus all versions of the
    departments where the user holds a clinical role (drafts included); each marked ``is_own``."""
    own = _clinical_departments(user)
    rows = list(Classification.objects.filter(variant_id=variant_id)
                .filter(Q(status=Classification.Status.FINAL) | Q(department_id__in=own))
                .select_related("department", "created_by", "approved_by").order_by("department__name", "-version"))
    for row in rows:
        row.is_own = row.department_id in own
    return rows


def final_classifications_in_gene(*, gene: str, user, limit: int = 1000) -> list[Classification]:
    """Every department's final classifications in a gene (the national store), each marked ``is_own``."""
    own = _clinical_departments(user)
    rows = list(Classification.objects.filter(gene=gene, status=Classification.Status.FINAL)
                .select_related("variant", "department", "created_by", "approved_by")[:limit])
    for row in rows:
        row.is_own = row.department_id in own
    return rows


def classification_history(classification: Classification) -> list[dict]:
    """Every version of the lineage, newest first, each with its changes against the version before."""
    versions = list(Classification.objects.filter(**lineage(classification))
                    .select_related("created_by", "approved_by").order_by("version"))
    history, before = [], None
    for version in versions:
        history.append({"version": version, "changes": classification_diff(before, version) if before else []})
        before = version
    return list(reversed(history))


def classification_diff(old: Classification, new: Classification) -> list[str]:
    def applied(c):
        return {code: e["strength"] for code, e in c.criteria.items() if e.get("decision") == "applied"}

    a, b = applied(old), applied(new)
    label = (lambda code, strength: code) if new.origin == "somatic" else (
        lambda code, strength: Evidence(code, Strength(strength)).code)
    changes = [f"+ {label(code, b[code])}" for code in sorted(set(b) - set(a))]
    changes += [f"− {label(code, a[code])}" for code in sorted(set(a) - set(b))]
    changes += [f"{code}: {Strength(a[code]).label} → {Strength(b[code]).label}"
                for code in sorted(set(a) & set(b)) if a[code] != b[code]]
    if old.result_class != new.result_class:
        changes.append(f"class: {class_label(old.result_class)} → "
                       f"{class_label(new.result_class)}")
    if (old.rule_set, old.rule_set_version) != (new.rule_set, new.rule_set_version):
        changes.append(f"rule set: {old.rule_set} v{old.rule_set_version} → {new.rule_set} v{new.rule_set_version}")
    return changes


def classification_conflicts() -> list[dict]:
    """Variants whose final classifications from different departments fall in different groups
    (P/LP, VUS, B/LB), as ClinVar counts conflicts: for curators to resolve."""
    finals = (Classification.objects.filter(status=Classification.Status.FINAL)
              .select_related("variant", "department").order_by("variant_id", "department__name"))
    by_variant: dict[int, list[Classification]] = {}
    for item in finals:
        by_variant.setdefault(item.variant_id, []).append(item)
    conflicts = []
    for items in by_variant.values():
        groups = {conflict_group(i.result_class) for i in items}
        if len(groups) > 1 and len({i.department_id for i in items}) > 1:
            conflicts.append({"variant": items[0].variant, "classifications": items, "groups": sorted(groups)})
    return conflicts


def final_oncogenicity_of(variant_ids: list[int], department_id: int) -> dict[int, dict]:
    """The final somatic (oncogenicity) classification of each variant: the case's department's, else the most
    recently approved of another department's."""
    finals = (Classification.objects.filter(variant_id__in=variant_ids, origin=Classification.Origin.SOMATIC,
                                            status=Classification.Status.FINAL)
              .select_related("department").order_by("approved_at"))
    found = {}
    for final in finals:
        current = found.get(final.variant_id)
        if current is None or current["own"] is False or final.department_id == department_id:
            found[final.variant_id] = {"class": final.result_class, "label": class_label(final.result_class),
                                       "points": final.points, "department": final.department.code,
                                       "classification_id": final.pk, "own": final.department_id == department_id,
                                       "tumour_type": final.condition}
    return found


def final_germline_pathogenic(variant_ids: list[int]) -> dict[int, str]:
    """Variants with a final germline (likely) pathogenic classification in any department: the store's word."""
    rows = Classification.objects.filter(variant_id__in=variant_ids, origin=Classification.Origin.GERMLINE,
                                         status=Classification.Status.FINAL,
                                         result_class__in=PATHOGENIC_CLASSES)
    return {r.variant_id: f"{r.get_result_class_display()} ({r.department.code} v{r.version})"
            for r in rows.select_related("department")}


def cnv_classification_for_user(classification_id: int, user, *, token=None) -> CnvClassification:
    """The classification when the user (narrowed by an API token) may open its department's patient data (its
    evidence states facts of a patient); CnvClassification.DoesNotExist otherwise."""
    from core.access import departments_with_patient_access

    classification = CnvClassification.objects.select_related(
        "department", "case", "created_by", "submitted_by", "approved_by").get(pk=classification_id)
    if classification.department_id not in departments_with_patient_access(user, token=token):
        raise CnvClassification.DoesNotExist
    return classification


def cnv_classifications_of_case(case: Case) -> dict[int, CnvClassification]:
    """The department's latest open-or-final CNV classification per call of the case (by call id)."""
    found: dict[int, CnvClassification] = {}
    clusters = dict(StructuralVariant.objects.filter(case=case, cluster__isnull=False).values_list("cluster_id",
                                                                                                  "id"))
    for classification in CnvClassification.objects.filter(
            department=case.department, cluster_id__in=list(clusters),
            status__in=("draft", "submitted", "final")).order_by("cluster_id", "-version"):
        found.setdefault(clusters[classification.cluster_id], classification)
    return found
