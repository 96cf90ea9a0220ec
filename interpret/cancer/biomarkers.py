"""The biomarker knowledge table and AMP/ASCO/CAP 2017 tiers (Li et al., J Mol Diagn 2017;19:4-23).

Curators keep the table like panels: one draft at a time (edited line by line or filled from a CIViC-style TSV),
signed off by a second curator who did not edit it; the signed-off version is published and the one before it
retires. Tiers are read from the published version only, and every tier names the version it came from.

Tier rules, per category (therapeutic, diagnostic, prognostic): evidence level A or B in the case's tumour type:
Tier I; level C or D, or level A/B for another tumour type (counted as C): Tier II; a variant in a listed cancer
gene without such evidence: Tier III; a variant common in gnomAD (popmax > 1%) or classified (likely) benign:
Tier IV.
"""
from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from core.models import Membership, Role
from genomes.vcf.consequences import IN_FRAME, LOSS_OF_FUNCTION, MISSENSE_LIKE
from interpret.cancer.knowledge import tsv_rows
from interpret.cancer.models import Biomarker, BiomarkerKnowledgeVersion
from interpret.cancer.oncogenicity import protein_change

KNOWLEDGE_CURATOR_ROLES = (Role.VARIANT_CURATOR, Role.TUMOR_BOARD_MEMBER)
CATEGORIES = {"predictive": "therapeutic", "therapeutic": "therapeutic", "diagnostic": "diagnostic",
              "prognostic": "prognostic"}
# CIViC's E (inferential) has no AMP level of its own: it is read as D, the weakest.
LEVELS = {"A": "A", "B": "B", "C": "C", "D": "D", "E": "D"}
CLASS_WORDS = {"any": "any", "mutation": "any", "missense": "missense", "truncating": "truncating",
               "loss-of-function": "truncating", "frameshift": "truncating", "inframe": "inframe", "itd": "inframe"}
TIER_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}


def may_curate_knowledge(user) -> bool:
    return bool(user and user.is_authenticated and Membership.objects.filter(
        user=user, role__in=KNOWLEDGE_CURATOR_ROLES).exists())


def _require_curator(user):
    if not may_curate_knowledge(user):
        raise PermissionDenied("Only variant curators and tumor board members keep the biomarker knowledge table")


def published_version() -> BiomarkerKnowledgeVersion | None:
    return BiomarkerKnowledgeVersion.objects.filter(status=BiomarkerKnowledgeVersion.Status.PUBLISHED).first()


def draft_version() -> BiomarkerKnowledgeVersion | None:
    return BiomarkerKnowledgeVersion.objects.filter(status=BiomarkerKnowledgeVersion.Status.DRAFT).first()


def knowledge_draft_start(*, by, note: str = "", audit: AuditContext | None = None) -> BiomarkerKnowledgeVersion:
    """The open draft, or a new one copying the published version's lines."""
    _require_curator(by)
    with transaction.atomic():
        draft = BiomarkerKnowledgeVersion.objects.select_for_update().filter(status="draft").first()
        if draft is not None:
            return draft
        base = published_version()
        number = (BiomarkerKnowledgeVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = BiomarkerKnowledgeVersion.objects.create(number=number, based_on=base, note=note[:500],
                                                         created_by=by, edited_by=[by.pk])
        if base is not None:
            Biomarker.objects.bulk_create(
                [Biomarker(**{**_fields(b), "version": draft}) for b in base.biomarkers.all()]
            )
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="biomarker_knowledge",
                     object_id=draft.pk, details={"number": number, "based_on": base.number if base else None})
    return draft


def _fields(biomarker: Biomarker) -> dict:
    return {f: getattr(biomarker, f) for f in ("gene", "variant_class", "protein_change", "tumour_type",
                                               "oncotree_code", "category", "significance", "therapy", "level",
                                               "source")}


def _locked_draft(by) -> BiomarkerKnowledgeVersion:
    draft = BiomarkerKnowledgeVersion.objects.select_for_update().filter(status="draft").first()
    if draft is None:
        raise ValidationError("There is no draft of the biomarker knowledge table: start one")
    if by.pk not in draft.edited_by:
        draft.edited_by = [*draft.edited_by, by.pk]
        draft.save(update_fields=["edited_by"])
    return draft


