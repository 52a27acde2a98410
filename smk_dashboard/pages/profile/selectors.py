"""The student profile: one student's data, predictions, feedback and interventions."""

from __future__ import annotations

from interventions.models import Intervention
from interventions.page_context import counselling_profile_context
from interventions.strengths import counselling_scope, improving_reasons
from predictions.models import Prediction, PredictionFeedback
from predictions.selectors import active_model_version, student_prediction_history
from smk_dashboard.core.fields import FieldGroup, can_read_teacher_notes, can_see
from students.models import AttendanceSummary, NonAcademicRating, Student, User
from students.selectors import student_attendance_by_month, student_grade_trend


def student_profile(*, user: User, student: Student) -> dict:
    """Everything the profile page shows about one student the user may see, less the field
    groups the user's role may not see (`core.fields`): ratings and interventions are empty
    lists then, and `show_ratings` / `show_counselling` say so."""
    show_ratings = can_see(user, FieldGroup.RATINGS, student)
    show_counselling = can_see(user, FieldGroup.COUNSELLING, student)
    return {
        "grade_trend": student_grade_trend(student=student),
        "attendance_by_month": student_attendance_by_month(student=student),
        "attendance_summaries": list(
            AttendanceSummary.objects.filter(student=student)
            .select_related("term")
            .order_by("term__year", "term__semester")
        ),
        "predictions": student_prediction_history(student=student, user=user),
        "ratings": list(
            NonAcademicRating.objects.filter(student=student)
            .select_related("term")
            .order_by("-term__year", "-term__semester")
        )
        if show_ratings
        else [],
        "interventions": list(
            Intervention.objects.filter(student=student, deleted_at__isnull=True)
            .select_related("programme", "owner")
            .order_by("-start_date", "-id")
        )
        if show_counselling
        else [],
        "teacher_notes": teacher_notes(user=user, student=student),
        "show_teacher_notes": can_read_teacher_notes(user, student),
        "show_ratings": show_ratings,
        "show_counselling": show_counselling,
        "model_version": active_model_version(school_id=student.school_id),
        "kurang_improving": kurang_improving(user=user, student=student),
        **counselling_profile_context(user=user, student=student),
    }


def kurang_improving(*, user: User, student: Student) -> list[str]:
    """Why a student whose current prediction is kurang also counts as "Membaik"
    (`interventions.strengths.improving_reasons`), for the one sentence that says how the two
    fit together; [] when they are not both."""
    current = Prediction.objects.current().filter(student=student).first()
    if current is None or current.category != "kurang":
        return []
    reasons = improving_reasons(
        students=Student.objects.filter(pk=student.pk),
        counselling_of=counselling_scope(user),
    )
    return reasons.get(student.pk, [])


def teacher_notes(*, user: User, student: Student) -> list[PredictionFeedback]:
    """Teachers' feedback notes on the student's predictions (non-empty notes only), newest
    first, for bk and the student's walikelas (`core.fields.can_read_teacher_notes`); [] else."""
    if not can_read_teacher_notes(user, student):
        return []
    rows = (
        PredictionFeedback.objects.filter(prediction__student=student)
        .select_related("user", "prediction__term")
        .order_by("-updated_at", "-id")
    )
    return [f for f in rows if (f.note or "").strip()]
