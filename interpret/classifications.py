"""ACMG/AMP curation: services (classification_<action>) and selectors for the national classification store.

The engine (interpret.acmg) decides nothing here; this module gathers the facts it needs from the case,
the gene models and the store, keeps the curator's decisions per criterion, and enforces the workflow:
draft -> submitted -> final (approved by a second qualified user, never the author) -> superseded by a
reclassification. Every change recomputes the class with the classification's recorded rule set and
bumps ``lock_version``, and every edit must name the lock version it was made on, so two curators
editing one draft never silently overwrite each other.
"""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from genomes.models import Case, Variant
from interpret.acmg.combine import Classification as AcmgClass, combine
from interpret.acmg.criteria import CRITERIA, Evidence, Strength
from interpret.acmg.specifications import Specification, specification_for_gene, specification_get
from interpret.acmg.suggest import Partner, VariantFacts, protein_change, suggest
from interpret.analysis import ROW_COLUMNS, fetch_rows, transcripts_of
from interpret.audit import Action, audit_record
from interpret.models import CLASSIFY_ROLES, Classification, Department, Membership
from interpret.variant_details import sorted_transcripts

OPEN_STATUSES = (Classification.Status.DRAFT, Classification.Status.SUBMITTED)
PATHOGENIC_CLASSES = (AcmgClass.PATHOGENIC.value, AcmgClass.LIKELY_PATHOGENIC.value)
CONFLICT_GROUPS = {"pathogenic": "P/LP", "likely_pathogenic": "P/LP", "uncertain_significance": "VUS",
                   "likely_benign": "B/LB", "benign": "B/LB"}


class ClassificationConflict(Exception):
    """The draft changed since the editor loaded it."""

    def __init__(self, classification: Classification):
        self.classification = classification
        super().__init__(f"This draft was changed by someone else since you opened it (it is now at edit "
                         f"{classification.lock_version}); your change was not saved. Reload to see theirs.")


# ---------------------------------------------------------------- permissions

def may_classify(user, department: Department) -> bool:
    return bool(user and user.is_authenticated and Membership.objects.filter(
        user=user, department=department, role__in=CLASSIFY_ROLES).exists())


def _require_classifier(user, classification: Classification):
    if not may_classify(user, classification.department):
        raise PermissionDenied("Only clinical geneticists and variant curators of the department classify")


# ---------------------------------------------------------------- facts for the engine

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


def transcript_model_for(build: str, gene: str, transcripts: list[dict]):
    """The gene model the PVS1 tree walks: the annotation's MANE Select or canonical transcript if the gene
    models have it, else the gene's longest coding transcript there."""
    try:
        by_id, canonical = _transcript_models(build)
    except FileNotFoundError:
        return None
    chosen = [t for t in transcripts if (t.get("symbol") or t.get("gene")) in (gene, None)]
    for transcript in sorted_transcripts(chosen):
        model = by_id.get((transcript.get("transcript") or "").split(".")[0])
        if model is not None and model.cds:
            return model
    return canonical.get(gene)


def _canonical_hgvs(transcripts: list[dict], gene: str) -> tuple[str, str]:
    chosen = sorted_transcripts([t for t in transcripts if (t.get("symbol") or t.get("gene")) == gene] or transcripts)
    return (chosen[0].get("hgvsc") or "", chosen[0].get("hgvsp") or "") if chosen else ("", "")


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
    from interpret.inheritance import family_of_case, modes_of_row, parent_of_origin

    case = classification.case
    current = case.imports.filter(is_current=True).first() if case else None
    if current is None:
        return None
    rows = fetch_rows(f"SELECT {', '.join(ROW_COLUMNS)}, case_id, case_import_id FROM genomes_casevariant "
                      "WHERE case_id = %s AND "
                      "case_import_id = %s AND genes && %s::text[]", [case.pk, current.pk, [classification.gene]])
    row = next((r for r in rows if r["variant_id"] == classification.variant_id), None)
    if row is None:
        return None
    family = family_of_case(case)
    if family is None:
        return row
    facts.homozygous = row["genotypes"][family.proband] == 2
    if "de_novo" in modes_of_row(row, family):
        facts.de_novo = "confirmed" if family.parents == 2 else "assumed"
    origin = parent_of_origin(row, family)
    others = [r for r in rows if r["id"] != row["id"] and r["genotypes"][family.proband] in (1, 3)]
    in_store = _store_pathogenic_status([r["variant_id"] for r in others])
    for other in others:
        status = in_store.get(other["variant_id"])
        source = "national store"
        if status is None and any("pathogenic" in c.lower() and "conflict" not in c.lower() for c in other["clinvar"]):
            status = "LP" if all("likely" in c.lower() for c in other["clinvar"] if "pathogenic" in c.lower()) else "P"
            source = "ClinVar"
        if status is None:
            continue
        other_origin = parent_of_origin(other, family)
        if {origin, other_origin} == {"father", "mother"}:
            phase = "trans"
        elif origin == other_origin and origin in ("father", "mother"):
            phase = "cis"
        else:
            phase = "unknown"
        facts.partners.append(Partner(f"{other['chrom']}-{other['pos']}-{other['ref']}-{other['alt']}", status,
                                      phase, source))
    return row


