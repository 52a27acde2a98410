"""Two-factor sign-in (TOTP authenticator apps and one-time recovery codes) with django-otp.

- Every signed-in user may enrol at /accounts/2fa/. A user with a confirmed device is asked for
  a code after the password on every new sign-in (TwoFactorMiddleware sends them to
  /accounts/2fa/verify/ until the session is verified).
- Users whose role is in settings.REQUIRE_2FA_ROLES reach no page until they have enrolled and
  verified; the API token endpoint asks them for a code too (smk_dashboard/api/views.py).
- Wrong codes are throttled per device by django-otp and written to the audit trail.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smk_dashboard.core.audit import audit_log
from smk_dashboard.middleware import mark_session_active

RECOVERY_CODE_COUNT = 10
# Set at sign-in: whether this account has a confirmed device (so the middleware asks for a
# code without querying the devices on every request).
SESSION_HAS_DEVICE = "smk_2fa_device"
# Paths an unverified session may still open: signing in and out, the two-factor pages
# themselves, language switching, static files and the probes.
EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/i18n/",
    "/static/",
    "/favicon.ico",
    "/healthz",
    "/readyz",
    "/metrics",
)


def two_factor_required(user) -> bool:
    """Whether the user's role must sign in with a second factor (REQUIRE_2FA_ROLES)."""
    return bool(getattr(user, "role", "")) and user.role in settings.REQUIRE_2FA_ROLES


def normalise_code(code: str) -> str:
    """What people type: spaces and dashes dropped, recovery codes in any case."""
    return "".join(ch for ch in str(code) if ch not in " -\t").lower()[:32]


def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator device (a new secret if none is pending)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="aplikasi", confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL of a device as an inline SVG QR code (no image request, no CDN)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    # Drop the XML declaration: the SVG sits inside the HTML page.
    return svg[svg.index("<svg") :]


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an app without a camera."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def recovery_codes_create(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new one-time codes."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="kode-pemulihan", confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_enrol_confirm(
    *, user, device: TOTPDevice, code: str, request: HttpRequest | None = None
) -> list[str] | None:
    """Confirm a pending authenticator with a code it shows. On success the device replaces
    any earlier one, new recovery codes are made (returned, to be shown once) and the event is
    audited; a wrong code returns None and is audited as a failure."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        ok = device.verify_token(normalise_code(code))
        if ok:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    if not ok:
        audit_log(
            action="login.2fa_failed",
            user=user,
            request=request,
            target=user,
            detail={"step": "enrol"},
        )
        return None
    codes = recovery_codes_create(user=user)
    audit_log(action="2fa.enrol", user=user, request=request, target=user)
    return codes


def _device_model(code: str) -> type[Device]:
    # Digits are an app's code, anything else a recovery code: a recovery code typed by
    # someone must not count as a wrong TOTP code (and slow the app down), nor the other way.
    return TOTPDevice if code.isdigit() and len(code) <= 8 else StaticDevice


def two_factor_verify(*, user, code: str, request: HttpRequest | None = None) -> Device | None:
    """The confirmed device that accepts `code` (a 6-digit TOTP code, or a recovery code,
    which is then used up), or None. A failure is audited; django-otp throttles the device."""
    code = normalise_code(code)
    model = _device_model(code)
    matched = None
    throttled = False
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                matched = device
                break
    if matched is None:
        audit_log(
            action="login.2fa_failed",
            user=user,
            request=request,
            target=user,
            detail={"kind": model.__name__, "throttled": throttled},
        )
        return None
    audit_log(
        action="login.2fa_success",
        user=user,
        request=request,
        target=user,
        detail={"kind": "recovery_code" if model is StaticDevice else "totp"},
    )
    return matched


def two_factor_throttled(*, user, code: str) -> bool:
    """Whether recent wrong codes make the devices that would check `code` wait for now
    (django-otp doubles the wait after each failure: 1 s, 2 s, 4 s ...)."""
    model = _device_model(normalise_code(code))
    devices = list(model.objects.devices_for_user(user, confirmed=True))
    return bool(devices) and all(not d.verify_is_allowed()[0] for d in devices)


@receiver(user_logged_in, dispatch_uid="two_factor_session_flags")
def _remember_device_at_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_HAS_DEVICE] = user_has_device(user)
    # Signing in is activity: the idle clock starts now (no extra write on the next page).
    mark_session_active(request.session, now=time.time())


class TwoFactorMiddleware:
    """Sends a signed-in session that still owes a second factor to the code page (or to
    enrolment, for roles that must have one) before any other page. The API answers 403 JSON
    to such a session; token-authenticated API calls pass, their token was issued after 2FA."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            if request.session.get(SESSION_HAS_DEVICE):
                target = "two_factor_verify"
            elif two_factor_required(user):
                target = "two_factor"
            else:
                return self.get_response(request)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Selesaikan verifikasi dua langkah di /accounts/2fa/ dahulu.")},
                    status=403,
                )
            return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
