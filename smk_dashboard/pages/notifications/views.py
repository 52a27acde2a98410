"""The "Pemberitahuan" page: the signed-in person's notifications, mark read (one or all),
and the daily e-mail digest choice. Every signed-in user has one; nobody sees another's."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smk_dashboard.core.notifications import notifications_mark_read

from . import selectors, services

PAGE_SIZE = 30


class _Ids(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(v, v) for v in self.data.getlist("ids") if v.isdigit()]


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE)
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page.get_page(request.GET.get("page")),
            "daily_digest": selectors.digest_preference(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark read: the notifications of `ids`, or all of them. With `next`, go on to the page
    the notification points at (a click on it reads it)."""
    form = _Ids(request.POST)
    ids = form.cleaned_data["ids"] if form.is_valid() and form.cleaned_data["ids"] else None
    notifications_mark_read(user=request.user, ids=ids)
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    on = services.digest_preference_set(
        user=request.user, daily_digest=request.POST.get("daily_digest") == "on", request=request
    )
    if on and not request.user.email:
        messages.warning(
            request,
            _("Ringkasan harian aktif, tetapi akun Anda belum punya alamat e-mail. "
              "Minta operator mengisinya."),
        )  # fmt: skip
    else:
        messages.success(
            request,
            _("Ringkasan harian lewat e-mail aktif.") if on else _("Ringkasan harian dimatikan."),
        )
    return redirect("notifications:list")
