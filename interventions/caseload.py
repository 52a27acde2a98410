"""The caseload pages: a bk's or walikelas's open work (their interventions, due follow-ups,
students in kurang without one, teachers' referrals waiting for bk) and opening an
intervention from a prediction or from a referral. They read the case core and referrals
together, so they sit above both packages."""

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from predictions.selectors import top_factors
from smk_dashboard.core.access import allowed
from smk_dashboard.core.audit import audit_student_list
from smk_dashboard.core.params import parse_id, parse_ids

from .cases import permissions, selectors, services
from .cases.forms import InterventionCreateForm, RescheduleForm
from .referrals import selectors as referral_selectors
from .referrals import services as referral_services


@allowed(permissions.can_create_interventions)
@require_http_methods(["GET", "POST"])
def intervention_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    referral_id = parse_id(request.GET.get("referral") or request.POST.get("referral"))
    referral = (
        referral_selectors.open_referral_get(user=user, pk=referral_id)
        if referral_id is not None
        else None
    )
    student_id = parse_id(request.GET.get("student") or request.POST.get("student"))
    if referral is not None:
        student_id = referral.student_id
    if student_id is None:
        return _student_picker(request)
    student = selectors.student_scope_get(user=user, pk=student_id)
    prediction_id = parse_id(request.GET.get("prediction") or request.POST.get("prediction"))
    prediction = (
        selectors.prediction_for_student(student=student, pk=prediction_id)
        if prediction_id is not None
        else selectors.current_prediction(student=student)
    )
    programmes = selectors.programmes_for_school(user=user).filter(active=True)
    form = InterventionCreateForm(
        request.POST or None,
        programmes=programmes,
        owners=selectors.owner_choices(user=user),
        participants=selectors.participant_choices(user=user, student=student),
        initial={
            "owner": user.pk,
            "start_date": timezone.localdate(),
            "follow_up_days": 14,
            "reason": _referral_reason(referral) or _prediction_reason(prediction),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        create = partial(services.intervention_create, student=student)
        if referral is not None:  # accepting a teacher's referral: both or neither are stored
            create = partial(referral_services.referral_accept, referral=referral)
        try:
            intervention = create(
                user=user,
                programme=data["programme"],
                reason=data["reason"],
                goal=data["goal"],
                owner=data["owner"],
                participants=data["participants"],
                start_date=data["start_date"],
                follow_up_days=data["follow_up_days"],
                triggered_by=prediction,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Intervensi dibuat."))
            return redirect("interventions:detail", pk=intervention.pk)
    return render(
        request,
        "interventions/create.html",
        {
            "form": form,
            "student": student,
            "prediction": prediction,
            "referral": referral,
            "no_programmes": not programmes.exists(),
        },
    )


def _referral_reason(referral) -> str:
    if referral is None:
        return ""
    teacher = referral.referred_by
    who = (teacher.get_full_name() or teacher.username) if teacher else "-"
    return _("Rujukan dari %(who)s: %(reason)s") % {"who": who, "reason": referral.reason}


def _prediction_reason(prediction) -> str:
    if prediction is None:
        return ""
    # The reason is read by everyone who reads the intervention (the walikelas too), so it is
    # prefilled with what all of them may read, whoever writes it: never KIP, income, distance.
    visible = top_factors(prediction.factors, user=None, based_on=prediction.based_on_term)
    factors = "; ".join(f["text"] for f in visible)
    text = _("Prediksi %(term)s: %(category)s (risiko %(risk)s).") % {
        "term": prediction.term,
        "category": prediction.get_category_display(),
        "risk": prediction.risk_label,
    }
    return f"{text} {factors}".strip()


def _student_picker(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()
    found = selectors.student_search(user=request.user, q=q) if q else []
    return render(
        request,
        "interventions/pick_student.html",
        {
            "q": q,
            "found": found,
            "unserved": selectors.kurang_without_intervention(user=request.user, limit=20),
        },
    )


@allowed(permissions.can_view_interventions)
@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    data = selectors.caseload(user=request.user)
    data["open_referrals"] = (
        referral_selectors.open_referrals(user=request.user)
        if permissions.can_handle_referrals(request.user)
        else None
    )
    audit_student_list(
        request=request,
        action="intervention.list",
        student_ids=[i.student_id for i in data["mine"]]
        + [row["student"].pk for row in data["unserved"]]
        + [r.student_id for r in data["open_referrals"] or []],
        detail={"page": "interventions.caseload"},
    )
    return render(
        request,
        "interventions/caseload.html",
        {
            **data,
            "can_create": permissions.can_create_interventions(request.user),
            "any_overdue": any(i.is_overdue for i in data["mine"]),
            "reschedule_form": RescheduleForm(
                initial={"date": timezone.localdate() + timedelta(days=7)}
            ),
        },
    )


@allowed(permissions.can_view_interventions)
@require_POST
def follow_ups_reschedule(request: HttpRequest) -> HttpResponse:
    """Bulk "jadwalkan ulang" of the caseload's overdue follow-ups (issue 14)."""
    form = RescheduleForm(request.POST)
    ids = parse_ids(request.POST.getlist("intervention"))
    if ids is None:
        raise Http404("intervention")
    visible = selectors.intervention_queryset_for_user(user=request.user).filter(pk__in=ids)
    if len(set(ids)) != visible.count():
        raise Http404("intervention")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("interventions:caseload")
    try:
        n = services.follow_ups_reschedule(
            user=request.user,
            interventions=list(visible),
            date=form.cleaned_data["date"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(n)d tindak lanjut dijadwalkan ulang ke %(date)s.")
            % {"n": n, "date": form.cleaned_data["date"].strftime("%d-%m-%Y")},
        )
    return redirect("interventions:caseload")