def biomarker_clean(values: dict, *, source_name: str = "entry", line: int | None = None) -> dict:
    """One line of evidence, checked; errors name the field (and file and line for an import)."""
    def fail(field, problem):
        raise InputFileError(source_name, line, field, problem)

    gene = (values.get("gene") or "").strip()
    if not gene:
        fail("gene", "empty")
    variant = (values.get("variant") or values.get("protein_change") or "").strip()
    word = CLASS_WORDS.get(variant.lower()) or (values.get("variant_class") or "").strip().lower() or None
    if word and word not in Biomarker.VariantClass.values:
        fail("variant_class", f"{word!r} is not one of {', '.join(Biomarker.VariantClass.values)}")
    protein = ""
    if word is None or word == "specific":
        parsed = protein_change("p." + variant) if variant else None
        if parsed is None:
            fail("variant", f"{variant!r} is neither a protein change (V600E, R132) nor a class "
                            f"({', '.join(sorted(CLASS_WORDS))})")
        word, protein = "specific", parsed[2]
    category = CATEGORIES.get((values.get("category") or values.get("evidence_type") or "").strip().lower())
    if category is None:
        fail("evidence_type", f"{values.get('category') or values.get('evidence_type')!r} is not predictive "
                              "(therapeutic), diagnostic or prognostic")
    level = LEVELS.get((values.get("level") or values.get("evidence_level") or "").strip().upper())
    if level is None:
        fail("evidence_level", f"{values.get('level') or values.get('evidence_level')!r} is not A, B, C, D (or "
                               "CIViC's E)")
    oncotree = (values.get("oncotree_code") or "").strip().upper()
    if not oncotree:
        fail("oncotree_code", "empty: give the OncoTree code of the disease (ANY for tumour-agnostic evidence)")
    significance = (values.get("significance") or values.get("clinical_significance") or "").strip()
    if not significance:
        fail("significance", "empty")
    source = (values.get("source") or values.get("citation_id") or values.get("citation") or "").strip()
    if not source:
        fail("source", "empty: every line names where its evidence comes from")
    therapy = (values.get("therapy") or values.get("therapies") or values.get("drugs") or "").strip()
    if category == "therapeutic" and not therapy:
        fail("therapies", "a predictive (therapeutic) line names its therapy")
    return {"gene": gene, "variant_class": word, "protein_change": protein,
            "tumour_type": (values.get("tumour_type") or values.get("disease") or oncotree).strip()[:200],
            "oncotree_code": oncotree[:20], "category": category, "significance": significance[:60],
            "therapy": therapy[:300], "level": level, "source": source[:300]}


def biomarker_add(*, by, values: dict, audit: AuditContext | None = None) -> Biomarker:
    _require_curator(by)
    cleaned = biomarker_clean(values)
    with transaction.atomic():
        draft = _locked_draft(by)
        biomarker = Biomarker.objects.create(version=draft, **cleaned)
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="biomarker_knowledge",
                     object_id=draft.pk, details={"added": cleaned})
    return biomarker


def biomarker_remove(*, by, biomarker_id: int, audit: AuditContext | None = None) -> None:
    _require_curator(by)
    with transaction.atomic():
        draft = _locked_draft(by)
        biomarker = Biomarker.objects.filter(pk=biomarker_id, version=draft).first()
        if biomarker is None:
            raise ValidationError("Only lines of the draft can be removed")
        biomarker.delete()
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="biomarker_knowledge",
                     object_id=draft.pk, details={"removed": _fields(biomarker)})


def biomarkers_import_tsv(*, by, path, replace: bool = False, audit: AuditContext | None = None) -> dict:
    """Fill the draft from a CIViC-style TSV (gene and variant, or CIViC's molecular_profile "BRAF V600E"; disease;
    oncotree_code; evidence_type; evidence_level; significance; therapies; source or citation_id). All or nothing:
    a bad line names the file, the line and the field. Evidence types other than predictive, diagnostic and
    prognostic (predisposing, oncogenic, functional) are skipped and counted."""
    _require_curator(by)
    name = Path(path).name
    lines, skipped = [], 0
    for number, row in tsv_rows(path, ("disease", "evidence_type", "evidence_level")):
        if not row.get("gene") and row.get("molecular_profile"):
            gene, _, variant = row["molecular_profile"].partition(" ")
            row = {**row, "gene": gene, "variant": variant}
        if row["evidence_type"].strip().lower() not in CATEGORIES:
            skipped += 1
            continue
        lines.append(biomarker_clean(row, source_name=name, line=number))
    with transaction.atomic():
        draft = _locked_draft(by)
        if replace:
            draft.biomarkers.all().delete()
        Biomarker.objects.bulk_create([Biomarker(version=draft, **line) for line in lines])
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="biomarker_knowledge",
                     object_id=draft.pk, details={"imported": len(lines), "skipped": skipped, "file": name,
                                                  "replace": replace})
    return {"imported": len(lines), "skipped": skipped, "version": draft.number}


def knowledge_sign_off(*, by, audit: AuditContext | None = None) -> BiomarkerKnowledgeVersion:
    """Publish the draft: a second curator, who did not edit it."""
    _require_curator(by)
    with transaction.atomic():
        draft = BiomarkerKnowledgeVersion.objects.select_for_update().filter(status="draft").first()
        if draft is None:
            raise ValidationError("There is no draft to sign off")
        if by.pk in draft.edited_by or by.pk == draft.created_by_id:
            raise PermissionDenied("Sign-off needs a second curator: you edited this draft")
        if not draft.biomarkers.exists():
            raise ValidationError("An empty table cannot be published")
        BiomarkerKnowledgeVersion.objects.filter(status="published").update(status="retired")
        draft.status, draft.signed_off_by, draft.signed_off_at = "published", by, timezone.now()
        draft.save(update_fields=["status", "signed_off_by", "signed_off_at"])
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="biomarker_knowledge",
                     object_id=draft.pk, details={"published": draft.number})
    return draft


