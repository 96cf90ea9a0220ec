"""The second factor, the administrators and the admin site (issue 25, items 1-3, 7 and 13): no way around the
second factor with the password alone, no administrator made by one administrator, no account or token taken
over through the admin site unseen, sign-in floods throttled per address, and no redirect off the site."""
import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import ApiToken, AuditEvent, Membership, Role, RoleGrant, User
from core.roles import role_grant_approve
from core.tokens import api_token_create
from tests.factories import PASSWORD, make_user


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    device.throttling_failure_count, device.last_t = 0, -1  # django-otp's waits and replay guard; not tested here
    device.save()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)


@pytest.fixture
def root(dept_a):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def anna(dept_a):
    return make_user("anna", department=dept_a, role=Role.ADMINISTRATOR)


@pytest.mark.django_db
def test_the_password_alone_cannot_replace_an_enrolled_second_factor(client, alice, case_a, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    own_device = enrolled(alice)
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    # The attack: skip the code page and open the enrolment page instead.
    setup = client.get(reverse("otp_setup"))
    assert setup.status_code == 302 and setup.url.startswith(reverse("otp_verify"))
    assert not TOTPDevice.objects.filter(user=alice, confirmed=False).exists()  # no new secret was even made
    attacker_device = TOTPDevice.objects.create(user=alice, name="authenticator app", confirmed=False)
    posted = client.post(reverse("otp_setup"), {"token": current_code(attacker_device), "password": PASSWORD})
    assert posted.status_code == 302 and posted.url.startswith(reverse("otp_verify"))
    assert client.get(f"/cases/{case_a.pk}/").status_code == 302
    assert client.get("/api/cases/").status_code == 403
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).get() == own_device

    # The owner: verified with the old app, the password again, then the new app's code.
    assert client.post(reverse("otp_verify"), {"token": current_code(own_device)}).status_code == 302
    assert b'name="password"' in client.get(reverse("otp_setup")).content
    new_device = TOTPDevice.objects.get(user=alice, confirmed=False)
    wrong = client.post(reverse("otp_setup"), {"token": current_code(new_device), "password": "not the password"})
    assert wrong.status_code == 200 and b"password was wrong" in wrong.content
    assert client.post(reverse("otp_setup"), {"token": current_code(new_device), "password": PASSWORD}
                       ).status_code == 302
    assert list(TOTPDevice.objects.filter(user=alice, confirmed=True)) == [new_device]
    replaced = AuditEvent.objects.get(object_type="second_factor", details__change="replaced")
    assert replaced.username == "alice" and replaced.details["replaced_devices"] == [own_device.pk]
    assert AuditEvent.objects.filter(object_type="second_factor", details__reason="replacement refused").count() == 2

    # The person is told at the next sign-in.
    client.post(reverse("logout"))
    signed_in = client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True)
    assert b"your second factor was replaced by alice" in signed_in.content


