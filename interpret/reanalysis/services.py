"""Asking for a reanalysis (on demand, or by the triggers: a published panel version, a final classification,
an import that changed the national cohort, the schedule) and acting on its alerts.

On demand, a clinical geneticist or variant curator asks for the cases of their own departments only (a patient
group's, a department's or a list); the triggers run for every department's cases. Each request is a Reanalysis
row and a job (core.jobs) that a worker runs (interpret.reanalysis.runner)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import Action, AuditContext, audit_record
from core.jobs import job_create
from core.models import CLASSIFY_ROLES, Department, Membership, PatientGroup
from genomes.selectors import cases_visible_to
from interpret.reanalysis.models import Alert, Reanalysis
from interpret.reanalysis.runner import CHECKS, scope_cases
from panels.models import PanelEvent

TRIGGER_CHECKS = {"panel": ["panel"], "classification": ["classification"], "frequency": ["frequency"],
                  "dosage": ["dosage"], "phenotype": ["phenotype"], "repeats": ["repeats"],
                  "all": list(CHECKS)}


def _reanalysis_create(*, trigger: str, checks: list[str], scope: dict, by=None, panel_event=None,
                       send_to_worker: bool = True) -> Reanalysis:
    job = job_create(kind="reanalysis", created_by=by, parameters={"trigger": trigger, "checks": checks, **scope},
                     send_to_worker=send_to_worker)
    return Reanalysis.objects.create(trigger=trigger, checks=checks, scope=scope, panel_event=panel_event, job=job,
                                     created_by=by)


def reanalysis_request(*, by, checks: str = "all", patient_group: str | None = None,
                       department: str | None = None, cases: list[int] | None = None, send_to_worker: bool = True,
                       token=None, audit: AuditContext | None = None) -> Reanalysis:
    """On demand: the cases of ``by``'s own departments that the scope names (all of them when it names none),
    narrowed to the departments of the API token it came with."""
    if checks not in TRIGGER_CHECKS:
        raise ValidationError(f"trigger is one of {', '.join(TRIGGER_CHECKS)}")
    memberships = Membership.objects.filter(user=by, role__in=CLASSIFY_ROLES)
    if token is not None:
        memberships = memberships.filter(department__in=token.departments.all())
    allowed = set(memberships.values_list("department__code", flat=True))
    if not allowed:
        raise PermissionDenied("Reanalysis is asked for by clinical geneticists and variant curators.")
    scope: dict = {"departments": sorted(allowed)}
    if department:
        if department not in allowed:
            raise PermissionDenied(f"You may ask for a reanalysis of your own departments' cases, not {department}'s.")
        scope["departments"] = [department]
    if patient_group:
        if not PatientGroup.objects.filter(code=patient_group).exists():
            raise ValidationError(f"unknown patient group {patient_group!r}")
        scope["patient_groups"] = [patient_group]
    if cases:
        visible = set(cases_visible_to(by, token=token).filter(pk__in=cases,
                                                               department__code__in=scope["departments"])
                      .values_list("pk", flat=True))
        missing = sorted(set(cases) - visible)
        if missing:
            raise PermissionDenied(f"no case(s) {', '.join(map(str, missing))} among your departments' cases")
        scope["cases"] = sorted(visible)
    with transaction.atomic():
        reanalysis = _reanalysis_create(trigger=Reanalysis.Trigger.ON_DEMAND, checks=TRIGGER_CHECKS[checks],
                                        scope=scope, by=by, send_to_worker=send_to_worker)
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="reanalysis", object_id=reanalysis.pk,
                     department_code=",".join(scope["departments"]), details={"scope": scope, "checks": checks})
    return reanalysis


def _in_jobs(*, trigger: str, checks: list[str], scope: dict, panel_event=None) -> list[Reanalysis]:
    """One reanalysis per REANALYSIS_JOB_CASES cases of the scope, so that several workers share the work (their
    alerts meet in one table by their unique key)."""
    from django.conf import settings

    case_ids = list(scope_cases(scope).values_list("pk", flat=True))
    size = settings.REANALYSIS_JOB_CASES
    return [_reanalysis_create(trigger=trigger, checks=checks, scope={**scope, "cases": case_ids[i:i + size]},
                               panel_event=panel_event)
            for i in range(0, len(case_ids), size)]


def panel_events_consume() -> list[Reanalysis]:
    """The panel outbox: each published version not yet consumed starts a reanalysis of the cases of the
    panel's patient groups (every department's), once, in jobs of REANALYSIS_JOB_CASES cases."""
    started = []
    with transaction.atomic():
        events = list(PanelEvent.objects.select_for_update(skip_locked=True)
                      .filter(kind=PanelEvent.Kind.PUBLISHED, consumed_at__isnull=True)
                      .select_related("version__panel"))
        for event in events:
            panel = event.version.panel
            groups = sorted(set(panel.patient_groups.values_list("code", flat=True))
                            | set(panel.default_for.values_list("code", flat=True)))
            started += _in_jobs(trigger=Reanalysis.Trigger.PANEL, checks=["panel"],
                                scope={"patient_groups": groups}, panel_event=event)
        PanelEvent.objects.filter(pk__in=[e.pk for e in events]).update(consumed_at=timezone.now())
    return started


def classification_finalised(classification) -> Reanalysis:
    """A new or changed final classification: the cases (of every department) carrying its variant."""
    return _reanalysis_create(trigger=Reanalysis.Trigger.CLASSIFICATION, checks=["classification"],
                              scope={"variants": [classification.variant_id]})


def dosage_genes_changed(*, build: str, genes: dict[str, list[str]]) -> Reanalysis:
    """Genes newly established as dosage-sensitive (ClinGen score 3) for a build: every case of the build with
    structural calls is checked for CNVs covering them."""
    return _reanalysis_create(trigger=Reanalysis.Trigger.DOSAGE, checks=["dosage"],
                              scope={"build": build, "dosage_genes": genes, "with_structural_variants": True})


def phenotype_changed(case_id: int) -> Reanalysis:
    """A case's HPO terms changed: its candidates are ranked again with them."""
    return _reanalysis_create(trigger=Reanalysis.Trigger.PHENOTYPE, checks=["phenotype"], scope={"cases": [case_id]})


