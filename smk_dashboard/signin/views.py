"""/accounts/2fa/ (enrolment, recovery codes) and /accounts/2fa/verify/ (the code step after
the password). The rules live in smk_dashboard/signin/two_factor.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from smk_dashboard.core.access import role_required
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.params import parse_id

from .enrolment import (
    ISSUER_ROLES,
    SESSION_ENROL_ALLOWED,
    enrolment_candidates,
    enrolment_code_issue,
    enrolment_code_redeem,
    pending_codes,
)
from .two_factor import (
    SESSION_HAS_DEVICE,
    recovery_codes_create,
    recovery_codes_left,
    totp_device_for_enrolment,
    totp_qr_svg,
    totp_secret_text,
    two_factor_enrol_confirm,
    two_factor_required,
    two_factor_throttled,
    two_factor_verify,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "class": "form-control form-control-lg text-center",
            }
        ),
    )


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Status and enrolment. With a confirmed device: recovery codes can be renewed and the app
    replaced (after this session passed the code step). Without one: QR code and a code field."""
    user = request.user
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_device and not user.is_verified():
        return redirect(reverse("two_factor_verify") + "?next=" + reverse("two_factor"))
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "recovery" and has_device:
        codes = recovery_codes_create(user=user)
        audit_log(action="2fa.recovery_codes", request=request, target=user)
        return render(request, "registration/two_factor_codes.html", {"codes": codes})
    replacing = has_device and (request.GET.get("ganti") == "1" or action == "confirm")
    if has_device and not replacing:
        return render(
            request,
            "registration/two_factor.html",
            {
                "enrolled": True,
                "codes_left": recovery_codes_left(user=user),
                "required": two_factor_required(user),
                "can_issue_codes": user.is_superuser or user.role in ISSUER_ROLES,
            },
        )
    if (
        not has_device
        and two_factor_required(user)
        and request.session.get(SESSION_ENROL_ALLOWED) != user.pk
    ):
        return _enrolment_code_step(request, action)
    device = totp_device_for_enrolment(user=user)
    form = CodeForm(request.POST if action == "confirm" else None)
    if action == "confirm" and form.is_valid():
        codes = two_factor_enrol_confirm(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            otp_login(request, TOTPDevice.objects.get(pk=device.pk))
            request.session[SESSION_HAS_DEVICE] = True
            request.session.pop(SESSION_ENROL_ALLOWED, None)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "enrolled_now": True, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            _("Kode salah. Periksa jam ponsel Anda dan masukkan kode yang sedang tampil."),
        )
    return render(
        request,
        "registration/two_factor.html",
        {
            "enrolled": False,
            "replacing": replacing,
            "form": form,
            "qr_svg": totp_qr_svg(device),
            "secret": totp_secret_text(device),
            "required": two_factor_required(user),
            "next": request.GET.get("next", ""),
        },
    )


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label=gettext_lazy("Kode pendaftaran"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autofocus": True,
                "class": "form-control form-control-lg text-center",
            }
        ),
    )


def _enrolment_code_step(request: HttpRequest, action: str) -> HttpResponse:
    """First enrolment of a role that must use two-factor sign-in: the one-time code from the
    operator or kepsek comes first; only then is a secret made and its QR code shown."""
    user = request.user
    form = EnrolmentCodeForm(request.POST if action == "enrolment_code" else None)
    if action == "enrolment_code" and form.is_valid():
        if enrolment_code_redeem(
            user=user, code=form.cleaned_data["enrolment_code"], request=request
        ):
            # Any secret made before (shown to whoever had the password) is dropped.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            request.session[SESSION_ENROL_ALLOWED] = user.pk
            return redirect(request.get_full_path())
        form.add_error(
            "enrolment_code",
            _("Kode pendaftaran salah, sudah dipakai, atau kedaluwarsa. Minta kode baru."),
        )
    return render(
        request,
        "registration/two_factor_enrolment_code.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@role_required(ISSUER_ROLES)
@require_http_methods(["GET", "POST"])
def enrolment_codes(request: HttpRequest) -> HttpResponse:
    """/accounts/enrolment-codes/ (operator, kepsek): the school's staff who must enrol a
    second factor and have not yet, and a button that issues each a one-time code."""
    issued = None
    candidates = enrolment_candidates(issuer=request.user)
    if request.method == "POST":
        target = get_object_or_404(candidates, pk=parse_id(request.POST.get("user")) or 0)
        issued = {
            "user": target,
            "code": enrolment_code_issue(issuer=request.user, user=target, request=request),
            "hours": settings.TWO_FACTOR_ENROLMENT_CODE_HOURS,
        }
    users = list(candidates.select_related("school"))
    pending = pending_codes(users=users)
    response = render(
        request,
        "registration/enrolment_codes.html",
        {"rows": [(u, pending.get(u.pk)) for u in users], "issued": issued},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """The code step after the password, for an account with a confirmed device."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(user):
        return redirect(reverse("two_factor") + "?next=" + _next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_throttled(user=user, code=form.cleaned_data["code"]):
            audit_log(
                action="login.2fa_failed",
                request=request,
                target=user,
                detail={"throttled": True},
            )
            form.add_error("code", _("Terlalu banyak kode salah. Tunggu sebentar, lalu coba lagi."))
        else:
            device = two_factor_verify(user=user, code=form.cleaned_data["code"], request=request)
            if device is not None:
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(
                        request,
                        _(
                            "Anda masuk dengan kode pemulihan; kode itu tidak berlaku lagi. "
                            "Sisa kode pemulihan: %(n)d."
                        )
                        % {"n": recovery_codes_left(user=user)},
                    )
                return redirect(_next_url(request))
            form.add_error("code", _("Kode salah atau sudah dipakai."))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )
