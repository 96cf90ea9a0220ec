"""Celery tasks and signal receivers that start reanalyses: the schedule (Celery beat), the panel outbox, and
imports that changed the national cohort."""
from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from genomes.signals import (
    case_phenotypes_changed,
    case_variants_stored,
    dosage_genes_established,
    str_catalog_changed,
)
from interpret.analysis.models import FilterRun
from interpret.classification.models import Classification
from panels.models import PanelEvent


@shared_task(name="interpret.reanalysis_scheduled")
def reanalysis_scheduled() -> list[int]:
    from interpret.reanalysis.services import panel_events_consume, scheduled_reanalysis

    panel_events_consume()
    return [r.pk for r in scheduled_reanalysis()]


@shared_task(name="interpret.panel_events_consume")
def panel_events_consume_task() -> list[int]:
    from interpret.reanalysis.services import panel_events_consume

    return [r.pk for r in panel_events_consume()]


@receiver(post_save, sender=PanelEvent)
def panel_event_saved(sender, instance, created, **kwargs):
    if created and instance.kind == PanelEvent.Kind.PUBLISHED:
        from interpret.reanalysis.services import panel_events_consume

        transaction.on_commit(panel_events_consume)


@receiver(post_save, sender=Classification)
def classification_saved(sender, instance, **kwargs):
    # A version becomes final by being saved so (finals are never edited): new knowledge for every case that
    # carries the variant, once the approval is committed.
    if instance.status == Classification.Status.FINAL:
        from interpret.reanalysis.services import classification_finalised

        transaction.on_commit(lambda: classification_finalised(instance))


@receiver(case_variants_stored)
def cohort_changed_by_import(sender, case_id, **kwargs):
    # Only where some case's analysis caps the cohort frequency is there a threshold to cross.
    if FilterRun.objects.filter(filters__max_cohort_families__gte=0).exists():
        from interpret.reanalysis.services import cohort_changed

        cohort_changed()


@receiver(dosage_genes_established)
def dosage_curation_changed(sender, build, genes, **kwargs):
    # Newly established dosage-sensitive genes: the stored CNVs that cover them are worth a second look.
    from interpret.reanalysis.services import dosage_genes_changed

    dosage_genes_changed(build=build, genes=genes)


@receiver(case_phenotypes_changed)
def phenotype_changed_by_entry(sender, case_id, **kwargs):
    # New or removed terms re-rank the case's candidates: one stored candidate entering the top 10 is an alert.
    from interpret.reanalysis.services import phenotype_changed

    phenotype_changed(case_id)


@receiver(str_catalog_changed)
def repeat_catalog_changed(sender, build, loci, **kwargs):
    # New thresholds can make a stored allele a full mutation: the calls at those loci are classified again.
    from interpret.reanalysis.services import str_catalog_changed as reanalysis_for_catalog

    reanalysis_for_catalog(build=build, loci=loci)
