"""Issue 25 in the browser: the kepsek (signed in with a second factor) hands a bk a one-time
enrolment code, the bk needs it before any QR code is shown; too many failed sign-ins show
the lockout page (for one account, and for a whole network). Screenshots at 390 and 1366 px
go to $SMK_SHOTS_DIR when it is set."""

import os
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from students.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REQUIRED = ["bk", "kepsek", "operator", "sudin"]


def shoot(page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("SMK_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 844})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_the_kepsek_hands_a_bk_the_code_that_opens_enrolment(
    browser, live_server, make_user, school, settings, tmp_path
):
    settings.REQUIRE_2FA_ROLES = REQUIRED
    kepsek = make_user(Role.KEPSEK, school=school, first_name="Ratna", last_name="Dewi")
    device = TOTPDevice.objects.create(user=kepsek, name="app", confirmed=True)
    bk = make_user(Role.BK, school=school, first_name="Yusuf", last_name="Hidayat")

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/enrolment-codes/")
    page.fill("#id_username", kepsek.username)
    page.fill("#id_password", "rahasia-uji-123")
    page.click("button[type=submit]")
    page.fill("#id_code", totp_now(device))
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/enrolment-codes/")
    assert "Yusuf Hidayat" in page.content()
    shoot(page, "enrolment-codes", tmp_path)
    page.click("button[name=user]")
    code = page.get_by_test_id("issued-code").locator(".font-monospace").inner_text().strip()
    assert len(code) == 11 and code[5] == "-"
    shoot(page, "enrolment-code-issued", tmp_path)
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", bk.username)
    page.fill("#id_password", "rahasia-uji-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/2fa/**")
    assert page.locator(".two-factor-qr svg").count() == 0  # no secret before the code
    shoot(page, "enrolment-code-step", tmp_path)
    page.fill("#id_enrolment_code", "SALAH-SALAH")
    page.click("button[name=action]")
    assert "Kode pendaftaran salah" in page.content()
    shoot(page, "enrolment-code-wrong", tmp_path)
    page.fill("#id_enrolment_code", code.lower())
    page.click("button[name=action]")
    assert page.locator(".two-factor-qr svg").count() == 1
    context.close()


def test_the_lockout_pages_for_an_account_and_for_a_network(
    browser, live_server, make_user, school, settings, tmp_path
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    guru = make_user(Role.GURU, school=school)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()

    def attempt(name: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", name)
        page.fill("#id_password", "tebakan-salah")
        page.click("button[type=submit]")

    for _ in range(3):
        attempt(guru.username)
    assert "Akun dikunci sementara" in page.content()
    shoot(page, "lockout-account", tmp_path)
    for name in ("budi", "sari", "andi"):
        attempt(name)
    assert "jaringan ini" in page.content()
    shoot(page, "lockout-network", tmp_path)
    context.close()
