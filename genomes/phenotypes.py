"""The phenotype of a case's individuals: observed and excluded HPO terms, validated against the pinned ontology
(genomes.hpo), entered on the case page, with ``import_case --hpo/--phenopacket`` and through the API. A change is
all or nothing (an unknown or malformed id, an obsolete id without replacement, or a term both observed and
excluded refuses the whole of it, naming the term and where it came from), audited, and announced once committed
(genomes.signals.case_phenotypes_changed) so that the layers above re-rank the case."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.audit import Action, AuditContext, audit_record
from core.models import PATIENT_DATA_ROLES, Membership
from genomes.hpo import HpoTermError, ResolvedTerm, ontology_version, term_resolve
from genomes.models import Case, Individual, PhenotypeTerm

PHENOPACKET_MAX_BYTES = 5 * 1024 * 1024
SOURCES = ("case page", "import_case", "phenopacket", "api")


@dataclass
class PhenotypeEntry:
    term: ResolvedTerm
    excluded: bool = False
    onset: str = ""


@dataclass
class PhenopacketPhenotype:
    """What a GA4GH Phenopacket v2 says of its subject's phenotype."""
    file: str
    subject_id: str
    sex: str
    entries: list[PhenotypeEntry] = field(default_factory=list)


def phenotype_entries(observed: list[str], excluded: list[str] = (), *, observed_field: str = "observed",
                      excluded_field: str = "excluded") -> list[PhenotypeEntry]:
    """Validated entries of two id lists, each id named in errors as ``observed_field[i]``/``excluded_field[i]``."""
    return _entries([(raw, f"{observed_field}[{i}]", False, "") for i, raw in enumerate(observed)]
                    + [(raw, f"{excluded_field}[{i}]", True, "") for i, raw in enumerate(excluded)],
                    where=observed_field)


def _entries(items: list[tuple[str, str, bool, str]], *, where: str) -> list[PhenotypeEntry]:
    """(id, field, excluded, onset) -> entries: each id resolved (obsolete ones to their replacement, named by
    their field when bad), duplicates merged; a term both observed and excluded is refused."""
    entries: dict[str, PhenotypeEntry] = {}
    for raw, field_name, excluded, onset in items:
        term = term_resolve(raw, field=field_name)
        found = entries.get(term.term_id)
        if found is not None and found.excluded != excluded:
            raise HpoTermError(f"{where}: {term.term_id} ({term.label}) is both observed and excluded")
        entries.setdefault(term.term_id, PhenotypeEntry(term, excluded, onset))
    return list(entries.values())


def read_phenopacket(path: Path | str, *, name: str | None = None) -> PhenopacketPhenotype:
    """The subject, sex and phenotypic features of a Phenopacket v2 JSON file; another schema version, a missing
    field or a bad term is an HpoTermError naming the file and the field."""
    path = Path(path)
    name = name or path.name
    if path.stat().st_size > PHENOPACKET_MAX_BYTES:
        raise HpoTermError(f"{name}: larger than {PHENOPACKET_MAX_BYTES // (1024 * 1024)} MiB; not a phenopacket")
    try:
        packet = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HpoTermError(f"{name}: not JSON ({error})") from None
    return phenopacket_phenotype(packet, name=name)


def phenopacket_phenotype(packet, *, name: str) -> PhenopacketPhenotype:
    """The same, from a Phenopacket already parsed (the API's JSON body)."""
    if not isinstance(packet, dict):
        raise HpoTermError(f"{name}: not a Phenopacket (a JSON object is expected)")
    meta = packet.get("metaData") or packet.get("meta_data") or {}
    version = str(meta.get("phenopacketSchemaVersion") or meta.get("phenopacket_schema_version") or "")
    if not version.startswith("2"):
        raise HpoTermError(f"{name}: metaData.phenopacketSchemaVersion is {version or 'missing'!r}; "
                           "a GA4GH Phenopacket of schema version 2 is read")
    subject = packet.get("subject") or {}
    if not isinstance(subject, dict) or not subject.get("id"):
        raise HpoTermError(f"{name}: subject.id is missing")
    features = packet.get("phenotypicFeatures") or packet.get("phenotypic_features") or []
    if not isinstance(features, list):
        raise HpoTermError(f"{name}: phenotypicFeatures is not a list")
    items = []
    for index, feature in enumerate(features):
        term_id = ((feature or {}).get("type") or {}).get("id") if isinstance(feature, dict) else None
        if not term_id:
            raise HpoTermError(f"{name}: phenotypicFeatures[{index}].type.id is missing")
        onset = feature.get("onset") or {}
        text = ((onset.get("ontologyClass") or {}).get("label") or (onset.get("age") or {}).get("iso8601duration")
                or "") if isinstance(onset, dict) else ""
        items.append((term_id, f"{name}: phenotypicFeatures[{index}].type.id", bool(feature.get("excluded")),
                      str(text)[:100]))
    sex = {"MALE": "male", "FEMALE": "female"}.get(str(subject.get("sex") or "").upper(), "unknown")
    return PhenopacketPhenotype(name, str(subject["id"]), sex, _entries(items, where=f"{name}: phenotypicFeatures"))


