"""Panel import (PanelApp JSON, TSV) and export (TSV, JSON, BED), through the services and the two commands."""
import gzip
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from core.errors import InputFileError
from core.models import Membership, PatientGroup, Role, User
from panels.export import panel_version_export
from panels.models import Panel, PanelEntry, PanelVersion
from panels.panelapp import read_panelapp_file
from panels.services import panel_file_import, panel_import, panel_version_publish, panel_version_submit
from panels.tsv import read_panel_tsv
from tests.factories import make_user
from tests.public_data import public_file

PANELS = "scout-demo/resources/panelapp_panels.jsonl"
GTF38 = "gtf/grch38_chr1_head.ensembl.gtf.gz"
HGNC = "scout-demo/resources/hgnc_reduced_set.txt"
COMPARED = ("symbol", "hgnc_id", "ensembl_ids", "confidence", "mode_of_inheritance", "penetrance", "phenotypes",
            "hpo_ids", "evidence", "publications", "padding")


def hgnc_symbols():
    import csv

    with open(public_file(HGNC), newline="") as handle:
        return {row["symbol"] for row in csv.DictReader(handle, delimiter="\t")}


def gtf_symbols():
    symbols = set()
    for line in gzip.open(public_file(GTF38), "rt"):
        fields = line.split("\t")
        if len(fields) > 8 and fields[2] == "gene" and 'gene_name "' in fields[8]:
            symbols.add(fields[8].split('gene_name "')[1].split('"')[0])
    return symbols


def entries(version):
    return sorted(version.entries.values(*COMPARED), key=lambda e: e["symbol"])


def panelapp(panelapp_id):
    return next(p for p in read_panelapp_file(public_file(PANELS)) if p.panelapp_id == panelapp_id)


@pytest.mark.django_db
def test_a_panelapp_panel_is_imported_whole_and_genes_that_do_not_resolve_are_reported_not_dropped(
        network, author, resolver):
    summary = panel_import(panelapp(1141), network=network, author=author, resolver=resolver,
                           patient_groups=[PatientGroup.objects.get(code="NEURO")])
    version = PanelVersion.objects.get(panel__code="panelapp-1141")
    assert summary["panel"] == "panelapp-1141" and summary["version"] == "0.1" and summary["status"] == "draft"
    assert summary["genes_imported"] == version.entries.count() == 69  # every gene, resolved or not
    expected_unknown = {e["symbol"] for e in panelapp(1141).entries} - hgnc_symbols() - gtf_symbols()
    assert expected_unknown and {u["symbol"] for u in summary["unknown_genes"]} == expected_unknown
    flagged = set(version.entries.exclude(resolution_note="").values_list("symbol", flat=True))
    assert expected_unknown <= flagged
    assert all("not in the HGNC table" in u["reason"] for u in summary["unknown_genes"])
    known = version.entries.exclude(symbol__in=expected_unknown)
    assert known.exists() and all(e.hgnc_id.startswith("HGNC:") for e in known)


@pytest.mark.django_db
def test_panelapp_json_round_trip_export_then_import_gives_the_same_genes(network, author, reviewer, resolver,
                                                                          tmp_path):
    panel_import(panelapp(1141), network=network, author=author, resolver=resolver, signed_off_by=reviewer)
    first = PanelVersion.objects.get(panel__code="panelapp-1141")
    exported = tmp_path / "exported.json"
    exported.write_text(panel_version_export(first, fmt="json"))
    document = json.loads(exported.read_text())
    assert document["id"] == "panelapp-1141" and document["stats"]["number_of_genes"] == 69
    assert {g["confidence_level"] for g in document["genes"]} <= {"1", "2", "3"}

    # Back into the same panel: a new version whose genes, levels and modes are the same, so the diff is empty.
    [summary] = panel_file_import(exported, network=None, author=author, resolver=resolver)
    second = PanelVersion.objects.get(panel__code="panelapp-1141", major=0, minor=2)
    assert summary["version"] == "0.2" and summary["diff"] == {
        "added": [], "removed": [], "confidence_changed": [], "mode_of_inheritance_changed": []}
    assert entries(second) == entries(first)
    # And the original file, read directly, agrees on what matters clinically.
    original = {e["symbol"]: (e["confidence"], e["mode_of_inheritance"]) for e in panelapp(1141).entries}
    assert {e["symbol"]: (e["confidence"], e["mode_of_inheritance"]) for e in entries(second)} == original


