"""The access matrix, generated from the URL configuration: every route (but the admin site, which has its own
staff login) x anonymous, each role of department A, department B's geneticist, and API tokens of both
departments. A route without a rule here fails the test, so a new endpoint cannot escape it. Every refusal of a
signed-in identity is in the audit log, and no answer is a 500."""
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import AuditEvent, Department, Job, Membership, PatientGroup, Role
from core.tokens import api_token_create
from genomes.models import CaseVariant
from interpret.classification.services import classification_start
from panels.services import panel_create, panel_entry_set, panel_version_publish, panel_version_submit
from tests.factories import make_user

CLINICAL_A = ("alice", "carl", "tina", "lars")
SIGNED_IN = ("alice", "carl", "tina", "lars", "rita", "adam", "bob")
TOKENS = ("token_a", "token_b")
PAGE_REFUSED, API_REFUSED = {302}, {401, 403}


@dataclass(frozen=True)
class Rule:
    method: str
    allowed: tuple        # identities that get through (any answer but 401/403/404/5xx; redirects too)
    refused: dict         # identity -> the statuses that refuse it (audited when signed in)
    api: bool = False
    body: dict | None = None


def page(method, allowed, refused_status=None, **refused):
    """A page: anonymous goes to the login page; identities not allowed get ``refused_status`` (or their own)."""
    everyone = set(SIGNED_IN) - set(allowed) - set(refused)
    return Rule(method, tuple(allowed), {"anonymous": {302}, **refused,
                                         **{who: refused_status for who in everyone if refused_status}})


def api(method, allowed, refused_status=None, body=None, **refused):
    everyone = (set(SIGNED_IN) | set(TOKENS)) - set(allowed) - set(refused)
    return Rule(method, tuple(allowed), {"anonymous": API_REFUSED, **refused,
                                         **{who: refused_status for who in everyone if refused_status}},
                api=True, body=body)


ALL = SIGNED_IN
ALL_API = SIGNED_IN + TOKENS
CASE = dict(rita={403}, adam={403}, bob={404})
CASE_API = dict(rita={403}, adam={403}, bob={404}, token_b={404})
DRAFT = dict(rita={404}, adam={404}, bob={404})