def variant_facts(classification: Classification) -> VariantFacts:
    facts = VariantFacts(gene=classification.gene, hgvsp=classification.hgvsp,
                         lof_mechanism={"yes": True, "no": False}.get(classification.lof_mechanism),
                         mode_of_inheritance=classification.mode_of_inheritance,
                         phenotype_consistency=classification.phenotype_consistency)
    row = _case_facts(classification, facts)
    if row is None:
        # Not from a case (or the case is gone): the variant's annotation as any stored case carries it.
        found = fetch_rows(f"SELECT {', '.join(ROW_COLUMNS)}, case_id, case_import_id FROM genomes_casevariant "
                           "WHERE variant_id = %s LIMIT 1", [classification.variant_id])
        row = found[0] if found else None
    if row is not None:
        gene_consequences = row["consequences"]
        transcripts = transcripts_of(row["case_import_id"], row["case_id"], [row["id"]]).get(row["id"], [])
        own = [t for t in transcripts if (t.get("symbol") or t.get("gene")) == classification.gene]
        if own:
            gene_consequences = sorted({c for t in own for c in t.get("consequences", [])}) or gene_consequences
        facts.consequences = list(gene_consequences)
        facts.pos = row["pos"]
        facts.popmax = row["gnomad_popmax"] if row["gnomad_popmax"] is not None else row["gnomad_af"]
        facts.af = row["gnomad_af"]
        facts.revel, facts.spliceai = row["revel"], row["spliceai"]
        facts.transcript_model = transcript_model_for(classification.variant.build, classification.gene, transcripts)
    facts.same_protein_change, facts.same_codon_pathogenic = store_pathogenic_same_residue(classification)
    return facts


# ---------------------------------------------------------------- evaluation

def specification_of(classification: Classification) -> Specification:
    return specification_get(classification.rule_set, classification.rule_set_version)


def applied_evidence(classification: Classification) -> list[Evidence]:
    return [Evidence(code, Strength(entry["strength"])) for code, entry in sorted(classification.criteria.items())
            if entry.get("decision") == "applied"]


def _evaluate(classification: Classification):
    result = combine(applied_evidence(classification), system=classification.system,
                     specification=specification_of(classification))
    classification.result_class = result.classification.value
    classification.result_system = result.system
    classification.points = result.points
    classification.posterior = result.posterior
    classification.notes = result.notes
    return result


def evaluation(classification: Classification) -> dict:
    """Class, points, posterior, temperature and both systems' classes, as the page shows them."""
    return _evaluate(classification).as_dict()


def _refresh_suggestions(classification: Classification):
    """Re-run the engine; keep every curator decision, replace suggestions."""
    spec = specification_of(classification)
    suggestions, considered = suggest(variant_facts(classification), spec)
    criteria = {code: {k: v for k, v in entry.items() if k != "suggestion"}
                for code, entry in classification.criteria.items()}
    for item in suggestions:
        entry = criteria.setdefault(item.evidence.criterion, {})
        entry["suggestion"] = item.as_dict()
    classification.criteria = {code: entry for code, entry in criteria.items() if entry}
    classification.considered = [{"criterion": c.criterion, "reason": c.reason} for c in considered]


# ---------------------------------------------------------------- services