def str_catalog_changed(*, build: str, loci: list[str]) -> Reanalysis:
    """Repeat thresholds changed: the stored calls at those loci are classified again."""
    return _reanalysis_create(trigger=Reanalysis.Trigger.STR_CATALOG, checks=["repeats"],
                              scope={"build": build, "repeat_loci": loci, "with_repeats": True})


def cohort_changed() -> Reanalysis:
    """An import changed the national observations: cases whose analysis caps the cohort frequency."""
    return _reanalysis_create(trigger=Reanalysis.Trigger.FREQUENCY, checks=["frequency"], scope={})


def scheduled_reanalysis() -> list[Reanalysis]:
    """Every case, every check: jobs per patient group of at most REANALYSIS_JOB_CASES cases each, so that
    several workers share the work."""
    with transaction.atomic():
        return [reanalysis for code in PatientGroup.objects.order_by("number").values_list("code", flat=True)
                for reanalysis in _in_jobs(trigger=Reanalysis.Trigger.SCHEDULE, checks=list(CHECKS),
                                           scope={"patient_groups": [code]})]


def alert_act(*, alert: Alert, by, action: str, audit: AuditContext | None = None) -> Alert:
    """Acknowledge or dismiss an alert: clinical members of its department."""
    states = {"acknowledge": Alert.State.ACKNOWLEDGED, "dismiss": Alert.State.DISMISSED, "reopen": Alert.State.OPEN}
    if action not in states:
        raise ValidationError(f"action is one of {', '.join(states)}")
    if alert.department_id not in alert_departments(by):
        raise PermissionDenied("Only clinical members of the alert's department act on it.")
    Alert.objects.filter(pk=alert.pk).update(state=states[action], acted_by=by, acted_at=timezone.now())
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="alert", object_id=alert.pk,
                 department_code=Department.objects.get(pk=alert.department_id).code, details={"action": action})
    alert.refresh_from_db()
    return alert


def alert_departments(user, *, token=None) -> list[int]:
    from core.access import departments_with_patient_access

    return departments_with_patient_access(user, token=token)
