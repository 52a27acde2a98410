"""Pages for conduct points: the school's catalogue (bk), recording an entry (guru, walikelas,
bk), voiding one (bk, kepsek) and closing a crossed-threshold to-do (bk, walikelas). A student
or entry out of the user's sight answers 404; a role without access 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from interventions.cases import permissions
from interventions.cases.selectors import student_scope_get
from smk_dashboard.core.access import allowed
from smk_dashboard.core.audit import audit_log

from . import selectors, services
from .forms import BehaviourForm, PointEntryForm, ThresholdForm, VoidForm


@allowed(permissions.can_edit_point_catalogue)
@require_http_methods(["GET", "POST"])
def point_catalogue(request: HttpRequest) -> HttpResponse:
    user = request.user
    which = request.POST.get("form") if request.method == "POST" else None
    behaviour_form = BehaviourForm(request.POST if which == "behaviour" else None, prefix="b")
    threshold_form = ThresholdForm(request.POST if which == "threshold" else None, prefix="t")
    form = {"behaviour": behaviour_form, "threshold": threshold_form}.get(which)
    if form is not None and form.is_valid():
        try:
            if which == "behaviour":
                services.behaviour_save(user=user, **form.cleaned_data)
            else:
                services.threshold_create(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Katalog poin disimpan."))
            return redirect("interventions:point_catalogue")
    return render(
        request,
        "interventions/point_catalogue.html",
        {
            **selectors.point_catalogue(user=user),
            "behaviour_form": behaviour_form,
            "threshold_form": threshold_form,
        },
    )


@allowed(permissions.can_edit_point_catalogue)
@require_http_methods(["GET", "POST"])
def behaviour_edit(request: HttpRequest, pk: int) -> HttpResponse:
    behaviour = selectors.behaviour_get(user=request.user, pk=pk)
    form = BehaviourForm(
        request.POST or None,
        initial={
            "name": behaviour.name,
            "kind": behaviour.kind,
            "points": behaviour.points,
            "active": behaviour.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.behaviour_save(user=request.user, behaviour=behaviour, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Perilaku diperbarui."))
            return redirect("interventions:point_catalogue")
    return render(
        request, "interventions/behaviour_form.html", {"form": form, "behaviour": behaviour}
    )


@allowed(permissions.can_edit_point_catalogue)
@require_POST
def point_catalogue_seed(request: HttpRequest) -> HttpResponse:
    services.point_catalogue_seed(school=request.user.school)
    messages.success(request, _("Katalog poin standar ditambahkan."))
    return redirect("interventions:point_catalogue")


@allowed(permissions.can_edit_point_catalogue)
@require_POST
def threshold_delete(request: HttpRequest, pk: int) -> HttpResponse:
    threshold = selectors.threshold_get(user=request.user, pk=pk)
    services.threshold_delete(user=request.user, threshold=threshold)
    messages.success(request, _("Batas poin dihapus."))
    return redirect("interventions:point_catalogue")


@allowed(permissions.can_record_points)
@require_http_methods(["GET", "POST"])
def point_entry_create(request: HttpRequest, student_id: int) -> HttpResponse:
    student = student_scope_get(user=request.user, pk=student_id)
    if request.method == "GET":  # the form shows the student: a read of their data
        audit_log(action="student.view", request=request, target=student, detail={"via": "poin"})
    behaviours = selectors.behaviours_for_student(student=student)
    form = PointEntryForm(request.POST or None, behaviours=behaviours)
    if request.method == "POST" and form.is_valid():
        try:
            _entry, todos = services.point_entry_record(
                user=request.user, student=student, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Poin dicatat."))
            for todo in todos:
                messages.warning(
                    request,
                    _("Total poin mencapai %(points)d: %(action)s. Tugas untuk BK dan wali kelas.")
                    % {"points": todo.threshold.points, "action": todo.threshold.action},
                )
            return redirect("students:profile", student_id=student.pk)
    return render(
        request,
        "interventions/point_form.html",
        {
            "form": form,
            "student": student,
            "total": services.student_points_total(student=student),
            "no_behaviours": not behaviours.exists(),
        },
    )


@allowed(permissions.can_void_points)
@require_http_methods(["GET", "POST"])
def point_entry_void(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.point_entry_get(user=request.user, pk=pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.point_entry_void(
                user=request.user, entry=entry, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Catatan poin dibatalkan."))
            return redirect("students:profile", student_id=entry.student_id)
    return render(request, "interventions/point_void.html", {"form": form, "entry": entry})


@allowed(lambda user: user.is_authenticated)
@require_POST
def point_todo_done(request: HttpRequest, pk: int) -> HttpResponse:
    todo = selectors.todo_get(user=request.user, pk=pk)
    try:
        services.point_todo_done(user=request.user, todo=todo)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tugas ditandai selesai."))
    return redirect("home")
