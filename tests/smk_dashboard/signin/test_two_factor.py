"""Two-factor sign-in (/accounts/2fa/, django-otp): enrolment with a real TOTP code, the code
step after the password, recovery codes, roles that must use it, API tokens and the audit."""

import time
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from smk_dashboard.core.models import AuditEvent
from smk_dashboard.signin.enrolment import enrolment_code_issue
from students.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-uji-123"
REQUIRED = ["bk", "kepsek", "operator", "sudin"]


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def a_wrong_code(device: TOTPDevice) -> str:
    valid = {totp_code(device, k) for k in (-1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in valid)


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "password step failed"
    return client


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Open /accounts/2fa/, type the current code of the QR's secret, return device and codes."""
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    response = client.post("/accounts/2fa/", {"action": "confirm", "code": totp_code(device)})
    assert response.status_code == 200
    return TOTPDevice.objects.get(pk=device.pk), response.context["codes"]


@pytest.fixture
def enrolled(make_user, school):
    """A walikelas (no 2FA duty) who has enrolled an authenticator app."""
    user = make_user(Role.WALIKELAS, school=school)
    device, codes = enrol(sign_in(user.username))
    return user, device, codes


def test_enrolment_with_a_real_totp_code_turns_two_factor_on(make_user, school):
    user = make_user(Role.GURU, school=school)
    client = sign_in(user.username)
    device, codes = enrol(client)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert AuditEvent.objects.filter(action="2fa.enrol", user=user).count() == 1
    # This session passed the code step: the status page, not a second enrolment.
    page = client.get("/accounts/2fa/")
    assert page.context["enrolled"] is True and page.context["codes_left"] == 10


def test_the_enrolment_page_shows_the_secret_for_typing_and_an_inline_qr_code(make_user, school):
    client = sign_in(make_user(Role.GURU, school=school).username)
    page = client.get("/accounts/2fa/").content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert secret[:4] in page
    assert "<path" in svg and "href" not in svg  # drawn inline, nothing fetched


def test_a_wrong_enrolment_code_is_refused_and_audited(make_user, school):
    user = make_user(Role.GURU, school=school)
    client = sign_in(user.username)
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/2fa/", {"action": "confirm", "code": a_wrong_code(device)})
    assert response.status_code == 200
    assert "Kode salah" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    event = AuditEvent.objects.get(action="login.2fa_failed")
    assert event.user == user and event.detail == {"step": "enrol"}


def test_after_the_password_a_user_with_a_device_must_give_the_code(enrolled):
    user, device, _codes = enrolled
    client = sign_in(user.username)
    response = client.get("/students/risk/")
    assert response.status_code == 302
    assert unquote(response.url) == "/accounts/2fa/verify/?next=/students/risk/"
    # A wrong code: refused, audited, still no page.
    wrong = client.post("/accounts/2fa/verify/", {"code": a_wrong_code(device)})
    assert wrong.status_code == 200 and "Kode salah" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="login.2fa_failed", user=user).exists()
    assert client.get("/students/risk/").status_code == 302
    # The right code (the app's next one: the enrolment used up the current step).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post(
        "/accounts/2fa/verify/", {"code": totp_code(device, 1), "next": "/students/risk/"}
    )
    assert right.status_code == 302 and right.url == "/students/risk/"
    assert client.get("/students/risk/").status_code == 200
    assert AuditEvent.objects.filter(action="login.2fa_success", user=user).exists()