def classification_start(*, variant: Variant, gene: str, condition: str, mode_of_inheritance: str, by,
                         department: Department, case: Case | None = None, rule_set: str | None = None,
                         request=None) -> Classification:
    """A new draft (version 1), or the department's open draft for the same variant, gene and condition."""
    condition = " ".join((condition or "").split())
    if not gene or not condition:
        raise ValidationError("A classification needs a gene and a condition")
    if not may_classify(by, department):
        raise PermissionDenied("Only clinical geneticists and variant curators of the department classify")
    key = dict(variant=variant, gene=gene, condition=condition, department=department)
    with transaction.atomic():
        open_version = Classification.objects.select_for_update().filter(**key, status__in=OPEN_STATUSES).first()
        if open_version is not None:
            return open_version
        if Classification.objects.filter(**key, status=Classification.Status.FINAL).exists():
            raise ValidationError("This variant already has a final classification for this gene and condition: "
                                  "reclassify it (with a reason) instead")
        spec = specification_get(rule_set) if rule_set else (specification_for_gene(gene)
                                                             or specification_get("national"))
        transcripts = []
        if case is not None:
            current = case.imports.filter(is_current=True).first()
            rows = fetch_rows("SELECT id FROM genomes_casevariant WHERE case_id = %s AND case_import_id = %s AND "
                              "variant_id = %s", [case.pk, current.pk, variant.pk]) if current else []
            if rows:
                transcripts = transcripts_of(current.pk, case.pk, [rows[0]["id"]]).get(rows[0]["id"], [])
        hgvsc, hgvsp = _canonical_hgvs(transcripts, gene)
        classification = Classification(
            **key, mode_of_inheritance=mode_of_inheritance or Classification.Inheritance.UNKNOWN, case=case,
            hgvsc=hgvsc, hgvsp=hgvsp, rule_set=spec.name, rule_set_version=spec.version, created_by=by)
        _refresh_suggestions(classification)
        _evaluate(classification)
        classification.save()
        audit_record(action=Action.CREATE, request=request, user=by, object_type="classification",
                     object_id=classification.pk, department_code=department.code,
                     details={"variant": str(variant), "gene": gene, "rule_set": classification.rule_set})
    return classification


def _lineage(classification: Classification) -> dict:
    """The versions of one department's classification of a variant for a gene and condition."""
    return dict(variant_id=classification.variant_id, gene=classification.gene, condition=classification.condition,
                department_id=classification.department_id)


def _locked(classification_id: int, by, status: str, refusal: str) -> Classification:
    """The classification, row-locked for this transaction, if ``by`` may act on it in ``status``."""
    classification = (Classification.objects.select_for_update(of=("self",))
                      .select_related("department", "variant", "case").get(pk=classification_id))
    _require_classifier(by, classification)
    if classification.status != status:
        raise ValidationError(refusal.format(version=classification.version,
                                             status=classification.get_status_display().lower()))
    return classification


def _locked_draft(classification_id: int, lock_version: int | None, by) -> Classification:
    classification = _locked(classification_id, by, Classification.Status.DRAFT,
                             "Version {version} is {status}; only a draft can be edited")
    if lock_version is None or int(lock_version) != classification.lock_version:
        raise ClassificationConflict(classification)
    return classification


def _save_change(classification: Classification, by, request, details: dict):
    _evaluate(classification)
    classification.lock_version += 1
    classification.updated_at = timezone.now()
    classification.save()
    audit_record(action=Action.CHANGE, request=request, user=by, object_type="classification",
                 object_id=classification.pk, department_code=classification.department.code, details=details)


