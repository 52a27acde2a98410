"""One click each (POST, CSRF): mark a to-do done, reopen it, give it to someone else, move
its date (issue 24). Each calls one service and goes back where the click came from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smk_dashboard.core.access import allowed

from . import permissions, selectors, services
from .forms import ReassignForm, RescheduleForm


def _back(request: HttpRequest) -> HttpResponse:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("home")


def _run(request: HttpRequest, call, success: str) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return _back(request)


@allowed(permissions.can_use_todos)
@require_POST
def todo_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.action_item_get(user=request.user, pk=pk)
    return _run(
        request,
        lambda: services.action_item_done(user=request.user, item=item, request=request),
        _("Tugas ditandai selesai."),
    )


@allowed(permissions.can_use_todos)
@require_POST
def todo_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.action_item_get(user=request.user, pk=pk)
    return _run(
        request,
        lambda: services.action_item_reopen(user=request.user, item=item, request=request),
        _("Tugas dibuka lagi."),
    )


@allowed(permissions.can_use_todos)
@require_POST
def todo_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.action_item_get(user=request.user, pk=pk)
    form = ReassignForm(request.POST, staff=selectors.staff_choices(school_id=item.school_id))
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(request)
    owner = form.cleaned_data["owner"]
    return _run(
        request,
        lambda: services.action_item_reassign(
            user=request.user, item=item, owner=owner, request=request
        ),
        _("Tugas diberikan kepada %(name)s.") % {"name": owner.get_full_name() or owner},
    )


@allowed(permissions.can_use_todos)
@require_POST
def todo_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.action_item_get(user=request.user, pk=pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(request)
    return _run(
        request,
        lambda: services.action_item_reschedule(
            user=request.user,
            item=item,
            due_date=form.cleaned_data["due_date"],
            request=request,
        ),
        _("Batas waktu tugas diubah."),
    )
