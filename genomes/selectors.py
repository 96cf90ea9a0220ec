"""Reading cases with the department boundary applied (opening one, with its audit row, is genomes.services)."""
from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from core.access import departments_with_patient_access
from core.models import ApiToken
from genomes.family import Family, Relative
from genomes.models import Case, CaseImport, Individual, Sample, Variant
from genomes.pedigree_drawing import pedigree_svg
from genomes.qc import MENDELIAN_ERROR_ALERT, mendelian_error_rate, sample_qc
from genomes.sample_identity import parentage_confirmed
from genomes.variant_identity import VariantKey


def visible_case_filter(department_ids: list[int], *, prefix: str = "") -> Q:
    """Cases owned by, or explicitly shared with, one of these departments."""
    return Q(**{f"{prefix}department_id__in": department_ids}) | Q(
        **{f"{prefix}shares__department_id__in": department_ids}
    )


def cases_visible_to(user, *, token: ApiToken | None = None) -> QuerySet[Case]:
    department_ids = departments_with_patient_access(user, token=token)
    if not department_ids:
        return Case.objects.none()
    visible_ids = Case.objects.filter(visible_case_filter(department_ids)).values("id")
    return Case.objects.filter(id__in=visible_ids).select_related("patient_group", "department")


def case_by_identifier(identifier: str, *, user, token: ApiToken | None = None) -> Case | None:
    """A case the user may open, by its identifier (unique within a department), else by its numeric id."""
    visible = cases_visible_to(user, token=token)
    cases = list(visible.filter(identifier=identifier)[:2])
    if len(cases) == 1:
        return cases[0]
    if not cases and str(identifier).isdecimal():
        return visible.filter(pk=int(identifier)).first()
    return None


def case_list_for_group(user, group) -> QuerySet[Case]:
    """Cases of a patient group the user may see, with proband and stored-variant count for the list."""
    current = CaseImport.objects.filter(case=OuterRef("pk"), is_current=True)
    proband = Individual.objects.filter(case=OuterRef("pk"), is_proband=True)
    return (cases_visible_to(user).filter(patient_group=group)
            .annotate(variant_count=Subquery(current.values("variants_stored")[:1]),
                      proband_id=Subquery(proband.values("individual_id")[:1]))
            .order_by("-created_at"))


def case_overview(case: Case) -> dict:
    """Everything the case page shows besides the case row: pedigree, samples, imports, QC."""
    individuals = list(case.individuals.all())
    by_pk = {i.pk: i.individual_id for i in individuals}
    drawing = pedigree_svg([
        {"id": i.individual_id, "sex": i.sex, "affection": i.affection, "proband": i.is_proband,
         "father": by_pk.get(i.father_id), "mother": by_pk.get(i.mother_id)} for i in individuals
    ]) if individuals else ""
    samples = list(case.samples.select_related("individual").order_by("position"))
    imports = list(case.imports.select_related("job").order_by("-created_at"))
    current = next((i for i in imports if i.is_current), None)
    qc = None
    if current and current.statistics:
        stats = current.statistics
        rate = mendelian_error_rate(stats)
        qc = {
            "samples": sample_qc(stats, [(s.vcf_sample_name, s.individual.individual_id, s.individual.sex)
                                         for s in samples]),
            "mendelian_error_rate": rate,
            "mendelian_alert": rate is not None and rate > MENDELIAN_ERROR_ALERT,
            "mendelian_alert_per_thousand": MENDELIAN_ERROR_ALERT * 1000,
            "mendelian_sites": stats.get("mendelian_sites"),
            "ti_tv": stats.get("ti_tv"),
            "by_type": stats.get("by_type", {}),
            "by_consequence": stats.get("by_consequence", {}),
            "skipped": stats.get("skipped", {}),
            "records": stats.get("records"), "kept": stats.get("kept"),
            "identity": stats.get("sample_qc"),
            "structural": stats.get("structural", []),
            "structural_count": stats.get("skipped", {}).get("structural", 0),
            "evidence_sources": stats.get("evidence_sources"),
            "evidence_values": stats.get("evidence_values") or {},
            "evidence_declared_empty": stats.get("evidence_declared_empty") or {},
        }
    identity_by_sample = {entry["sample"]: entry for entry in ((qc or {}).get("identity") or {}).get("samples", ())}
    sample_rows = [(sample, q, identity_by_sample.get(sample.vcf_sample_name))
                   for sample, q in zip(samples, qc["samples"] if qc else [None] * len(samples))]
    return {"pedigree_svg": drawing, "sample_rows": sample_rows, "imports": imports, "current_import": current,
            "qc": qc,
            # the tabs of the other variant kinds, offered while the case has a current file of the kind
            "current_kinds": {"sv": case.sv_imports.filter(is_current=True).exists(),
                              "str": case.str_imports.filter(is_current=True).exists(),
                              "mt": case.mt_imports.filter(is_current=True).exists()}}