def may_edit_phenotype(user, case: Case) -> bool:
    return bool(user and user.is_authenticated and Membership.objects.filter(
        user=user, department_id=case.department_id, role__in=PATIENT_DATA_ROLES).exists())


def _individual(case: Case, individual_id: str | None) -> Individual:
    individuals = case.individuals.all()
    if individual_id:
        found = individuals.filter(individual_id=individual_id).first()
        if found is None:
            raise HpoTermError(f"individual: {individual_id!r} is not in case {case.identifier}")
        return found
    found = individuals.filter(is_proband=True).first() or individuals.first()
    if found is None:
        raise HpoTermError(f"case {case.identifier} has no individuals")
    return found


def _announce(case: Case) -> None:
    from genomes.signals import case_phenotypes_changed

    case_id = case.pk
    transaction.on_commit(lambda: case_phenotypes_changed.send(sender=PhenotypeTerm, case_id=case_id))


def phenotypes_replace(*, case: Case, entries: list[PhenotypeEntry], by, source: str,
                       individual_id: str | None = None, audit: AuditContext | None = None) -> list[PhenotypeTerm]:
    """The individual's (default: the proband's) terms become ``entries``, all at once."""
    if by is not None and not may_edit_phenotype(by, case):
        raise PermissionDenied("Phenotypes are entered by the case's department")
    individual = _individual(case, individual_id)
    version = ontology_version()
    with transaction.atomic():
        removed = PhenotypeTerm.objects.filter(individual=individual).delete()[0]
        stored = PhenotypeTerm.objects.bulk_create([PhenotypeTerm(
            individual=individual, term_id=e.term.term_id, label=e.term.label[:300], excluded=e.excluded,
            onset=e.onset, given_id=e.term.given_id, note=e.term.note[:300], source=source,
            ontology_version=version, created_by=by) for e in entries])
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="phenotype_terms",
                     object_id=case.pk, department_code=case.department.code,
                     details={"individual": individual.individual_id, "source": source, "removed": removed,
                              "observed": [e.term.term_id for e in entries if not e.excluded],
                              "excluded": [e.term.term_id for e in entries if e.excluded]})
        _announce(case)
    return stored


def phenotype_term_add(*, case: Case, term: str, by, excluded: bool = False, individual_id: str | None = None,
                       source: str = "case page", audit: AuditContext | None = None) -> PhenotypeTerm:
    """One term added (or switched between observed and excluded) for the individual."""
    if not may_edit_phenotype(by, case):
        raise PermissionDenied("Phenotypes are entered by the case's department")
    individual = _individual(case, individual_id)
    resolved = term_resolve(term, field="term")
    with transaction.atomic():
        stored, created = PhenotypeTerm.objects.update_or_create(
            individual=individual, term_id=resolved.term_id,
            defaults=dict(label=resolved.label[:300], excluded=excluded, given_id=resolved.given_id,
                          note=resolved.note[:300], source=source, ontology_version=ontology_version(),
                          created_by=by))
        audit_record(action=Action.CREATE if created else Action.CHANGE, user=by, audit=audit,
                     object_type="phenotype_terms", object_id=case.pk, department_code=case.department.code,
                     details={"individual": individual.individual_id, "term": resolved.term_id,
                              "excluded": excluded, "given": resolved.given_id or None})
        _announce(case)
    return stored


def phenotype_term_remove(*, case: Case, term_id: str, by, individual_id: str | None = None,
                          audit: AuditContext | None = None) -> int:
    if not may_edit_phenotype(by, case):
        raise PermissionDenied("Phenotypes are entered by the case's department")
    individual = _individual(case, individual_id)
    with transaction.atomic():
        removed = PhenotypeTerm.objects.filter(individual=individual, term_id=term_id).delete()[0]
        if removed:
            audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="phenotype_terms",
                         object_id=case.pk, department_code=case.department.code,
                         details={"individual": individual.individual_id, "removed": term_id})
            _announce(case)
    return removed


def case_phenotype(case: Case) -> dict[str, dict[str, list[PhenotypeTerm]]]:
    """Individual id -> {"observed": [...], "excluded": [...]}, every individual of the case."""
    found = {i.individual_id: {"observed": [], "excluded": []} for i in case.individuals.all()}
    for term in PhenotypeTerm.objects.filter(individual__case=case).select_related("individual"):
        found[term.individual.individual_id]["excluded" if term.excluded else "observed"].append(term)
    return found


def proband_terms(case: Case) -> list[str]:
    """The proband's observed terms (the ranking's input)."""
    proband = case.individuals.filter(is_proband=True).first() or case.individuals.first()
    if proband is None:
        return []
    return list(PhenotypeTerm.objects.filter(individual=proband, excluded=False).order_by("term_id")
                .values_list("term_id", flat=True))
