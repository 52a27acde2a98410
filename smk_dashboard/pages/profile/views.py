"""The student profile (/students/<id>/): identity, charts, predictions with feedback."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from interventions.cases.permissions import can_create_interventions
from predictions.charts import attendance_month_figure, grade_trend_figure
from predictions.metrics import cv_accuracy
from smk_dashboard.core.access import role_required
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.fields import can_edit_parents
from smk_dashboard.core.roles import RISK_VIEWER_ROLES
from students.parents import student_parents
from students.selectors import student_profile_queryset

from .selectors import student_profile


@require_GET
@role_required(RISK_VIEWER_ROLES)
def student_profile_view(request: HttpRequest, student_id: int) -> HttpResponse:
    student = get_object_or_404(student_profile_queryset(user=request.user), pk=student_id)
    audit_log(action="student.view", request=request, target=student)
    data = student_profile(user=request.user, student=student)
    version = data["model_version"]
    context = {
        "student": student,
        **data,
        "accuracy": cv_accuracy(version.metrics) if version else None,
        "charts": {
            "grades": grade_trend_figure(data["grade_trend"], kkm=student.school.kkm),
            "attendance": attendance_month_figure(data["attendance_by_month"]),
        },
        "can_add_intervention": can_create_interventions(request.user),
        "parents": student_parents(user=request.user, student=student, request=request),
        "can_edit_parents": can_edit_parents(request.user, student),
    }
    return render(request, "students/profile.html", context)