RULES = {
    "home": page("GET", ALL), "password_change": page("GET", ALL), "otp_setup": page("GET", ALL),
    "otp_verify": page("GET", ALL), "admin_login": page("GET", ALL),
    "system_status": page("GET", ALL), "worker_check_start": page("POST", ALL),
    "audit_log": page("GET", ("adam",), {403}),
    "job_detail": page("GET", CLINICAL_A, {404}),
    "api_whoami": api("GET", ALL_API), "api_patient_groups": api("GET", ALL_API),
    "api_worker_check": api("POST", ALL_API), "api_job_detail": api("GET", CLINICAL_A + ("token_a",), {404}),
    "patient_group_cases": page("GET", ALL), "api_cases": api("GET", ALL_API),
    "case_import": page("GET", CLINICAL_A + ("bob",), {403}),
    "api_case_import": api("POST", CLINICAL_A + ("bob",) + TOKENS, {403}),
    "api_case_detail": api("GET", CLINICAL_A + ("token_a",), **CASE_API),
    "case_detail": page("GET", CLINICAL_A, **CASE), "variant_table": page("GET", CLINICAL_A, **CASE),
    "variant_table_export": page("GET", ("alice", "carl", "lars"), tina={403}, **CASE),
    "filter_preset_create": page("POST", CLINICAL_A, **CASE), "variant_page": page("GET", CLINICAL_A, **CASE),
    "variant_tag_toggle": page("POST", CLINICAL_A, **CASE), "variant_comment_add": page("POST", CLINICAL_A, **CASE),
    "api_case_analysis": api("POST", CLINICAL_A + ("token_a",), body={"page_size": 10}, **CASE_API),
    "structural_variants": page("GET", CLINICAL_A, **CASE),
    "repeat_expansions": page("GET", CLINICAL_A, **CASE),
    "mitochondrial_variants": page("GET", CLINICAL_A, **CASE),
    "mitochondrial_classify": page("POST", ("alice", "carl"), tina={302}, lars={302}, **CASE),
    "case_reads": page("GET", CLINICAL_A, **CASE),
    "case_reads_slice": page("GET", CLINICAL_A, **CASE),
    "case_reads_reference": page("GET", CLINICAL_A, **CASE),
    "case_reads_reference_index": page("GET", CLINICAL_A, **CASE),
    "api_mitochondrial_variants": api("POST", CLINICAL_A + ("token_a",), **CASE_API),
    "api_repeat_expansions": api("POST", CLINICAL_A + ("token_a",), **CASE_API),
    "api_structural_variants": api("POST", CLINICAL_A + ("token_a",), body={"filters": {}}, **CASE_API),
    "classification_start": page("POST", ("alice", "carl"), tina={302}, lars={302}, **CASE),
    "cnv_classification_start": page("POST", ("alice", "carl"), tina={302}, lars={302}, **CASE),
    "cnv_classification_detail": page("GET", CLINICAL_A, **DRAFT),
    "cnv_classification_points": page("POST", ("alice", "carl"), tina={302}, lars={302}, **DRAFT),
    "cnv_classification_transition": page("POST", ("alice", "carl"), tina={302}, lars={302}, **DRAFT),
    "api_cnv_classification_start": api("POST", ("alice", "carl", "token_a"), body={"condition": "delay"},
                                        tina={403}, lars={403}, **CASE_API),
    "api_cnv_classification_detail": api("GET", CLINICAL_A + ("token_a",), {404}),
    "classification_conflicts": page("GET", ALL),
    "classification_detail": page("GET", CLINICAL_A, **DRAFT),
    "classification_criterion": page("POST", ("alice", "carl"), tina={403}, lars={403}, **DRAFT),
    "classification_accept_all": page("POST", ("alice", "carl"), tina={403}, lars={403}, **DRAFT),
    "classification_context": page("POST", ("alice", "carl"), tina={403}, lars={403}, **DRAFT),
    "classification_transition": page("POST", ("alice", "carl"), tina={302}, lars={302}, **DRAFT),
    "api_classifications": api("POST", ("alice", "carl", "token_a"), {403}, body={"department": "kg-a"}),
    "api_classification_detail": api("GET", CLINICAL_A + ("token_a",), {404}),
    "worklist": page("GET", ALL), "api_worklist": api("GET", ALL_API),
    "case_workflow": page("POST", ("alice",), carl={403}, tina={403}, lars={403}, **CASE),
    "case_note_add": page("POST", CLINICAL_A, **CASE),
    "api_case_workflow": api("POST", ("alice", "token_a"), carl={403}, tina={403}, lars={403}, **CASE_API),
    "dashboard": page("GET", ALL),
    "variant_search": page("GET", ALL),
    "beacon_root": api("GET", ALL_API), "beacon_info": api("GET", ALL_API),
    "beacon_configuration": api("GET", ALL_API), "beacon_map": api("GET", ALL_API),
    "beacon_g_variants": api("GET", ALL_API),
    "alert_inbox": page("GET", ALL), "api_alerts": api("GET", ALL_API),
    "alert_action": page("POST", ("alice", "carl", "tina", "lars"), {404}),
    "api_alert_detail": api("POST", ("alice", "carl", "tina", "lars", "token_a"), {404},
                            body={"action": "acknowledge"}),
    "reanalysis_start": page("POST", ("alice", "carl", "bob"), {403}),
    "api_reanalyses": api("POST", ("alice", "carl", "bob") + TOKENS, {403}, body={"trigger": "classification"}),
    "api_reanalysis_detail": api("GET", ("alice", "token_a"), {404}), "api_variant_lookup": api("GET", ALL_API),
    "api_schema": api("GET", ALL_API), "api_docs": api("GET", ALL_API),
    "dashboard_csv": page("GET", ("alice", "carl", "lars", "rita", "bob"), tina={403}, adam={403}),
    "report_start": page("POST", ("alice",), carl={403}, tina={403}, lars={403}, **CASE),
    "report_detail": page("GET", CLINICAL_A, **CASE),
    "report_template_edit": page("GET", ("alice", "bob"), {403}),
    "case_phenopacket": page("GET", ("alice", "carl", "lars"), tina={403}, **CASE),
    "report_sign": page("POST", ("alice",), carl={403}, tina={403}, lars={403}, **CASE),
    "report_pdf": page("GET", ("alice", "carl", "lars"), tina={403}, **CASE),
    "panel_list": page("GET", ALL), "panel_detail": page("GET", ALL), "panel_compare": page("GET", ALL),
    "panel_version_detail": page("GET", ALL), "panel_version_download": page("GET", ALL),
    "panel_draft_create": page("POST", ("carl",), {302}),
    "panel_draft_gene_add": page("POST", ("carl",), {200}),
    "panel_draft_gene_change": page("POST", ("carl",), {200}),
    "panel_version_transition": page("POST", ("carl",), {302}),
    "api_panels": api("GET", ALL_API), "api_panel_detail": api("GET", ALL_API),
    "api_panel_version": api("GET", ALL_API), "api_panel_version_export": api("GET", ALL_API),
    "api_panel_import": api("POST", ("carl",), {403}, body="multipart"),
    "api_panel_draft_create": api("POST", ("carl",), {403}),
    "api_panel_genes": api("POST", ("carl",), {403}, body={"symbol": "TTN", "confidence": "green"}),
    "api_panel_gene": api("DELETE", ("carl",), {403}),
    "api_panel_version_transition": api("POST", ("carl",), {403}),
    # the molecular tumor board (interpret.tumor_board): department A referred its case to board "mtb", where tina is
    # also a tumor board member; department B and those without a clinical role see neither meeting nor case
    "somatic_case": page("GET", CLINICAL_A, **CASE),
    "oncogenicity_start": page("POST", CLINICAL_A, **CASE),
    "board_meetings": page("GET", ALL), "biomarker_knowledge": page("GET", ALL),
    "board_meeting": page("GET", CLINICAL_A, {404}), "board_meeting_print": page("GET", CLINICAL_A, {404}),
    "board_item": page("GET", CLINICAL_A, {404}), "board_item_print": page("GET", CLINICAL_A, {404}),
    "api_case_somatic": api("GET", CLINICAL_A + ("token_a",), **CASE_API),
    "api_board_meetings": api("GET", ALL_API),
    "api_board_meeting": api("GET", CLINICAL_A + ("token_a",), {404}),
    # phenotypes (interpret.phenotype): the term search holds no patient data; a case's terms and ranking do
    "hpo_term_search": page("GET", ALL), "api_hpo_terms": api("GET", ALL_API),
    "case_phenotype": page("GET", CLINICAL_A, **CASE), "case_phenotype_change": page("POST", CLINICAL_A, **CASE),
    "api_case_phenotype": api("GET", CLINICAL_A + ("token_a",), **CASE_API),
    "api_case_phenotype_genes": api("GET", CLINICAL_A + ("token_a",), **CASE_API),
    "login": Rule("GET", ALL, {}), "logout": Rule("POST", ALL, {}), "healthz": Rule("GET", ALL, {}),
}