def classification_criterion_set(*, classification_id: int, lock_version: int | None, by, criterion: str,
                                 decision: str, strength: str | None = None, justification: str = "",
                                 request=None) -> Classification:
    """The curator's decision on one criterion: "applied" (at a strength), "rejected" or "" (undecided)."""
    if criterion not in CRITERIA:
        raise ValidationError(f"{criterion!r} is not an ACMG/AMP criterion")
    if CRITERIA[criterion].retired and decision == "applied":
        raise ValidationError(f"{criterion} was retired by ClinGen SVI and cannot be applied")
    if decision not in ("applied", "rejected", ""):
        raise ValidationError("decision must be applied, rejected or empty")
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        entry = dict(classification.criteria.get(criterion, {}))
        suggestion = entry.get("suggestion")
        if decision == "applied":
            chosen = strength or (suggestion or {}).get("strength") or CRITERIA[criterion].default.value
            try:
                chosen = Strength(chosen)
            except ValueError:
                raise ValidationError(f"unknown strength {strength!r}") from None
            if chosen is Strength.STAND_ALONE and CRITERIA[criterion].direction.value == "pathogenic":
                raise ValidationError("only benign criteria can be stand-alone")
            text = " ".join((justification or "").split()) or (suggestion or {}).get("justification", "")
            if not text:
                raise ValidationError(f"{criterion} is entered by the curator: give a short justification")
            entry.update(decision="applied", strength=chosen.value, justification=text)
        elif decision == "rejected":
            entry.update(decision="rejected", justification=" ".join((justification or "").split()))
            entry.pop("strength", None)
        else:
            entry = {k: v for k, v in entry.items() if k == "suggestion"}
        if decision:
            entry.update(decided_by=by.get_username(), decided_at=timezone.now().isoformat())
        classification.criteria = {**classification.criteria, criterion: entry}
        if not entry:
            classification.criteria.pop(criterion)
        _save_change(classification, by, request, {"criterion": criterion, "decision": decision,
                                                   "strength": entry.get("strength")})
    return classification


def classification_accept_all_suggestions(*, classification_id: int, lock_version: int | None, by,
                                          request=None) -> Classification:
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        criteria = dict(classification.criteria)
        accepted = []
        for code, entry in criteria.items():
            suggestion = entry.get("suggestion")
            if suggestion and not entry.get("decision"):
                criteria[code] = {**entry, "decision": "applied", "strength": suggestion["strength"],
                                  "justification": suggestion["justification"], "decided_by": by.get_username(),
                                  "decided_at": timezone.now().isoformat()}
                accepted.append(code)
        classification.criteria = criteria
        _save_change(classification, by, request, {"accepted_suggestions": accepted})
    return classification


def classification_context_set(*, classification_id: int, lock_version: int | None, by,
                               lof_mechanism: str | None = None, phenotype_consistency: str | None = None,
                               mode_of_inheritance: str | None = None, system: str | None = None,
                               request=None) -> Classification:
    """Facts the suggestions depend on; suggestions are recomputed, decisions kept."""
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        for field, value, choices in (
            ("lof_mechanism", lof_mechanism, Classification.LofMechanism.values),
            ("phenotype_consistency", phenotype_consistency, Classification.PhenotypeConsistency.values),
            ("mode_of_inheritance", mode_of_inheritance, Classification.Inheritance.values),
            ("system", system, ["auto", "points", "rules2015"]),
        ):
            if value is not None:
                if value not in choices:
                    raise ValidationError(f"{field}: {value!r} is not one of {', '.join(choices)}")
                setattr(classification, field, value)
        _refresh_suggestions(classification)
        _save_change(classification, by, request, {"context": {"lof_mechanism": classification.lof_mechanism,
                                                               "phenotype": classification.phenotype_consistency,
                                                               "moi": classification.mode_of_inheritance}})
    return classification


def classification_submit(*, classification_id: int, lock_version: int | None, by, request=None) -> Classification:
    with transaction.atomic():
        classification = _locked_draft(classification_id, lock_version, by)
        if not applied_evidence(classification):
            raise ValidationError("Apply at least one criterion before submitting")
        classification.status = Classification.Status.SUBMITTED
        classification.submitted_by, classification.submitted_at = by, timezone.now()
        _save_change(classification, by, request, {"status": "submitted"})
    return classification


def classification_approve(*, classification_id: int, by, request=None) -> Classification:
    """A second qualified user of the department, not the author nor the submitter, makes it final."""
    with transaction.atomic():
        classification = _locked(classification_id, by, Classification.Status.SUBMITTED,
                                 "Only a submitted classification can be approved")
        if by.pk in (classification.created_by_id, classification.submitted_by_id):
            raise PermissionDenied("Approval needs a second person: the author cannot approve their own "
                                   "classification")
        Classification.objects.filter(**_lineage(classification), status=Classification.Status.FINAL).update(
            status=Classification.Status.SUPERSEDED)
        classification.status = Classification.Status.FINAL
        classification.approved_by, classification.approved_at = by, timezone.now()
        _save_change(classification, by, request, {"status": "final", "class": classification.result_class})
    return classification


