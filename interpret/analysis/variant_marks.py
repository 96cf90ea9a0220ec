"""A geneticist's marks on a case's variants: tags (candidate, causative, ...) and comments. Audited changes."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import Action, AuditContext, audit_record
from genomes.case_variants import case_carries_variant
from genomes.models import Case
from genomes.services import CaseNotFound
from interpret.analysis.models import VariantComment, VariantTag

COMMENT_MAX_CHARACTERS = 5000


class VariantNotInCase(CaseNotFound):
    """The variant is not one of the case's."""


def _require_variant_of_case(case: Case, variant_id: int) -> None:
    if not case_carries_variant(case.pk, variant_id):
        raise VariantNotInCase("This variant is not in the case")


def variant_tags(case: Case, variant_id: int) -> set[str]:
    return set(VariantTag.objects.filter(case=case, variant_id=variant_id).values_list("tag", flat=True))


@transaction.atomic
def variant_tag_toggle(*, case: Case, variant_id: int, tag: str, by, audit: AuditContext | None = None) -> set[str]:
    """Add the tag to the case's variant, or remove it if it is there; returns the variant's tags after."""
    if tag not in VariantTag.Tag.values:
        raise ValidationError("unknown tag")
    _require_variant_of_case(case, variant_id)
    existing = VariantTag.objects.filter(case=case, variant_id=variant_id, tag=tag)
    if existing.exists():
        existing.delete()
        change = "removed"
    else:
        VariantTag.objects.create(case=case, variant_id=variant_id, tag=tag, created_by=by)
        change = "added"
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="variant_tag",
                 object_id=f"{case.pk}:{variant_id}", department_code=case.department.code,
                 details={"tag": tag, "change": change})
    return variant_tags(case, variant_id)


@transaction.atomic
def variant_comment_add(*, case: Case, variant_id: int, text: str, by,
                        audit: AuditContext | None = None) -> VariantComment | None:
    """A comment on the case's variant; an empty text or a variant the case does not carry adds nothing."""
    text = (text or "").strip()
    if not text or not case_carries_variant(case.pk, variant_id):
        return None
    comment = VariantComment.objects.create(case=case, variant_id=variant_id, text=text[:COMMENT_MAX_CHARACTERS],
                                            created_by=by)
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="variant_comment",
                 object_id=f"{case.pk}:{variant_id}", department_code=case.department.code)
    return comment
