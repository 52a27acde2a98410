"""The audit log page (/audit/): kepsek and operator read their own school's entries."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.audit import audit_events_for_user
from smk_dashboard.core.roles import AUDIT_READER_ROLES


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Tindakan"), required=False, max_length=40)
    username = forms.CharField(label=_("Pengguna"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Dari tanggal"), required=False)
    date_to = forms.DateField(label=_("Sampai tanggal"), required=False)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or request.user.role in AUDIT_READER_ROLES):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for_user(user=request.user, filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
