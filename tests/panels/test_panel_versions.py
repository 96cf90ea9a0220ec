"""GenNet panels: versions are immutable once published, published only after a second curator signs off."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from core.models import Department, PatientGroup, Role
from panels.diff import panel_diff
from panels.models import PanelEntry, PanelEvent, PanelVersion
from panels.services import (
    panel_create,
    panel_entry_remove,
    panel_entry_set,
    panel_version_draft,
    panel_version_publish,
    panel_version_retire,
    panel_version_return_to_draft,
    panel_version_submit,
)
from tests.factories import make_user


@pytest.fixture
def draft(author):
    version = panel_create(code="cardiomyopathy", name="Cardiomyopathy", network=author.memberships.get().department,
                           created_by=author, patient_groups=[PatientGroup.objects.get(code="HEART")])
    panel_entry_set(version=version, symbol="MYH7", by=author, confidence="green", mode_of_inheritance="monoallelic")
    panel_entry_set(version=version, symbol="TTN", by=author, confidence="amber", mode_of_inheritance="monoallelic")
    return version


def publish(version, author, reviewer):
    panel_version_submit(version=version, by=author)
    return panel_version_publish(version=version, signed_off_by=reviewer)


@pytest.mark.django_db
def test_a_second_curator_publishes_and_the_author_cannot_sign_off_alone(draft, author, reviewer):
    panel_version_submit(version=draft, by=author)
    with pytest.raises(PermissionDenied, match="second curator"):
        panel_version_publish(version=draft, signed_off_by=author)
    published = panel_version_publish(version=draft, signed_off_by=reviewer)
    assert (published.status, published.label, published.signed_off_by) == ("published", "0.1", reviewer)
    assert draft.panel.current_version() == published
    event = PanelEvent.objects.get(version=published, kind="published")
    assert event.diff["added"] == ["MYH7", "TTN"]


@pytest.mark.django_db
def test_a_version_must_be_submitted_before_publishing_and_only_curators_of_the_network_act(
    draft, reviewer, patient_groups
):
    with pytest.raises(ValidationError, match="submitted for review"):
        panel_version_publish(version=draft, signed_off_by=reviewer)
    outsider = make_user("otto", department=Department.objects.create(code="kg-x", name="X"), role=Role.VARIANT_CURATOR)
    with pytest.raises(PermissionDenied, match="Only curators of GenNet Heart"):
        panel_entry_set(version=draft, symbol="LMNA", by=outsider, confidence="green")
    geneticist = make_user("gina", department=draft.panel.network, role=Role.CLINICAL_GENETICIST)
    with pytest.raises(PermissionDenied):
        panel_version_submit(version=draft, by=geneticist)


@pytest.mark.django_db
def test_a_published_version_cannot_change_through_the_services(draft, author, reviewer):
    published = publish(draft, author, reviewer)
    with pytest.raises(ValidationError, match="only drafts can change"):
        panel_entry_set(version=published, symbol="MYH7", by=author, confidence="red")
    with pytest.raises(ValidationError, match="only drafts can change"):
        panel_entry_remove(version=published, symbol="TTN", by=author)


@pytest.mark.django_db
def test_the_database_refuses_changes_to_a_published_version_whatever_the_code_does(draft, author, reviewer):
    published = publish(draft, author, reviewer)
    with pytest.raises(DatabaseError, match="not a draft"), transaction.atomic():
        PanelEntry.objects.filter(version=published, symbol="MYH7").update(confidence="red")
    with pytest.raises(DatabaseError, match="not a draft"), transaction.atomic():
        PanelEntry.objects.create(version=published, symbol="LMNA", confidence="green")
    with pytest.raises(DatabaseError, match="not a draft"), transaction.atomic():
        PanelEntry.objects.filter(version=published).delete()
    with pytest.raises(DatabaseError, match="only retiring"), transaction.atomic():
        PanelVersion.objects.filter(pk=published.pk).update(minor=9)
    from django.db import connection

    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM panels_panelevent WHERE version_id = %s", [published.pk])  # past Django's PROTECT
        cursor.execute("DELETE FROM panels_panelversion WHERE id = %s", [published.pk])
    assert PanelEntry.objects.get(version=published, symbol="MYH7").confidence == "green"
    retired = panel_version_retire(version=published, by=reviewer)
    assert retired.status == "retired"  # the one change allowed


@pytest.mark.django_db
def test_a_new_draft_copies_the_published_genes_numbers_minor_or_major_and_the_diff_records_the_changes(
    draft, author, reviewer
):
    first = publish(draft, author, reviewer)
    second = panel_version_draft(panel=first.panel, created_by=author)
    assert second.label == "0.2" and second.based_on == first
    assert sorted(second.entries.values_list("symbol", flat=True)) == ["MYH7", "TTN"]
    with pytest.raises(ValidationError, match="already has an open draft"):
        panel_version_draft(panel=first.panel, created_by=reviewer)
    panel_entry_set(version=second, symbol="TTN", by=author, confidence="green")
    panel_entry_set(version=second, symbol="MYH7", by=author, mode_of_inheritance="both")
    panel_entry_set(version=second, symbol="LMNA", by=author, confidence="green", mode_of_inheritance="monoallelic")
    published_second = publish(second, author, reviewer)
    diff = PanelEvent.objects.get(version=published_second).diff
    assert diff == {
        "added": ["LMNA"], "removed": [],
        "confidence_changed": [{"symbol": "TTN", "from": "amber", "to": "green"}],
        "mode_of_inheritance_changed": [{"symbol": "MYH7", "from": "monoallelic", "to": "both"}],
    }
    assert first.panel.current_version() == published_second
    assert PanelEntry.objects.get(version=first, symbol="TTN").confidence == "amber"  # older versions stay as they were
    third = panel_version_draft(panel=first.panel, created_by=reviewer, major=True)
    assert third.label == "1.0"


@pytest.mark.django_db
def test_a_reviewer_can_return_a_version_to_draft_and_bad_values_are_refused(draft, author, reviewer):
    panel_version_submit(version=draft, by=author)
    panel_version_return_to_draft(version=draft, by=reviewer, comment="add LMNA")
    assert draft.status == "draft" and "add LMNA" in draft.comment
    with pytest.raises(ValidationError, match="confidence 'blue'"):
        panel_entry_set(version=draft, symbol="LMNA", by=author, confidence="blue")
    with pytest.raises(ValidationError, match="mode of inheritance 'dominant'"):
        panel_entry_set(version=draft, symbol="LMNA", by=author, confidence="green", mode_of_inheritance="dominant")


def test_diff_of_identical_and_disjoint_versions():
    genes = [{"symbol": "A", "confidence": "green", "mode_of_inheritance": "biallelic"}]
    assert panel_diff(genes, genes) == {"added": [], "removed": [], "confidence_changed": [],
                                        "mode_of_inheritance_changed": []}
    other = [{"symbol": "B", "confidence": "red", "mode_of_inheritance": "unknown"}]
    assert panel_diff(genes, other)["added"] == ["B"] and panel_diff(genes, other)["removed"] == ["A"]


@pytest.mark.django_db
def test_a_curator_who_changed_the_genes_cannot_sign_the_version_off(draft, author, reviewer, network):
    """The author of an empty draft let a second curator add the genes and then asked that curator to sign off:
    the sign-off needs someone who changed nothing in the version."""
    third = make_user("tess", department=network, role=Role.VARIANT_CURATOR)
    panel_entry_set(version=draft, symbol="LMNA", by=reviewer, confidence="green", mode_of_inheritance="monoallelic")
    panel_version_submit(version=draft, by=author)
    with pytest.raises(PermissionDenied, match="you changed its genes"):
        panel_version_publish(version=draft, signed_off_by=reviewer)
    published = panel_version_publish(version=draft, signed_off_by=third)
    assert published.status == "published" and sorted(published.edited_by) == sorted([author.pk, reviewer.pk])


@pytest.mark.django_db
def test_every_change_of_a_panel_version_is_audited(draft, author, reviewer):
    from core.models import AuditEvent

    panel_entry_remove(version=draft, symbol="TTN", by=author)
    publish(draft, author, reviewer)
    changes = list(AuditEvent.objects.filter(object_type="panel_version", object_id="cardiomyopathy:0.1")
                   .order_by("timestamp", "id").values_list("username", "details__change"))
    assert changes == [("ada", "panel created"), ("ada", "gene added"), ("ada", "gene added"),
                       ("ada", "gene removed"), ("ada", "submitted for review"), ("rob", "signed off and published")]