@pytest.mark.django_db
def test_tsv_round_trip_keeps_every_field(network, author, reviewer, resolver, tmp_path):
    panel_import(panelapp(522), network=network, author=author, resolver=resolver)
    version = PanelVersion.objects.get(panel__code="panelapp-522")
    PanelEntry.objects.filter(version=version, symbol="BAP1").update(padding=50, hpo_ids=["HP:0002861"])
    panel_version_submit(version=version, by=author)
    panel_version_publish(version=version, signed_off_by=reviewer)
    tsv = tmp_path / "melanoma.tsv"
    tsv.write_text(panel_version_export(version, fmt="tsv"))
    parsed = read_panel_tsv(tsv)
    assert parsed.code == "panelapp-522" and parsed.name == version.panel.name
    [summary] = panel_file_import(tsv, network=None, author=author, resolver=resolver)
    assert summary["panel"] == "panelapp-522" and summary["version"] == "0.2"
    assert entries(PanelVersion.objects.get(panel__code="panelapp-522", minor=2)) == entries(version)


@pytest.mark.django_db
def test_a_previous_symbol_is_imported_under_its_current_name(network, author, resolver, tmp_path):
    tsv = tmp_path / "old-names.tsv"
    tsv.write_text("symbol\tconfidence\tmode_of_inheritance\nARAF1\tgreen\tX-linked\nAGRN\tamber\tbiallelic\n")
    [summary] = panel_file_import(tsv, network=network, author=author, resolver=resolver)
    assert summary["renamed_genes"] == [{"from": "ARAF1", "to": "ARAF"}] and summary["unknown_genes"] == []
    version = PanelVersion.objects.get(panel__code="old-names")
    araf = version.entries.get(symbol="ARAF")
    assert araf.hgnc_id == "HGNC:646" and araf.mode_of_inheritance == "x_linked"
    assert version.entries.get(symbol="AGRN").ensembl_ids["GRCh38"] == "ENSG00000188157"


@pytest.mark.parametrize("content,line,field,problem", [
    ("symbol\tconfidence\nMYH7\tgreen\nMYH7\tamber\n", 3, "symbol", "MYH7 is listed twice (first on line 2)"),
    ("symbol\tconfidence\nMYH7\tblue\n", 2, "confidence", "confidence 'blue' is not green, amber, red"),
    ("symbol\tconfidence\tmode_of_inheritance\nMYH7\tgreen\tdominant\n", 2, "mode_of_inheritance",
     "unknown mode of inheritance 'dominant'"),
    ("symbol\tconfidence\tpadding\nMYH7\tgreen\t-5\n", 2, "padding", "padding '-5'"),
    ("symbol\tconfidence\thpo_ids\nMYH7\tgreen\tHP:1\n", 2, "hpo_ids", "'HP:1' is not an HPO id"),
    ("gene\tconfidence\nMYH7\tgreen\n", 1, "symbol", "the header needs a symbol column"),
    ("symbol\tconfidence\tcolour\nMYH7\tgreen\tx\n", 1, "colour", "unknown column"),
])
def test_bad_tsv_files_are_refused_naming_file_line_and_field(tmp_path, content, line, field, problem):
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    with pytest.raises(InputFileError) as error:
        read_panel_tsv(path)
    assert (error.value.line, error.value.field) == (line, field)
    assert problem in error.value.problem and str(path) in str(error.value)


@pytest.mark.django_db
def test_a_bad_panel_anywhere_in_a_file_imports_nothing(network, author, resolver, tmp_path):
    lines = public_file(PANELS).read_text().splitlines()
    broken = json.loads(lines[2])
    broken["genes"][3]["confidence_level"] = "9"
    path = tmp_path / "three.jsonl"
    path.write_text("\n".join([lines[0], lines[1], json.dumps(broken)]) + "\n")
    with pytest.raises(InputFileError, match=r"line 3, field genes\[4\].confidence_level"):
        panel_file_import(path, network=network, author=author, resolver=resolver)
    assert not Panel.objects.exists() and not PanelEntry.objects.exists()

    path.write_text(lines[0] + "\n{not json\n")
    with pytest.raises(InputFileError, match="line 2: malformed JSON"):
        panel_file_import(path, network=network, author=author, resolver=resolver)
    # Two names of one gene in one file are the same gene twice.
    tsv = tmp_path / "twice.tsv"
    tsv.write_text("symbol\tconfidence\nARAF\tgreen\nARAF1\tgreen\n")
    with pytest.raises(ValidationError, match=r"ARAF1 and ARAF are the same gene"):
        panel_file_import(tsv, network=network, author=author, resolver=resolver)
    assert not Panel.objects.exists()


