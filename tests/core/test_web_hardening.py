"""What an attacker or an unlucky user sends gets a clear answer, never a 500; answers stay private; sessions
end; the client address is the proxy's; floods are throttled before the audit log fills."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import AuditEvent
from tests.public_data import public_file


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    "text=%00", "genes=BRCA%002", "min_gq=inf", "max_popmax=nan", "max_popmax=-inf", "min_dp=-1e400", "run=abc",
])
def test_bad_filter_values_are_a_400_with_a_message(client, trio, alice, query):
    client.force_login(alice)
    response = client.get(f"/cases/{trio.pk}/variants/?{query}")
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:  # the table page shows the filter error instead of results
        assert response.context["error"], query
    else:
        assert response.content


@pytest.mark.django_db
def test_nul_bytes_anywhere_in_a_request_are_refused(client, alice):
    client.force_login(alice)
    assert client.get("/groups/RA%00RE/").status_code == 400
    assert client.get("/api/cases/?patient_group=RARE%00").status_code == 400
    assert client.post("/api/classifications/", {"gene": "A\u0000"}, content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_a_stale_or_garbled_lock_version_is_a_400_not_a_500(client, trio, alice):
    from genomes.models import Variant

    client.force_login(alice)
    variant = Variant.objects.get(build="GRCh37", chrom="1", pos=156146640, ref="G", alt="A")
    started = client.post(reverse("classification_start", args=[trio.pk, variant.pk]),
                          {"gene": "SEMA4A", "condition": "RP35", "mode_of_inheritance": "AD"})
    classification_id = int(started.url.rstrip("/").split("/")[-1])
    response = client.post(reverse("classification_criterion", args=[classification_id]),
                           {"lock_version": "abc", "criterion": "PS3", "decision": "applied", "justification": "x"})
    assert response.status_code == 400 and b"lock_version" in response.content


@pytest.mark.django_db
def test_a_sample_name_that_is_not_utf8_is_a_clear_error(client, tmp_path, alice, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    vcf = tmp_path / "latin1.vcf"
    vcf.write_bytes(b"##fileformat=VCFv4.2\n##contig=<ID=1,length=249250621>\n"
                    b'##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
                    b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\xe61\n1\t100\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n")
    ped = tmp_path / "case.ped"
    ped.write_text("F1\tS1\t0\t0\t1\t2\n")
    from core.tokens import api_token_create

    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    with open(ped, "rb") as p, open(vcf, "rb") as v:
        response = client.post(reverse("api_case_import"), {"patient_group": "RARE", "department": "kg-a",
                                                            "pedigree": p, "vcf": v},
                               HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    body = response.json()
    assert body["file"] == "latin1.vcf" and body["field"] == "#CHROM" and "not UTF-8" in body["problem"]
    assert "uploads" not in response.content.decode()


@pytest.mark.django_db
def test_a_non_ascii_authorization_header_is_refused_cleanly(client):
    response = client.get(reverse("api_cases"), HTTP_AUTHORIZATION="Bearer t\u00f8ken\u2603")
    assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_unknown_panel_version_labels_are_a_400_or_404(client, patient_groups, alice):
    from core.models import Department, Membership, Role
    from panels.services import panel_create

    network = Department.objects.create(code="gn", name="GN", kind=Department.Kind.EXPERT_NETWORK)
    Membership.objects.create(user=alice, department=network, role=Role.VARIANT_CURATOR)
    panel_create(code="p1", name="P1", network=network, created_by=alice)
    client.force_login(alice)
    for label, expected in (("abc", 400), ("9.9", 404)):
        assert client.post(f"/panels/p1/v/{label}/genes/", {"symbol": "X"}).status_code == expected
        assert client.post(f"/panels/p1/v/{label}/submit/").status_code == expected
        assert client.get(f"/api/panels/p1/versions/{label}/").status_code == expected


@pytest.mark.django_db
def test_answers_are_not_cached_and_pages_run_only_our_scripts(client, trio, alice):
    client.force_login(alice)
    for url in (f"/cases/{trio.pk}/", f"/cases/{trio.pk}/variants/export.csv", "/api/cases/", "/"):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url
        policy = response["Content-Security-Policy"]
        assert (
            "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        )
        assert "frame-ancestors 'none'" in policy
    page = client.get(f"/cases/{trio.pk}/").content.decode()
    assert "<script>" not in page and "onclick=" not in page and "onchange=" not in page


@pytest.mark.django_db
def test_a_session_ends_after_the_idle_time(client, alice, settings):
    import time

    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(alice)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_activity"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert AuditEvent.objects.filter(action="logout", username="alice",
                                     details__reason="idle for more than 30 minutes").exists()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_user_changes_their_own_password_and_it_is_audited(client, alice):
    from tests.factories import PASSWORD

    client.force_login(alice)
    weak = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "short",
                                                   "new_password2": "short"})
    assert weak.status_code == 200 and b"too short" in weak.content
    new = "another-correct-horse-battery-7"
    done = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": new,
                                                   "new_password2": new})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert AuditEvent.objects.filter(action="change", object_type="password", username="alice").exists()


@pytest.mark.django_db
def test_an_authenticator_app_is_enrolled_and_then_asked_for_at_every_sign_in(client, alice, case_a, settings):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import PASSWORD

    settings.REQUIRE_SECOND_FACTOR = True
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    response = client.get(f"/cases/{case_a.pk}/")
    assert response.status_code == 302 and response.url.startswith(reverse("otp_setup"))
    setup = client.get(reverse("otp_setup"))
    assert setup.status_code == 200 and b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert client.post(reverse("otp_setup"), {"token": "000000"}).status_code == 200  # a wrong code
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp waits after a failure; the test does not
    device.save()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert client.post(reverse("otp_setup"), {"token": f"{code:06d}"}).status_code == 302
    assert client.get(f"/cases/{case_a.pk}/").status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    asked = client.get(f"/cases/{case_a.pk}/")
    assert asked.status_code == 302 and asked.url.startswith(reverse("otp_verify"))
    assert client.get("/api/cases/").status_code == 403  # the session's API calls wait too
    device.refresh_from_db()
    device.throttling_failure_count, device.last_t = 0, -1
    device.save()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert client.post(reverse("otp_verify"), {"token": f"{code:06d}"}).status_code == 302
    assert client.get(f"/cases/{case_a.pk}/").status_code == 200
    assert AuditEvent.objects.filter(object_type="second_factor", action="login_failed").exists()
    assert AuditEvent.objects.filter(object_type="second_factor", action="change",
                                     details__enrolled="authenticator app").exists()


@pytest.mark.django_db
def test_behind_a_proxy_the_audit_log_and_the_lockout_take_the_proxys_hop(client, settings, alice):
    from axes.helpers import get_client_ip_address

    settings.TRUST_X_FORWARDED_FOR, settings.TRUSTED_PROXY_COUNT = True, 1
    forged = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 10.1.2.3", "REMOTE_ADDR": "10.0.0.1"}
    client.post(reverse("login"), {"username": "alice", "password": "wrong"}, **forged)
    event = AuditEvent.objects.get(action="login_failed", username="alice")
    assert event.ip_address == "10.1.2.3"
    from django.test import RequestFactory

    request = RequestFactory().get("/", **forged)
    assert get_client_ip_address(request) == "10.1.2.3"


@pytest.mark.django_db
def test_a_flood_of_bad_tokens_is_throttled_before_it_fills_the_audit_log(client, settings):
    settings.BAD_TOKENS_PER_MINUTE = 5
    cache.clear()
    answers = [client.get(reverse("api_cases"), HTTP_AUTHORIZATION=f"Bearer bad{i}.token").status_code
               for i in range(100)]
    assert answers[:5] == [401] * 5 and set(answers[6:]) == {429}
    assert AuditEvent.objects.filter(action="login_failed", object_type="api_token").count() == 5
    assert AuditEvent.objects.filter(action="access_denied", object_type="api_token").count() == 1


@pytest.mark.django_db
def test_anonymous_api_calls_are_throttled(client, settings):
    settings.ANONYMOUS_API_CALLS_PER_MINUTE = 10
    cache.clear()
    answers = [client.get(reverse("api_cases")).status_code for _ in range(15)]
    assert set(answers[:10]) <= {401, 403} and answers[-1] == 429


@pytest.mark.django_db
def test_a_pedigree_larger_than_a_case_holds_is_refused(tmp_path, dept_a, settings):
    from core.errors import InputFileError
    from core.models import PatientGroup
    from genomes.importing.prepare import case_import_prepare

    settings.CASE_MAX_INDIVIDUALS = 50
    ped = tmp_path / "huge.ped"
    ped.write_text("".join(f"F1\tI{i}\t0\t0\t1\t1\n" for i in range(10_000)))
    with pytest.raises(InputFileError, match=r"huge.ped, line 51, field individuals: more than 50 individuals; a "
                                             r"case holds at most 50 \(CASE_MAX_INDIVIDUALS\)"):
        case_import_prepare(patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, ped_path=ped,
                            vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"), send_to_worker=False)
    # A 41 MB file is refused after reading its first mebibyte: no 30 s parse, no worker swollen to 900 MB.
    import resource
    import time

    line = "F1\tI{}\t0\t0\t1\t1\t" + "x" * 200 + "\n"
    with ped.open("w") as handle:
        handle.writelines(line.format(i) for i in range(200_000))
    assert ped.stat().st_size > 40_000_000
    before, started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.monotonic()
    with pytest.raises(InputFileError, match=r"larger than 1,024 KiB: not the pedigree of one case"):
        case_import_prepare(patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, ped_path=ped,
                            vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"), send_to_worker=False)
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB: well under 50 MB more


@pytest.mark.django_db
def test_another_departments_case_identifier_reveals_nothing(tmp_path, trio, dept_b, settings):
    from core.models import PatientGroup
    from genomes.importing.prepare import case_import_prepare
    from genomes.models import Case

    case_import = case_import_prepare(patient_group=PatientGroup.objects.get(code="RARE"), department=dept_b,
                                      ped_path=public_file("scout-demo/643594.ped"),
                                      vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"), send_to_worker=False)
    assert case_import.case.identifier == trio.identifier and case_import.case.department == dept_b
    assert Case.objects.filter(identifier=trio.identifier).count() == 2


@pytest.mark.django_db
def test_failed_jobs_and_case_pages_show_no_server_paths_or_tracebacks(client, alice, trio):
    from core.jobs import job_handler, job_run
    from core.models import Job

    @job_handler("test_internal")
    def fail(job, report):
        raise OSError("/srv/interpret/.data/secret thing")

    job = Job.objects.create(kind="test_internal", created_by=alice)
    job_run(job.pk)
    client.force_login(alice)
    body = client.get(reverse("api_job_detail", args=[job.pk])).json()
    assert body["state"] == "failed" and "/srv" not in body["error"] and "internal error (OSError)" in body["error"]
    assert "traceback" not in body["result"]
    page = client.get(f"/cases/{trio.pk}/").content.decode()
    server_folder = str(public_file("scout-demo/643594.clinical.vcf.gz").parent)
    assert "643594.clinical.vcf.gz" in page and server_folder not in page


@pytest.mark.django_db
def test_the_panel_apis_export_formats_are_reachable(client, patient_groups, alice):
    from core.models import Department, Membership, Role
    from panels.services import panel_create, panel_entry_set, panel_version_publish, panel_version_submit
    from tests.factories import make_user

    network = Department.objects.create(code="gn", name="GN", kind=Department.Kind.EXPERT_NETWORK)
    Membership.objects.create(user=alice, department=network, role=Role.VARIANT_CURATOR)
    second = make_user("second", department=network, role=Role.VARIANT_CURATOR)
    version = panel_create(code="p1", name="P1", network=network, created_by=alice)
    panel_entry_set(version=version, symbol="AGRN", by=alice, confidence="green")
    panel_version_submit(version=version, by=alice)
    panel_version_publish(version=version, signed_off_by=second)
    client.force_login(alice)
    tsv = client.get("/api/panels/p1/versions/0.1/export/?format=tsv")
    bed = client.get("/api/panels/p1/versions/0.1/export/?format=bed&build=GRCh38")
    assert tsv.status_code == 200 and b"AGRN" in tsv.content
    assert bed.status_code == 200 and b"\nchr1\t1020119\t1056118\tAGRN\n" in bed.content


@pytest.mark.django_db
def test_creating_an_api_token_is_audited(dept_a, alice):
    import io

    from django.core.management import call_command

    call_command("create_api_token", "--user", "alice", "--department", "kg-a", stdout=io.StringIO())
    event = AuditEvent.objects.get(action="create", object_type="api_token")
    assert event.details["account"] == "alice" and event.path == "manage.py create_api_token"


def test_production_with_demo_accounts_fails_the_deploy_check(db, settings, patient_groups):
    from interpret.checks import demo_accounts_in_production
    from interpret.demo.loading import _demo_people_and_cases

    settings.DEBUG, settings.HTTPS = False, True
    assert demo_accounts_in_production() == []
    _demo_people_and_cases()
    errors = demo_accounts_in_production()
    assert [e.id for e in errors] == ["interpret.E001"] and "geneticist" in errors[0].msg
    settings.HTTPS = False  # the local demo (make run) is not a production installation
    assert demo_accounts_in_production() == []