@pytest.mark.django_db
def test_administrators_and_superusers_need_the_second_factor_too(client, root, anna, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    for who in ("root", "anna"):
        client.post(reverse("login"), {"username": who, "password": PASSWORD})
        for path in ("/admin/", "/audit/"):
            answer = client.get(path)
            assert answer.status_code == 302 and answer.url.startswith(reverse("otp_setup")), (who, path)
        client.post(reverse("logout"))


@pytest.mark.django_db
def test_one_administrator_cannot_make_an_administrator_or_superuser_to_approve_their_own_grant(client, root, anna,
                                                                                                 dept_a):
    client.force_login(anna)
    assert client.get("/admin/core/user/").status_code == 200  # an administrator (by role grant) enters
    added = client.post("/admin/core/user/add/", {"username": "sock", "password1": "Long enough pass 1",
                                                   "password2": "Long enough pass 1", "usable_password": "true",
                                                   "is_superuser": "on", "is_staff": "on",
                                                   "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert added.status_code == 302
    sock = User.objects.get(username="sock")
    assert not sock.is_superuser and not sock.is_staff  # the flags are not fields of the form
    change = client.get(f"/admin/core/user/{sock.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in change and 'name="user_permissions"' not in change
    created = AuditEvent.objects.get(object_type="account", action="create", details__account="sock")
    assert created.username == "anna" and created.ip_address == "127.0.0.1"
    # Whatever the form, the web cannot give superuser standing.
    sock.is_superuser = True
    from core.audit import acting_request_reset, acting_request_set

    marker = acting_request_set(lambda: (anna, None))
    try:
        with pytest.raises(PermissionDenied):
            sock.save()
    finally:
        acting_request_reset(marker)
    # An account staff by a row alone does not enter the admin site.
    User.objects.filter(pk=sock.pk).update(is_staff=True)
    client.force_login(sock)
    assert client.get("/admin/core/rolegrant/").status_code == 302
    # The administrator's own clinical role still needs an existing second administrator.
    client.force_login(anna)
    client.post("/admin/core/rolegrant/add/", {"user": anna.pk, "department": dept_a.pk,
                                               "role": Role.CLINICAL_GENETICIST, "reason": "on call"})
    grant = RoleGrant.objects.get(user=anna, role=Role.CLINICAL_GENETICIST)
    with pytest.raises(PermissionDenied):
        role_grant_approve(grant_id=grant.pk, by=User.objects.get(username="sock"))
    assert not Membership.objects.filter(user=anna, role=Role.CLINICAL_GENETICIST).exists()
    role_grant_approve(grant_id=grant.pk, by=root)
    assert Membership.objects.filter(user=anna, role=Role.CLINICAL_GENETICIST).exists()


@pytest.mark.django_db
def test_a_password_an_administrator_sets_is_audited_and_must_be_changed_by_its_owner(client, root, alice, case_a):
    client.force_login(root)
    reset = client.post(f"/admin/core/user/{alice.pk}/password/",
                        {"password1": "Admin knows this 1", "password2": "Admin knows this 1",
                         "usable_password": "true"})
    assert reset.status_code == 302
    alice.refresh_from_db()
    assert alice.password_change_required
    row = AuditEvent.objects.get(object_type="password", details__account="alice")
    assert row.username == "root" and row.details["must_change"]
    # The administrator signs in as alice: nothing opens but the password change, and alice is told later.
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "alice", "password": "Admin knows this 1"})
    answer = client.get(f"/cases/{case_a.pk}/")
    assert answer.status_code == 302 and answer.url == reverse("password_change")
    assert client.get("/api/cases/").status_code == 403
    page = client.get(reverse("password_change"))
    assert b"set by someone else" in page.content
    new_password = "Only alice knows 7"
    client.post(reverse("password_change"), {"old_password": "Admin knows this 1", "new_password1": new_password,
                                             "new_password2": new_password})
    alice.refresh_from_db()
    assert not alice.password_change_required
    assert client.get(f"/cases/{case_a.pk}/").status_code == 200
    client.post(reverse("logout"))
    told = client.post(reverse("login"), {"username": "alice", "password": "Only alice knows 7"}, follow=True)
    assert b"your password was set by root" in told.content


@pytest.mark.django_db
def test_the_admin_site_shows_no_second_factor_secret_and_a_reset_is_audited(client, root, alice):
    device = enrolled(alice)
    client.force_login(root)
    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    for html in (listing, page):
        assert device.key not in html and "config_url" not in html
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code in (302, 404)
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    row = AuditEvent.objects.get(object_type="second_factor", details__change="removed")
    assert row.username == "root" and row.details == {"account": "alice", "change": "removed", "notice": True}


@pytest.mark.django_db
def test_a_token_never_changes_owner_nor_comes_back_once_revoked(client, root, alice, rita, dept_a):
    token, _ = api_token_create(user=rita, name="script", department_codes=[dept_a.code])
    client.force_login(root)
    client.post(f"/admin/core/apitoken/{token.pk}/change/", {"name": "renamed", "user": alice.pk,
                                                              "departments": [dept_a.pk], "revoked_at_0": ""})
    token.refresh_from_db()
    assert token.user == rita and token.name == "renamed"
    client.post("/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(object_type="api_token", details__revoked=True, username="root").exists()
    # Whatever writes the row, the database holds the owner and the revocation.
    for change in ({"user": alice}, {"revoked_at": None}, {"revoked_at": timezone.now()}):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(**change)
    assert ApiToken.objects.get(pk=token.pk).user == rita


@pytest.mark.django_db
def test_membership_and_account_rows_name_their_actor_on_every_channel(client, root, alice, dept_a):
    Membership.objects.create(user=alice, department=dept_a, role=Role.RESEARCHER)  # a shell or a command
    shell = AuditEvent.objects.filter(object_type="membership").latest("pk")
    assert shell.username.startswith("system: ")
    client.force_login(root)
    membership = Membership.objects.get(user=alice, role=Role.RESEARCHER)
    client.post(f"/admin/core/membership/{membership.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(object_type="membership", details__change="removed", username="root").exists()
    assert not AuditEvent.objects.filter(object_type__in=["membership", "account", "password"], username="").exists()


@pytest.mark.django_db
def test_a_flood_of_sign_ins_from_one_address_is_throttled_whatever_the_usernames(client, settings, alice,
                                                                                     monkeypatch):
    cache.clear()
    import core.authentication

    start = timezone.now().replace(second=1)
    monkeypatch.setattr(core.authentication.timezone, "now", lambda: start)  # one counting window, not a boundary
    settings.LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS = 10
    answers = [client.post(reverse("login"), {"username": f"user{n}", "password": "wrong"}).status_code
               for n in range(40)]
    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}
    assert AuditEvent.objects.filter(action="login_failed", object_type="session").count() == 10
    assert AuditEvent.objects.filter(action="access_denied", details__reason__icontains="throttled").count() == 1
    # the admin site's own sign-in is the same form
    assert client.get("/admin/login/").url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil",
                                    "javascript:alert(1)", " https://evil.example"])
def test_no_next_parameter_leads_off_the_site(client, alice, target):
    from interpret.reanalysis.models import Alert  # noqa: F401 - the route exists

    client.force_login(alice)
    answer = client.post(reverse("alert_action", args=[999999]), {"action": "acknowledge", "next": target})
    assert answer.status_code == 404  # no such alert: refused before any redirect
    from django.test import RequestFactory

    from core.web import local_next

    request = RequestFactory().post("/", {"next": target})
    assert local_next(request, default="/home/") == "/home/"
    assert local_next(RequestFactory().post("/", {"next": "/alerts/?state=open"}), default="/") == "/alerts/?state=open"
    verify = client.get(reverse("otp_verify") + "?next=" + target)
    assert target.strip() not in verify.content.decode().split('name="next" value="')[1].split('"')[0]


@pytest.mark.django_db
def test_a_token_starts_reanalyses_only_within_its_departments(client, alice, dept_a, dept_b):
    Membership.objects.create(user=alice, department=dept_b, role=Role.CLINICAL_GENETICIST)
    _, raw = api_token_create(user=alice, name="a-only", department_codes=[dept_a.code])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    refused = client.post("/api/reanalyses/", {"trigger": "classification", "department": dept_b.code},
                          content_type="application/json", **headers)
    assert refused.status_code == 403
    started = client.post("/api/reanalyses/", {"trigger": "classification"}, content_type="application/json",
                          **headers)
    assert started.status_code == 202 and started.json()["scope"]["departments"] == [dept_a.code]
    # the user's own reanalysis of both departments is not the token's to read
    client.force_login(alice)
    both = client.post("/api/reanalyses/", {"trigger": "classification"}, content_type="application/json").json()
    assert both["scope"]["departments"] == sorted([dept_a.code, dept_b.code])
    client.logout()
    assert client.get(f"/api/reanalyses/{both['id']}/", **headers).status_code == 404