@pytest.mark.django_db
def test_bed_export_of_a_stored_version_matches_the_gtf_plus_padding(network, author, resolver, tmp_path):
    tsv = tmp_path / "chr1.tsv"
    tsv.write_text("symbol\tconfidence\tpadding\nAGRN\tgreen\t0\nISG15\tgreen\t25\nNOT-A-GENE\tred\t0\n")
    panel_file_import(tsv, network=network, author=author, resolver=resolver)
    bed = panel_version_export(PanelVersion.objects.get(panel__code="chr1"), fmt="bed", build="GRCh38").splitlines()
    assert bed[1] == "# not in the GRCh38 gene models: NOT-A-GENE"
    rows = {line.split("\t")[3]: line.split("\t")[:3] for line in bed[2:]}
    for line in gzip.open(public_file(GTF38), "rt"):
        fields = line.split("\t")
        if len(fields) > 8 and fields[2] == "gene" and 'gene_name "ISG15"' in fields[8]:
            assert rows["ISG15"] == ["chr1", str(int(fields[3]) - 1 - 25), str(int(fields[4]) + 25)]
        if len(fields) > 8 and fields[2] == "gene" and 'gene_name "AGRN"' in fields[8]:
            assert rows["AGRN"] == ["chr1", str(int(fields[3]) - 1), fields[4]]


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def grant_panel_import_role(network):
    """The panel-import service account's curator role, given the way every role is: one administrator asks, a
    second approves (core.roles)."""
    from core.roles import role_grant_approve, role_grant_request

    first, second = make_user("admin-1", is_superuser=True), make_user("admin-2", is_superuser=True)
    account = User.objects.get(username="panel-import")
    grant = role_grant_request(by=first, user=account, department=network, role=Role.VARIANT_CURATOR,
                               reason="authors the network's command-line panel imports")
    assert grant.status == "pending"
    return grant, lambda: role_grant_approve(grant_id=grant.pk, by=second)


@pytest.mark.django_db
def test_the_panel_import_account_gets_its_role_from_two_administrators(network, reviewer):
    code, out, err = run("import_panel", str(public_file(PANELS)), "--patient-group", "RARE")
    assert code == 1 and "panel-import service account has no variant-curator role in gennet-heart" in err
    assert not Panel.objects.exists() and not Membership.objects.filter(user__username="panel-import").exists()
    grant, approve = grant_panel_import_role(network)
    code, out, err = run("import_panel", str(public_file(PANELS)), "--patient-group", "RARE")
    assert code == 1 and "no variant-curator role" in err  # asked for, not yet approved
    approve()
    code, out, err = run("import_panel", str(public_file(PANELS)), "--patient-group", "RARE")
    assert code == 0, err
    assert Membership.objects.filter(user__username="panel-import", department=network,
                                     role=Role.VARIANT_CURATOR).count() == 1


@pytest.mark.django_db
def test_import_panel_and_export_panel_commands(network, author, reviewer, tmp_path):
    code, out, err = run("import_panel", str(public_file(PANELS)), "--patient-group", "RARE", "--publish")
    assert code == 1 and "--publish needs --signed-off-by" in err and not Panel.objects.exists()
    run("import_panel", str(public_file(PANELS)), "--patient-group", "RARE")  # makes the account, with no role
    grant_panel_import_role(network)[1]()

    code, out, err = run("import_panel", str(public_file(PANELS)), "--format", "panelapp", "--patient-group", "RARE",
                         "--default", "--publish", "--signed-off-by", "rob")
    assert code == 0, err
    summaries = [json.loads(line) for line in out.splitlines()]
    assert [(s["panel"], s["version"], s["status"], s["genes_imported"]) for s in summaries] == [
        ("panelapp-522", "0.1", "published", 8), ("panelapp-1141", "0.1", "published", 69),
        ("panelapp-399", "0.1", "published", 14)]
    assert all({"panel_id", "unknown_genes"} <= set(s) for s in summaries)
    version = PanelVersion.objects.get(panel__code="panelapp-522")
    assert version.created_by.username == "panel-import" and version.signed_off_by.username == "rob"
    assert set(PatientGroup.objects.get(code="RARE").default_panels.values_list("code", flat=True)) == {
        "panelapp-522", "panelapp-1141", "panelapp-399"}

    code, out, err = run("export_panel", "panelapp-522", "--version", "0.1", "--format", "tsv")
    assert code == 0 and "## version: 0.1" in out and len(out.strip().splitlines()) == 5 + 8
    code, out, err = run("export_panel", "panelapp-522", "--format", "json")
    assert code == 0 and json.loads(out)["version"] == "0.1"
    code, out, err = run("export_panel", "panelapp-522", "--format", "bed", "--build", "GRCh37")
    assert code == 0 and out.startswith("# ") and "(GRCh37)" in out
    code, out, err = run("export_panel", "panelapp-522", "--version", "7.0", "--format", "tsv")
    assert code == 1 and "has no version 7.0" in err

    bad = tmp_path / "bad.tsv"
    bad.write_text("symbol\tconfidence\nMYH7\tpurple\n")
    code, out, err = run("import_panel", str(bad), "--network", "gennet-heart")
    assert code == 1 and f"{bad}, line 2, field confidence" in err and out == ""
