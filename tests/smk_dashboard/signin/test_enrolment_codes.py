"""Issue 25, finding 11: the first two-factor enrolment of a role that must use it needs a
one-time code from the school's operator or kepsek; the code is hashed at rest, used once and
expires. Whoever has only the password sees no secret and can enrol nothing."""

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from smk_dashboard.core.models import AuditEvent
from smk_dashboard.signin.enrolment import EnrolmentCode, normalise_enrolment_code
from students.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-uji-123"
REQUIRED = ["bk", "kepsek", "operator", "sudin"]


@pytest.fixture(autouse=True)
def _required(settings):
    settings.REQUIRE_2FA_ROLES = REQUIRED


def sign_in(username: str) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def issue(issuer_client: Client, user) -> str:
    page = issuer_client.post("/accounts/enrolment-codes/", {"user": user.pk})
    assert page.status_code == 200
    return page.context["issued"]["code"]


def enrolled_kepsek(make_user, school):
    """A kepsek who already has an app (the school's first, via the command)."""
    kepsek = make_user(Role.KEPSEK, school=school)
    TOTPDevice.objects.create(user=kepsek, name="app", confirmed=True)
    client = Client()
    client.force_login(kepsek)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=kepsek).persistent_id
    session.save()
    return kepsek, client


def totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_the_password_alone_shows_no_secret_and_enrols_nothing(make_user, school):
    bk = make_user(Role.BK, school=school)
    client = sign_in(bk.username)
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert (
        "two-factor-qr" not in page.content.decode() and "Kode pendaftaran" in page.content.decode()
    )
    assert not TOTPDevice.objects.filter(user=bk).exists()
    # Posting a confirmation straight away does not enrol either.
    client.post("/accounts/2fa/", {"action": "confirm", "code": "123456"})
    assert not TOTPDevice.objects.filter(user=bk, confirmed=True).exists()
    assert client.get("/students/risk/").status_code == 302


def test_a_code_from_the_kepsek_lets_the_bk_enrol_once(make_user, school):
    _kepsek, kepsek_client = enrolled_kepsek(make_user, school)
    bk = make_user(Role.BK, school=school)
    code = issue(kepsek_client, bk)
    row = EnrolmentCode.objects.get(user=bk)
    assert normalise_enrolment_code(code) not in row.code_hash  # hashed at rest
    assert AuditEvent.objects.filter(action="2fa.enrolment_code", target_id=str(bk.pk)).exists()

    client = sign_in(bk.username)
    wrong = client.post(
        "/accounts/2fa/", {"action": "enrolment_code", "enrolment_code": "ABCDE-FGHJK"}
    )
    assert "salah" in wrong.content.decode()
    ok = client.post("/accounts/2fa/", {"action": "enrolment_code", "enrolment_code": code.lower()})
    assert ok.status_code == 302
    page = client.get("/accounts/2fa/")
    assert "two-factor-qr" in page.content.decode()
    device = TOTPDevice.objects.get(user=bk, confirmed=False)
    done = client.post("/accounts/2fa/", {"action": "confirm", "code": totp_now(device)})
    assert done.status_code == 200 and done.context["codes"]
    assert client.get("/students/risk/").status_code == 200
    # Used once: another session with the same code gets nowhere.
    TOTPDevice.objects.filter(user=bk).delete()
    again = sign_in(bk.username)
    reused = again.post("/accounts/2fa/", {"action": "enrolment_code", "enrolment_code": code})
    assert reused.status_code == 200 and "salah" in reused.content.decode()


def test_an_expired_code_is_refused(make_user, school):
    _kepsek, kepsek_client = enrolled_kepsek(make_user, school)
    operator = make_user(Role.OPERATOR, school=school)
    code = issue(kepsek_client, operator)
    EnrolmentCode.objects.filter(user=operator).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )
    client = sign_in(operator.username)
    response = client.post("/accounts/2fa/", {"action": "enrolment_code", "enrolment_code": code})
    assert response.status_code == 200 and "kedaluwarsa" in response.content.decode()


def test_codes_are_given_only_to_the_issuers_own_school_and_never_to_oneself(
    make_user, school, other_school
):
    kepsek, kepsek_client = enrolled_kepsek(make_user, school)
    stranger = make_user(Role.BK, school=other_school)
    assert (
        kepsek_client.post("/accounts/enrolment-codes/", {"user": stranger.pk}).status_code == 404
    )
    assert kepsek_client.post("/accounts/enrolment-codes/", {"user": kepsek.pk}).status_code == 404
    listed = kepsek_client.get("/accounts/enrolment-codes/").context["rows"]
    assert stranger not in [u for u, _p in listed]
    assert not EnrolmentCode.objects.exists()


def test_other_roles_cannot_open_the_page(make_user, school):
    for role in (Role.GURU, Role.WALIKELAS):
        client = Client()
        client.force_login(make_user(role, school=school))
        assert client.get("/accounts/enrolment-codes/").status_code == 403


def test_an_unverified_kepsek_cannot_issue_codes(make_user, school):
    kepsek = make_user(Role.KEPSEK, school=school)
    client = sign_in(kepsek.username)
    response = client.get("/accounts/enrolment-codes/")
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/")


def test_the_command_issues_a_code_for_the_first_account(make_user, school, capsys):
    operator = make_user(Role.OPERATOR, school=school)
    call_command("two_factor_enrolment_code", operator.username)
    code = capsys.readouterr().out.strip()
    assert len(normalise_enrolment_code(code)) == 10
    assert EnrolmentCode.objects.filter(user=operator, used_at__isnull=True).count() == 1