def routes(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from routes(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


@pytest.fixture
def world(trio, dept_a, dept_b, alice, bob, rita, adam):
    """Department A's trio, a classification draft, an import job, a panel with a published version and an
    open draft in a network where carl curates; and the identities."""
    people = {"alice": alice, "bob": bob, "rita": rita, "adam": adam,
              "carl": make_user("carl", department=dept_a, role=Role.VARIANT_CURATOR),
              "tina": make_user("tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER),
              "lars": make_user("lars", department=dept_a, role=Role.LAB_BIOINFORMATICIAN)}
    network = Department.objects.create(code="gn-heart", name="GenNet heart", kind=Department.Kind.EXPERT_NETWORK)
    Membership.objects.create(user=people["carl"], department=network, role=Role.VARIANT_CURATOR)
    second = make_user("sigrid", department=network, role=Role.VARIANT_CURATOR)
    version = panel_create(code="heart", name="Heart", network=network, created_by=second,
                           patient_groups=[PatientGroup.objects.get(code="HEART")])
    panel_entry_set(version=version, symbol="MYH7", by=second, confidence="green")
    panel_version_submit(version=version, by=second)
    panel_version_publish(version=version, signed_off_by=people["carl"])
    from panels.services import panel_version_draft

    draft = panel_version_draft(panel=version.panel, created_by=second)
    row = CaseVariant.objects.filter(case_id=trio.pk).order_by("id").first()
    classification = classification_start(variant=variant_id_variant(row.variant_id), gene="SEMA4A", condition="RP35",
                                          mode_of_inheritance="AD", by=alice, department=dept_a, case=trio)
    job = Job.objects.get(case_import__case=trio)
    call, cnv = _trio_deletion_classified(trio, alice)
    Job.objects.filter(pk=job.pk).update(created_by=alice)
    # token_b's owner is a geneticist of both departments: the token, scoped to B, must act as B alone on every
    # route (a scope is not the user's rights).
    both = make_user("bea", department=dept_a, role=Role.CLINICAL_GENETICIST)
    Membership.objects.create(user=both, department=Department.objects.get(code="kg-b"), role=Role.CLINICAL_GENETICIST)
    tokens = {"token_a": api_token_create(user=alice, name="a", department_codes=["kg-a"]),
              "token_b": api_token_create(user=both, name="b", department_codes=["kg-b"])}
    from interpret.reporting.models import Report

    report = Report.objects.create(case=trio, version=1, author=alice, edited_by=[alice.pk], status="signed",
                                   signed_by=bob, html="<p>signed</p>", pdf=b"%PDF-1.4 signed", pdf_sha256="0" * 64)
    from interpret.reanalysis.models import Alert
    from interpret.reanalysis.services import reanalysis_request

    alert = Alert.objects.create(department=dept_a, case=trio, kind="classification", subject="variant:1",
                                 title="test alert", evidence={}, evidence_digest="0")
    reanalysis = reanalysis_request(by=alice, checks="classification", send_to_worker=False)
    from interpret.tumor_board import board

    mtb = Department.objects.create(code="mtb", name="Molecular tumor board", kind=Department.Kind.TUMOR_BOARD)
    Membership.objects.create(user=people["tina"], department=mtb, role=Role.TUMOR_BOARD_MEMBER)
    meeting = board.meeting_create(by=people["tina"], board=mtb, title="MTB", date="2026-12-03")
    item = board.case_refer(by=alice, meeting=meeting, case=trio, diagnosis="retinitis pigmentosa, second tumour")
    args = {
        "meeting_id": meeting.pk,
        "item_id": item.pk,
        "case_id": trio.pk,
        "variant_id": row.variant_id,
        "classification_id": classification.pk,
        "cnv_classification_id": cnv.pk,
        "call_id": call.pk,
        "mt_variant_id": trio.mt_variants.order_by("pos").first().pk,  # the main VCF's chrM records
        "sample_id": _alignment_of_the_trio(trio).sample_id,
        "report_id": report.pk,
        "figure": "cases",
        "alert_id": alert.pk,
        "reanalysis_id": reanalysis.pk,
        "job_id": job.pk,
        "label": draft.label,
        "symbol": "MYH7",
        "fmt": "tsv",
    }
    return people, tokens, args


def _alignment_of_the_trio(trio):
    """A read file registered for the trio's first sample (stored as registered; the routes' rights are tested)."""
    from pathlib import Path

    from genomes.models import AlignmentFile

    bam = Path(__file__).resolve().parents[1] / "genomes" / "demo_data" / "NA12878.chrM.bam"
    return AlignmentFile.objects.create(sample=trio.samples.order_by("position").first(), path=str(bam),
                                        index_path=f"{bam}.bai", format="bam", contigs=["chrM"])


def _trio_deletion_classified(trio, alice):
    """The trio's Manta SVs imported, and a draft CNV classification of its first deletion by alice."""
    import io

    from django.core.management import call_command

    from interpret.cnv.services import cnv_classification_start
    from tests.public_data import public_file

    call_command("import_variants", trio.identifier, "--kind", "sv", "--wait", "--vcf",
                 public_file("sv-cnv/scout-643594.clinical.SV.vcf.gz"), stdout=io.StringIO())
    call = trio.structural_variants.filter(svtype="DEL").order_by("id").first()
    return call, cnv_classification_start(case=trio, call_id=call.pk, condition="developmental delay", by=alice)


def panel_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "heart.tsv", b"symbol\tconfidence\nMYH7\tgreen\n", content_type="text/tab-separated-values"
    )


def variant_id_variant(variant_id):
    from genomes.models import Variant

    return Variant.objects.get(pk=variant_id)


def url_of(pattern, args) -> str:
    values = {}
    for name in pattern.pattern.converters:
        if name == "code":
            values[name] = "RARE" if pattern.name == "patient_group_cases" else "heart"
        elif name == "classification_id" and "cnv_" in pattern.name:
            values[name] = args["cnv_classification_id"]
        elif name == "action":
            values[name] = "submit"
        elif name == "label" and pattern.name in ("panel_version_download", "api_panel_version_export",
                                                  "panel_version_detail", "api_panel_version"):
            values[name] = "0.1"
        else:
            values[name] = args[name]
    return reverse(pattern.name, kwargs=values)


@pytest.mark.django_db
def test_every_route_answers_every_identity_as_the_matrix_says_and_refusals_are_audited(client, world):
    people, tokens, args = world
    problems, checked = [], 0
    for pattern in routes():
        rule = RULES.get(pattern.name)
        if rule is None:
            problems.append(f"{pattern.name}: no rule in the access matrix")
            continue
        url = url_of(pattern, args)
        identities = ["anonymous", *SIGNED_IN] + (list(TOKENS) if rule.api else [])
        for who in identities:
            client.logout()
            headers = {}
            if who in TOKENS:
                headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[who][1]}"
            elif who != "anonymous":
                client.force_login(people[who])
            username = (tokens[who][0].user.username if who in TOKENS else who)
            before = AuditEvent.objects.filter(action="access_denied", username=username).count()
            if rule.method == "GET":
                response = client.get(url, **headers)
            elif rule.body == "multipart":
                response = client.post(url, {"network": "gn-heart", "file": panel_file()}, **headers)
            elif rule.api:
                response = getattr(client, rule.method.lower())(url, rule.body or {}, content_type="application/json",
                                                                **headers)
            else:
                response = client.post(url, rule.body or {}, **headers)
            status, checked = response.status_code, checked + 1
            if status >= 500:
                problems.append(f"{pattern.name} {who}: {status}")
            elif who in rule.refused:
                if status not in rule.refused[who]:
                    problems.append(f"{pattern.name} {who}: {status}, expected a refusal {sorted(rule.refused[who])}")
                elif who != "anonymous":
                    audited = AuditEvent.objects.filter(action="access_denied", username=username).count() > before
                    if not audited:
                        problems.append(f"{pattern.name} {who}: refused with {status} but not audited")
            elif who in rule.allowed and status in (401, 403, 404):
                problems.append(f"{pattern.name} {who}: {status}, expected to get through")
            elif who not in rule.allowed and who != "anonymous" and who not in rule.refused and rule.refused:
                problems.append(f"{pattern.name} {who}: no expectation")
    assert not problems, "\n".join(problems)
    print(f"access matrix: {len(list(routes()))} routes, {checked} requests")  # docs/security.md
    assert checked > 400
