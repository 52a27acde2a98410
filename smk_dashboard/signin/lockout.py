"""What a locked-out client sees: a friendly page, or JSON for the API."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, original_response=None, credentials=None):  # noqa: ARG001
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        message = _(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah %(minutes)d menit."
        ) % {"minutes": minutes}
        return JsonResponse({"detail": message}, status=status)
    response: HttpResponse = render(
        request,
        "registration/lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=status,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
