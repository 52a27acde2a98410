"""Pages for referrals to bk (issue 14): a teacher refers a student; bk declines one with a
reason, after a confirmation page (issue 24). Accepting goes through the intervention create
page, `?referral=<id>`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interventions.cases import permissions
from interventions.cases.selectors import student_scope_get
from smk_dashboard.core.access import allowed
from smk_dashboard.core.audit import audit_log

from . import selectors, services
from .forms import BkReferralForm, DeclineForm


@allowed(permissions.can_refer_to_bk)
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, student_id: int) -> HttpResponse:
    student = student_scope_get(user=request.user, pk=student_id)
    if request.method == "GET":  # the form names the student: a read of their data
        audit_log(action="student.view", request=request, target=student, detail={"via": "rujuk"})
    form = BkReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(
                user=request.user, student=student, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Rujukan dikirim ke guru BK."))
            return redirect("students:profile", student_id=student.pk)
    return render(
        request,
        "interventions/referral_form.html",
        {
            "form": form,
            "student": student,
            "referrals": selectors.student_referrals(user=request.user, student=student),
        },
    )


@allowed(permissions.can_handle_referrals)
@require_http_methods(["GET", "POST"])
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page (the referral, a reason to choose, words for the teacher).
    POST: decline it."""
    referral = selectors.open_referral_get(user=request.user, pk=pk)
    if request.method == "GET":  # the page shows the referral's reason: a read of it
        audit_log(
            action="student.view",
            request=request,
            target=referral.student,
            detail={"via": "rujukan_tolak"},
        )
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_decline(
                user=request.user, referral=referral, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.info(request, _("Rujukan ditandai tidak dilanjutkan; guru diberi tahu."))
            return redirect("interventions:caseload")
    return render(
        request, "interventions/referral_decline.html", {"form": form, "referral": referral}
    )