def classification_return_to_draft(*, classification_id: int, by, reason: str, request=None) -> Classification:
    with transaction.atomic():
        classification = _locked(classification_id, by, Classification.Status.SUBMITTED,
                                 "Only a submitted classification can be returned")
        classification.status = Classification.Status.DRAFT
        _save_change(classification, by, request, {"status": "draft", "returned": reason})
    return classification


def classification_reclassify(*, classification_id: int, by, reason: str, request=None) -> Classification:
    """Version n+1 of a final classification, starting from its decisions; the final stays until approved."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Give the reason for the reclassification")
    with transaction.atomic():
        final = _locked(classification_id, by, Classification.Status.FINAL,
                        "Only the final version can be reclassified")
        if Classification.objects.filter(**_lineage(final), status__in=OPEN_STATUSES).exists():
            raise ValidationError("A reclassification of this variant is already open")
        spec = specification_for_gene(final.gene) or specification_get("national")
        draft = Classification(
            variant=final.variant, gene=final.gene, condition=final.condition,
            mode_of_inheritance=final.mode_of_inheritance, department=final.department, case=final.case,
            version=final.version + 1, previous=final, reason=reason, hgvsc=final.hgvsc, hgvsp=final.hgvsp,
            lof_mechanism=final.lof_mechanism, phenotype_consistency=final.phenotype_consistency,
            criteria={code: {k: v for k, v in entry.items() if k != "suggestion"}
                      for code, entry in final.criteria.items() if entry.get("decision")},
            rule_set=spec.name, rule_set_version=spec.version, system=final.system, created_by=by)
        _refresh_suggestions(draft)
        _evaluate(draft)
        draft.save()
        audit_record(action=Action.CREATE, request=request, user=by, object_type="classification",
                     object_id=draft.pk, department_code=final.department.code,
                     details={"reclassification_of": final.pk, "reason": reason})
    return draft


# ---------------------------------------------------------------- selectors

def classification_get_for_user(*, classification_id: int, user) -> Classification:
    """A classification the user may open: any version of their department's, or another department's final
    or superseded version (the national store; the case is not shown to them)."""
    classification = Classification.objects.select_related("department", "variant", "case", "created_by",
                                                           "approved_by").get(pk=classification_id)
    own = Membership.objects.filter(user=user, department=classification.department).exists()
    if not own and classification.status not in (Classification.Status.FINAL, Classification.Status.SUPERSEDED):
        raise Classification.DoesNotExist
    classification.is_own = own
    return classification


def classifications_of_variant(*, variant_id: int, user) -> list[Classification]:
    """The national store for one variant: every department's final classification, plus all versions of the
    user's own departments (drafts included)."""
    own = Membership.objects.filter(user=user).values("department_id")
    rows = (Classification.objects.filter(variant_id=variant_id)
            .filter(Q(status=Classification.Status.FINAL) | Q(department_id__in=own))
            .select_related("department", "created_by", "approved_by").order_by("department__name", "-version"))
    return list(rows)


def classification_history(classification: Classification) -> list[dict]:
    """Every version of the lineage, newest first, each with its changes against the version before."""
    versions = list(Classification.objects.filter(**_lineage(classification))
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
    changes = [f"+ {Evidence(code, Strength(b[code])).code}" for code in sorted(set(b) - set(a))]
    changes += [f"− {Evidence(code, Strength(a[code])).code}" for code in sorted(set(a) - set(b))]
    changes += [f"{code}: {Strength(a[code]).label} → {Strength(b[code]).label}"
                for code in sorted(set(a) & set(b)) if a[code] != b[code]]
    if old.result_class != new.result_class:
        changes.append(f"class: {AcmgClass(old.result_class).label} → {AcmgClass(new.result_class).label}")
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
        groups = {CONFLICT_GROUPS[i.result_class] for i in items}
        if len(groups) > 1 and len({i.department_id for i in items}) > 1:
            conflicts.append({"variant": items[0].variant, "classifications": items, "groups": sorted(groups)})
    return conflicts
