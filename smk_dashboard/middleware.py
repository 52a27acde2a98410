import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from smk_dashboard.core.audit import audit_log


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header: no inline scripts, no third-party origins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class NoStoreWhenSignedInMiddleware:
    """Every answer to a signed-in user (pages, exports, API) is marked `Cache-Control:
    no-store`: schools share computers, and the browser's cache must not keep a student's
    profile or a class export for the next person at the keyboard."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view: DRF puts a token-authenticated user on the Django request too.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class AuditDeniedReadMiddleware:
    """A signed-in request to a page or endpoint that answers 404 (a student, class or
    intervention of another school or outside the user's classes: the app never says
    "forbidden" for those) is written to the audit trail as `access.not_found`, with the view
    and the ids asked for, under the user's school (issue 25, finding 12). Unknown URLs
    (nothing resolved) are not: scanners would fill the trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if (
            response.status_code == 404
            and match is not None
            and user is not None
            and user.is_authenticated
        ):
            asked = {k: str(v)[:40] for k, v in match.kwargs.items()}
            asked.update(
                {k: request.GET.get(k, "")[:40] for k in _ID_PARAMETERS if k in request.GET}
            )
            audit_log(
                action="access.not_found",
                request=request,
                detail={"view": match.view_name, "path": request.path[:200], "ids": asked},
            )
        return response


# Query parameters that name a record (the new-intervention form, the letter form, ...).
_ID_PARAMETERS = ("student", "prediction", "referral", "todo", "class", "intervention")


class SessionIdleTimeoutMiddleware:
    """Turns SESSION_COOKIE_AGE into an idle timeout: each request of a signed-in user moves
    the session's expiry forward (cookie and database row). To avoid a database write per
    request it does so at most once a minute, so a session ends after SESSION_COOKIE_AGE
    seconds without any request (up to a minute earlier)."""

    KEY = "_last_activity"
    EVERY_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or session.session_key is None or user is None:
            return response
        if user.is_authenticated:
            mark_session_active(session)
        return response


def mark_session_active(session, *, now: float | None = None) -> None:
    """Record activity; the session middleware then saves it with a fresh expiry."""
    now = time.time() if now is None else now
    last = session.get(SessionIdleTimeoutMiddleware.KEY, 0)
    if now - last >= SessionIdleTimeoutMiddleware.EVERY_SECONDS:
        session[SessionIdleTimeoutMiddleware.KEY] = int(now)


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Indonesian on a first visit whatever the browser asks for (many teachers' phones are
    set to English): the language is English only when the reader chose it with the switch
    in the navigation bar (Django's `set_language`, remembered in the language cookie for a
    year). Django's own LocaleMiddleware would follow the Accept-Language header."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        known = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