def test_the_code_step_never_redirects_to_another_site(enrolled):
    user, device, _codes = enrolled
    client = sign_in(user.username)
    response = client.post(
        "/accounts/2fa/verify/", {"code": totp_code(device, 1), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == "/"


def test_a_recovery_code_works_once(enrolled):
    user, _device, codes = enrolled
    first = sign_in(user.username)
    response = first.post("/accounts/2fa/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    second = sign_in(user.username)
    again = second.post("/accounts/2fa/verify/", {"code": codes[0]})
    assert again.status_code == 200
    assert second.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        action="login.2fa_failed", user=user, detail__kind="StaticDevice"
    ).exists()


def test_repeated_wrong_codes_are_throttled(enrolled):
    user, device, _codes = enrolled
    client = sign_in(user.username)
    client.post("/accounts/2fa/verify/", {"code": a_wrong_code(device)})
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
    # After five failures in a row django-otp makes the device wait 16 s (doubling each time):
    # even the right code is refused until then.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    response = client.post("/accounts/2fa/verify/", {"code": totp_code(device, 1)})
    assert "Terlalu banyak kode salah" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_bk_with_two_factor_required_cannot_reach_any_page_without_a_code(
    make_user, school, settings
):
    settings.REQUIRE_2FA_ROLES = REQUIRED
    bk = make_user(Role.BK, school=school)
    client = sign_in(bk.username)
    for path in ("/", "/students/risk/", "/interventions/", "/privacy/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert unquote(response.url) == f"/accounts/2fa/?next={path}", path
    # The API with the session cookie: refused as JSON, not redirected.
    api = client.get("/api/v1/students/")
    assert api.status_code == 403 and "verifikasi dua langkah" in api.json()["detail"]
    page = client.get("/accounts/2fa/")
    assert "wajib" in page.content.decode()
    # The one-time enrolment code from the kepsek first, then the app's code opens the pages.
    code = enrolment_code_issue(issuer=make_user(Role.KEPSEK, school=school), user=bk)
    client.post("/accounts/2fa/", {"action": "enrolment_code", "enrolment_code": code})
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=bk)
    client.post("/accounts/2fa/", {"action": "confirm", "code": totp_code(device)})
    assert client.get("/students/risk/").status_code == 200
    # The next sign-in asks for the code again before any page.
    fresh = sign_in(bk.username)
    assert fresh.get("/students/risk/").url.startswith("/accounts/2fa/verify/")


def test_roles_without_the_duty_are_not_forced(make_user, school, settings):
    settings.REQUIRE_2FA_ROLES = REQUIRED
    client = sign_in(make_user(Role.GURU, school=school).username)
    assert client.get("/students/risk/").status_code == 200


def test_a_token_for_an_account_with_two_factor_needs_the_code(enrolled):
    user, device, _codes = enrolled
    client = APIClient()
    url = "/api/v1/auth/token/"
    body = {"username": user.username, "password": PASSWORD}
    missing = client.post(url, body, format="json")
    assert missing.status_code == 400
    assert "token" not in missing.json()
    wrong = client.post(url, {**body, "otp": a_wrong_code(device)}, format="json")
    assert wrong.status_code == 400
    # A wrong password reads exactly like a right one without its code.
    bad_password = client.post(url, {**body, "password": "salah-sekali"}, format="json")
    assert bad_password.status_code == missing.status_code == wrong.status_code
    assert bad_password.json() == missing.json() == wrong.json()
    assert AuditEvent.objects.filter(
        action="api.token.second_factor", user=user, detail={"reason": "code_missing"}
    ).exists()
    assert AuditEvent.objects.filter(action="login.2fa_failed", user=user).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post(url, {**body, "otp": totp_code(device, 1)}, format="json")
    assert right.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert client.get("/api/v1/students/").status_code == 200


def test_no_token_for_a_required_role_that_has_not_enrolled(make_user, school, settings):
    settings.REQUIRE_2FA_ROLES = REQUIRED
    kepsek = make_user(Role.KEPSEK, school=school)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": kepsek.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400 and "/accounts/2fa/" in response.json()["detail"]
    wrong = APIClient().post(
        "/api/v1/auth/token/", {"username": kepsek.username, "password": "salah"}, format="json"
    )
    assert wrong.json() == response.json()
    assert AuditEvent.objects.filter(
        action="api.token.second_factor", user=kepsek, detail={"reason": "not_enrolled"}
    ).exists()


def test_a_token_without_two_factor_works_as_before_for_other_users(make_user, school, settings):
    settings.REQUIRE_2FA_ROLES = REQUIRED
    guru = make_user(Role.GURU, school=school)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": guru.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200 and response.json()["token"]


def test_a_locked_out_sign_in_is_audited(make_user, school, settings):
    user = make_user(Role.GURU, school=school)
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "salah-terus"})
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    event = AuditEvent.objects.filter(action="login.locked_out").first()
    assert event is not None
    assert event.detail == {"username": user.username, "scope": "account"}
