"""The state of a school's predictions as JSON, for pages that wait for a (re)scoring."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from predictions.selectors import prediction_status
from students.models import StudentStatus
from students.selectors import student_queryset_for_user


@login_required
@require_GET
def prediction_status_json(request: HttpRequest) -> JsonResponse:
    """{"busy", "progress", "n_current"}: only counts, for the user's own students."""
    students = student_queryset_for_user(user=request.user).filter(status=StudentStatus.AKTIF)
    status = prediction_status(school_id=request.user.school_id, students=students)
    return JsonResponse(
        {"busy": status.busy, "progress": status.progress, "n_current": status.n_current}
    )
