"""Correcting a student's parents' and guardian's names and numbers (/students/<id>/parents/):
bk of the school, from the profile. The operator does the same on the privacy page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smk_dashboard.core.access import role_required
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.fields import can_edit_parents
from smk_dashboard.core.roles import Role, roles
from students.forms import ParentsForm
from students.parents import parent_values, student_parents_update
from students.selectors import student_profile_queryset


@role_required(roles(Role.BK))
@require_http_methods(["GET", "POST"])
def student_parents_edit(request: HttpRequest, student_id: int) -> HttpResponse:
    student = get_object_or_404(student_profile_queryset(user=request.user), pk=student_id)
    if not can_edit_parents(request.user, student):
        raise PermissionDenied
    form = ParentsForm(request.POST or None, initial=parent_values(student=student))
    if request.method == "GET":
        audit_log(action="parents.read", request=request, target=student, detail={"via": "edit"})
    if request.method == "POST" and form.is_valid():
        try:
            changed = student_parents_update(
                user=request.user, student=student, values=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            if changed:
                messages.success(request, _("Data orang tua/wali disimpan."))
            return redirect("students:profile", student_id=student.pk)
    return render(request, "students/parents_form.html", {"form": form, "student": student})
