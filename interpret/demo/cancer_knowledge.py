"""The shipped demo tables of the somatic view (cancer genes, hotspots, the biomarker table), labelled as demo data,
for `make run`, `load_cancer_knowledge --demo` and the tests: loaded through the same services as a user's tables."""
from __future__ import annotations

from pathlib import Path

from core.models import User
from interpret.cancer.biomarkers import (
    biomarkers_import_tsv,
    draft_version,
    knowledge_draft_start,
    knowledge_sign_off,
    published_version,
)
from interpret.cancer.knowledge import cancer_genes_load, hotspots_load
from interpret.cancer.models import CancerGene, Hotspot

DEMO_DATA = Path(__file__).resolve().parent / "data"
DEMO_CANCER_GENES = DEMO_DATA / "cancer_genes.demo.tsv"
DEMO_HOTSPOTS = DEMO_DATA / "hotspots.demo.tsv"
DEMO_BIOMARKERS = DEMO_DATA / "biomarkers.demo.tsv"


def demo_knowledge_load() -> None:
    """The demo cancer gene list and hotspot table, when none was loaded."""
    if not CancerGene.objects.exists():
        cancer_genes_load(DEMO_CANCER_GENES, source="DEMO cancer gene list (not for clinical use)")
    if not Hotspot.objects.exists():
        hotspots_load(DEMO_HOTSPOTS, source="DEMO hotspot counts (illustrative, not for clinical use)")


def demo_knowledge_publish(author: User, approver: User) -> None:
    """The demo biomarker table as version 1, authored and signed off by two demo curators."""
    if published_version() is not None or draft_version() is not None:
        return
    knowledge_draft_start(by=author, note="DEMO table, not for clinical use")
    biomarkers_import_tsv(by=author, path=DEMO_BIOMARKERS)
    knowledge_sign_off(by=approver)