def variant_class_matches(biomarker: Biomarker, *, consequence: str | None, change: str | None, residue: str | None,
                          variant_type: str = "", ref: str = "", alt: str = "", consequences=()) -> bool:
    """Does the call fall in the line's variant class? ``consequences``: every term of the call (a FLT3 ITD is
    coding_sequence_variant&feature_elongation in VEP, whose worst term is not a coding one)."""
    terms = set(consequences or ()) | ({consequence} if consequence else set())
    if biomarker.variant_class != "specific" and terms:
        return any(_class_matches(biomarker, term, variant_type, ref, alt) for term in terms)
    return _class_matches(biomarker, consequence, variant_type, ref, alt, change=change, residue=residue)


def _class_matches(biomarker: Biomarker, consequence: str | None, variant_type: str, ref: str, alt: str, *,
                   change: str | None = None, residue: str | None = None) -> bool:
    if biomarker.variant_class == "specific":
        if not change:
            return False
        wanted = biomarker.protein_change.upper()
        return change.upper() == wanted or (residue or "").upper() == wanted
    if consequence is None:
        return False
    if biomarker.variant_class == "truncating":
        return consequence in LOSS_OF_FUNCTION
    if biomarker.variant_class == "missense":
        return consequence == "missense_variant"
    inframe = consequence in IN_FRAME | {"protein_altering_variant"} or (
        consequence == "coding_sequence_variant" and variant_type in ("ins", "del") and (len(alt) - len(ref)) % 3 == 0)
    if biomarker.variant_class == "inframe":
        return inframe
    return inframe or consequence in LOSS_OF_FUNCTION | MISSENSE_LIKE | {"stop_lost"}


def tiers_for(variants: list[dict], *, tumour_type: str, version: BiomarkerKnowledgeVersion | None = None) -> dict:
    """AMP/ASCO/CAP tier of each variant ({key, gene, consequence, hgvsp, popmax, cancer_gene, oncogenicity,
    variant_type, ref, alt}): key -> {"tier", "level", "by_category": {category: {tier, level, evidence}},
    "knowledge_version"}."""
    version = version or published_version()
    code = (tumour_type or "").strip().upper()
    genes = {v["gene"] for v in variants if v.get("gene")}
    table = {}
    if version is not None:
        for biomarker in version.biomarkers.filter(gene__in=genes):
            table.setdefault(biomarker.gene, []).append(biomarker)
    tiers = {}
    for variant in variants:
        parsed = protein_change(variant.get("hgvsp"))
        residue, change = (parsed[0], parsed[2]) if parsed else (None, None)
        by_category = {}
        for biomarker in table.get(variant.get("gene"), []):
            if not variant_class_matches(biomarker, consequence=variant.get("consequence"), change=change,
                                         residue=residue, variant_type=variant.get("variant_type", ""),
                                         ref=variant.get("ref", ""), alt=variant.get("alt", ""),
                                         consequences=variant.get("consequences", ())):
                continue
            same_tumour = biomarker.oncotree_code in (code, "ANY") and bool(code or biomarker.oncotree_code == "ANY")
            level = biomarker.level if same_tumour else ("C" if biomarker.level in "AB" else biomarker.level)
            tier = "I" if level in "AB" else "II"
            evidence = {"level": level, "tier": tier, "therapy": biomarker.therapy,
                        "significance": biomarker.significance, "tumour_type": biomarker.tumour_type,
                        "oncotree_code": biomarker.oncotree_code, "source": biomarker.source,
                        "in_this_tumour_type": same_tumour}
            best = by_category.get(biomarker.category)
            if best is None or level < best["level"]:
                by_category[biomarker.category] = {**evidence, "evidence": [evidence]}
            else:
                best["evidence"].append(evidence)
        benign = variant.get("oncogenicity") in ("benign", "likely_benign")
        common = variant.get("popmax") is not None and variant["popmax"] > 0.01
        if by_category:
            best = min(by_category.values(), key=lambda e: e["level"])
            tier, level = best["tier"], best["level"]
        else:  # a listed cancer gene without evidence, or any other gene: uncertain significance
            tier, level = ("IV" if benign or common else "III"), None
        label = f"{tier}{level}" if level else tier
        tiers[variant["key"]] = {"tier": tier, "level": level, "label": label, "by_category": by_category,
                                 "knowledge_version": version.number if version else None,
                                 "reason": None if by_category else (
                                     "benign or common in gnomAD" if (benign or common) else
                                     "no evidence in the knowledge table" + (
                                         " for this cancer gene" if variant.get("cancer_gene") else
                                         " (not a listed cancer gene)"))}
    return tiers
