"""Pages for BK interventions. Each view checks input, calls one selector or service, renders.
A student or intervention outside the user's scope answers 404; a role without access 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from interventions.actions.selectors import staff_choices
from smk_dashboard.core.access import allowed
from smk_dashboard.core.audit import audit_log, audit_student_list
from smk_dashboard.core.fields import FieldGroup, can_see
from students.selectors import student_queryset_for_user

from . import (
    case_outcomes,
    comparison,
    permissions,
    programmes,
    reports,
    selectors,
    services,
    session_services,
)
from .forms import (
    CloseForm,
    DecisionFormSet,
    EffectivenessForm,
    ListFilterForm,
    ProgrammeForm,
    ReferralForm,
    SessionForm,
    TypedSessionForm,
    decisions_from,
)
from .models import SessionKind

PAGE_SIZE = 25


def _manage_or_403(user, intervention) -> None:
    if not permissions.can_manage(user, intervention):
        raise PermissionDenied


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET"])
def intervention_list(request: HttpRequest) -> HttpResponse:
    choices = selectors.filter_choices(user=request.user)
    form = ListFilterForm(request.GET or None, **choices)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ListFilters(
        scope=data.get("scope") or "all",
        status=data.get("status") or "",
        programme=data.get("programme") or None,
        school_class=data.get("school_class") or None,
        overdue=bool(data.get("overdue")),
    )
    page = Paginator(selectors.intervention_list(user=request.user, filters=filters), PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    audit_student_list(
        request=request,
        action="intervention.list",
        student_ids=[i.student_id for i in page_obj],
        detail={"page": "interventions.list"},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "interventions/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "query": query.urlencode(),
            "can_create": permissions.can_create_interventions(request.user),
        },
    )


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET"])
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk, request=request)
    timeline = selectors.intervention_timeline(
        user=request.user, intervention=intervention, request=request
    )
    return render(
        request,
        "interventions/detail.html",
        {
            "intervention": intervention,
            "timeline": timeline,
            "can_manage": permissions.can_manage(request.user, intervention),
            "can_read_notes": permissions.can_read_notes(request.user, intervention),
        },
    )


@allowed(permissions.can_view_interventions)
@require_POST
def intervention_start(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk, request=request)
    _manage_or_403(request.user, intervention)
    try:
        services.intervention_start(intervention=intervention, user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Intervensi mulai berjalan."))
    return redirect("interventions:detail", pk=pk)


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk, request=request)
    _manage_or_403(request.user, intervention)
    kind = request.POST.get("kind") or request.GET.get("kind") or SessionKind.SESSION
    form = TypedSessionForm(
        request.POST or None,
        kind=kind,
        allow_very_confidential=permissions.can_mark_very_confidential(request.user, intervention),
    )
    decisions = None
    if kind == SessionKind.CASE_CONFERENCE:  # one row per decision, a person from the staff
        decisions = DecisionFormSet(
            request.POST or None,
            prefix="decisions",
            form_kwargs={"staff": staff_choices(school_id=intervention.student.school_id)},
        )
    if request.method == "POST" and form.is_valid() and (decisions is None or decisions.is_valid()):
        try:
            session_services.session_record(
                intervention=intervention,
                user=request.user,
                request=request,
                decisions=decisions_from(decisions) if decisions is not None else [],
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Sesi dicatat."))
            return redirect("interventions:detail", pk=pk)
    return render(
        request,
        "interventions/session_form.html",
        {
            "intervention": intervention,
            "form": form,
            "kind_label": form.kind_label,
            "decisions": decisions,
        },
    )


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET", "POST"])
def referral_update(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk)
    session = selectors.session_get(user=request.user, intervention=intervention, pk=session_pk)
    if session.kind != SessionKind.REFERRAL:
        raise Http404("referral")
    if not (
        permissions.can_manage(request.user, intervention)
        and permissions.can_read_session(request.user, session)
    ):
        raise PermissionDenied
    if request.method == "GET":  # the form shows the referral's status and outcome
        audit_log(
            action="session.read",
            request=request,
            target=intervention,
            detail={"sessions": [session.pk], "purpose": "referral"},
        )
    form = ReferralForm(
        request.POST or None,
        initial={"status": session.referral_status, "outcome": session.referral_outcome},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session_services.referral_update(
                session=session, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Rujukan diperbarui."))
            return redirect("interventions:detail", pk=pk)
    return render(
        request,
        "interventions/session_form.html",
        {"intervention": intervention, "form": form, "session": session, "referral": True},
    )


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk, request=request)
    session = selectors.session_get(user=request.user, intervention=intervention, pk=session_pk)
    if not permissions.can_read_session(request.user, session):
        raise PermissionDenied
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                services.session_update(
                    session=session, user=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Sesi diperbarui."))
                return redirect("interventions:detail", pk=pk)
    else:
        form = SessionForm(
            initial={
                "date": session.date,
                "attended": session.attended,
                "next_follow_up": session.next_follow_up,
                "notes": selectors.session_notes_for_edit(
                    user=request.user, session=session, request=request
                ),
            }
        )
    return render(
        request,
        "interventions/session_form.html",
        {"intervention": intervention, "form": form, "session": session},
    )


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET", "POST"])
def intervention_close(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk, request=request)
    _manage_or_403(request.user, intervention)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_close(
                intervention=intervention,
                user=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Intervensi ditutup."))
            return redirect("interventions:detail", pk=pk)
    # The numbers come first, so that the label the counsellor picks can agree with them.
    before_after = case_outcomes.intervention_before_after(intervention=intervention)
    return render(
        request,
        "interventions/close.html",
        {"intervention": intervention, "form": form, "before_after": before_after},
    )


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET", "POST"])
def intervention_delete(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, pk=pk, request=request)
    _manage_or_403(request.user, intervention)
    if request.method == "POST":
        services.intervention_delete(intervention=intervention, user=request.user, request=request)
        messages.success(request, _("Intervensi dihapus dari daftar; catatannya tetap disimpan."))
        return redirect("interventions:list")
    return render(request, "interventions/delete.html", {"intervention": intervention})


@allowed(permissions.can_view_effectiveness)
@require_http_methods(["GET"])
def effectiveness(request: HttpRequest) -> HttpResponse:
    form = EffectivenessForm(request.GET or None, initial={"days": reports.DEFAULT_WITHIN_DAYS})
    days = form.cleaned_data["days"] if form.is_valid() else reports.DEFAULT_WITHIN_DAYS
    report = reports.effectiveness_report(school=request.user.school, within_days=days)
    matched = comparison.matched_comparison(school=request.user.school)
    # Named cases only for roles that read counselling data (not the operator).
    cases = (
        case_outcomes.intervention_cases(
            school=request.user.school, students=student_queryset_for_user(user=request.user)
        )
        if can_see(request.user, FieldGroup.COUNSELLING)
        else None
    )
    audit_student_list(
        request=request,
        action="student.list",
        student_ids=[c.student_id for c in cases or ()],
        detail={"page": "interventions.effectiveness"},
    )
    context = {
        "form": form,
        "effectiveness": report,
        "comparison": matched,
        "cases": cases,
        "contradictions": sum(1 for c in cases or () if c.contradiction),
        "cases_with_gaps": any(c.has_gap for c in cases or ()),
        "cases_by_date": any(c.terms_by_date for c in cases or ()),
    }
    return render(request, "interventions/effectiveness.html", context)


@allowed(permissions.can_edit_catalogue)
@require_http_methods(["GET", "POST"])
def programme_list(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programmes.programme_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Layanan ditambahkan."))
            return redirect("interventions:programmes")
    return render(
        request,
        "interventions/programmes.html",
        {"form": form, "programmes": selectors.programmes_for_school(user=request.user)},
    )


@allowed(permissions.can_edit_catalogue)
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, pk=pk)
    form = ProgrammeForm(
        request.POST or None,
        initial={
            "name": programme.name,
            "tier": programme.tier,
            "description": programme.description,
            "active": programme.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            programmes.programme_update(programme=programme, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Layanan diperbarui."))
            return redirect("interventions:programmes")
    return render(
        request, "interventions/programme_form.html", {"form": form, "programme": programme}
    )


@allowed(permissions.can_edit_catalogue)
@require_POST
def programme_seed(request: HttpRequest) -> HttpResponse:
    programmes.programme_catalogue_seed(school=request.user.school)
    messages.success(request, _("Layanan BK standar ditambahkan ke katalog."))
    return redirect("interventions:programmes")
