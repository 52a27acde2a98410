"""Error answers: the friendly Indonesian pages (templates/400.html ...), or JSON under /api/
so that API clients always get the content type the schema documents. Never a stack trace."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Permintaan tidak sah.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Anda tidak memiliki izin.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Tidak ditemukan.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Terjadi kesalahan di server.")}, status=500)
    return defaults.server_error(request)
