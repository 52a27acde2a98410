"""Lockouts: per (user name, address) by django-axes, and per address across all user names
(issue 25, finding 10), with what a locked-out client sees (a friendly page, or JSON).

django-axes counts failures per combination of its lockout parameters with one limit for all
of them. A per-address limit the size of the per-user one (5) would lock a whole school behind
one NAT address after five mistakes, so the address has its own, larger limit
(LOGIN_ADDRESS_FAILURE_LIMIT failures within AXES_COOLOFF_TIME, over every user name tried
from it), read from the attempts axes already records.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

ADDRESS_LOCKED = "smk_address_locked"


def address_failures(ip_address: str | None) -> int:
    """Failed sign-ins from this address within the cool-off window, whatever the name."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def address_locked(request: HttpRequest) -> bool:
    ip = getattr(request, "axes_ip_address", None)
    return address_failures(ip) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class AddressLimitHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-address limit."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_locked(request):
            setattr(request, ADDRESS_LOCKED, True)
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if address_locked(request):
            # The failure that reached the address limit: this request is answered as a
            # lockout, and the lockout is signalled (and audited) once, as axes does.
            setattr(request, ADDRESS_LOCKED, True)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=(credentials or {}).get("username"),
                ip_address=request.axes_ip_address,
            )


def lockout_response(request: HttpRequest, original_response=None, credentials=None):  # noqa: ARG001
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    status = settings.AXES_HTTP_RESPONSE_CODE
    by_address = bool(getattr(request, ADDRESS_LOCKED, False))
    if request.path.startswith("/api/"):
        message = _(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah %(minutes)d menit."
        ) % {"minutes": minutes}
        response = JsonResponse({"detail": message}, status=status)
    else:
        response = render(
            request,
            "registration/lockout.html",
            {
                "minutes": minutes,
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "by_address": by_address,
            },
            status=status,
        )
    response["Retry-After"] = str(minutes * 60)
    return response