def variant_find(key: VariantKey) -> Variant | None:
    """The national variant with this identity, if any case has brought it in."""
    return Variant.objects.filter(build=key.build, chrom=key.chrom, pos=key.pos, ref=key.ref, alt=key.alt).first()


def family_of_case(case) -> Family | None:
    """The proband (the pedigree's, else the first affected sample, else the first; never a tumour sample of
    a tumour/normal pair) and the proband's sequenced parents; None for a case without samples."""
    samples = list(case.samples.select_related("individual").order_by("position"))
    proband = next((s for s in samples if s.individual.is_proband and s.role != Sample.Role.TUMOUR), None)
    if proband is None:
        proband = next((s for s in samples if s.individual.affection == "affected"), samples[0] if samples else None)
    if proband is None:
        return None
    by_individual = {s.individual_id: s for s in samples}
    person = proband.individual
    father = by_individual.get(person.father_id)
    mother = by_individual.get(person.mother_id)
    identity = case_sample_qc(case)
    confirmed = None
    if identity is not None and "parentage" in identity and father and mother:
        confirmed = parentage_confirmed(identity, proband.vcf_sample_name)
    return Family(
        proband=proband.position, proband_male=person.sex == "male", proband_affected=person.affection == "affected",
        father=father.position if father else None, mother=mother.position if mother else None,
        father_affected=bool(father and father.individual.affection == "affected"),
        mother_affected=bool(mother and mother.individual.affection == "affected"),
        is_foetal=case.is_foetal, parentage_confirmed=confirmed,
        identity_flags=tuple(identity.get("flags", ())) if identity else (), build=case.genome_build or "",
        relatives=_relatives(samples, proband, {father, mother} - {None}),
        parent_people=tuple(_relative(sample, relation) for sample, relation in ((father, "father"), (mother, "mother"))
                            if sample is not None),
    )


def _relative(sample, relation: str) -> Relative:
    person = sample.individual
    return Relative(position=sample.position, individual=person.individual_id, relation=relation,
                    affected={"affected": True, "unaffected": False}.get(person.affection),
                    male={"male": True, "female": False}.get(person.sex))


def _relatives(samples, proband, parents) -> tuple[Relative, ...]:
    """The sequenced people besides the proband and the proband's parents, with their relation by the pedigree
    (tumour samples are not relatives)."""
    person = proband.individual
    own_parents = {person.father_id, person.mother_id} - {None}
    grandparents = set()
    for sample in samples:
        if sample.individual_id in own_parents:
            grandparents |= {sample.individual.father_id, sample.individual.mother_id} - {None}
    relatives = []
    for sample in samples:
        other = sample.individual
        if sample.position == proband.position or sample in parents or sample.role == Sample.Role.TUMOUR:
            continue
        shared = own_parents & ({other.father_id, other.mother_id} - {None})
        if shared and len(shared) == len(own_parents) == 2:
            relation = "sibling"
        elif shared:
            relation = "half-sibling" if len(own_parents) == 2 else "sibling"
        elif other.pk in grandparents:
            relation = "grandparent"
        elif person.pk in (other.father_id, other.mother_id):
            relation = "child"
        else:
            relation = "relative"
        relatives.append(_relative(sample, relation))
    return tuple(relatives)


def case_sample_qc(case) -> dict | None:
    """The sample identity QC of the case's current import (genomes.sample_identity); None before the check."""
    statistics = (case.imports.filter(is_current=True).values_list("statistics", flat=True).first()) or {}
    return statistics.get("sample_qc")


def case_evidence_sources(case) -> dict | None:
    """Where the case's current import read each evidence field (None: not annotated); None before it was
    recorded."""
    statistics = (case.imports.filter(is_current=True).values_list("statistics", flat=True).first()) or {}
    return statistics.get("evidence_sources")
