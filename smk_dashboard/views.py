from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interventions.selectors import home_context as intervention_home_context
from students.selectors import home_summary

from .health import readiness


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page of the user's role: what the role needs to act on, with real counts."""
    role = request.user.role or "admin"
    context = {"summary": home_summary(user=request.user), "role": role}
    context.update(intervention_home_context(user=request.user))
    return render(request, f"home/{role}.html", context)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on every page without a <link rel="icon">."""
    return redirect(static("favicon.svg"))


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It touches no dependency."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, the broker and the model storage answer."""
    report = readiness()
    return JsonResponse(report, status=200 if report["ready"] else 503)
