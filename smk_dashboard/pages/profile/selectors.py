"""The student profile: one student's data, predictions, feedback and interventions."""

from __future__ import annotations

from interventions.models import Intervention
from interventions.page_context import counselling_profile_context
from interventions.strengths import student_improving_reasons
from predictions.models import PredictionFeedback
from predictions.selectors import (
    active_model_version,
    student_feedback,
    student_prediction_history,
)
from smk_dashboard.core.fields import FieldGroup, can_read_teacher_notes, can_see
from smk_dashboard.core.page_cache import school_value
from students.models import AttendanceSummary, NonAcademicRating, Student, User
from students.selectors import (
    student_attendance_by_month,
    student_grade_trend,
    student_subject_term_scores,
)


def student_profile(*, user: User, student: Student) -> dict:
    """Everything the profile page shows about one student the user may see, less the field
    groups the user's role may not see (`core.fields`): ratings and interventions are empty
    lists then, and `show_ratings` / `show_counselling` say so.

    Each table is read once (issue 27: 22 queries became 15): the subject scores feed the
    trend and the strengths, the attendance summaries and interventions the page and the
    strengths, the feedback the prediction history and the teachers' notes; the active model
    and the point thresholds are kept per school in the cache (`core.page_cache.school_value`).
    """
    show_ratings = can_see(user, FieldGroup.RATINGS, student)
    show_counselling = can_see(user, FieldGroup.COUNSELLING, student)
    scores = student_subject_term_scores(student=student)
    summaries = list(
        AttendanceSummary.objects.filter(student=student)
        .select_related("term")
        .order_by("term__year", "term__semester")
    )
    # Read for the strengths (an intervention closed as membaik) even where the list is hidden.
    interventions = list(
        Intervention.objects.filter(student=student, deleted_at__isnull=True)
        .select_related("programme", "owner")
        .order_by("-start_date", "-id")
    )
    feedback = student_feedback(student=student)
    history = student_prediction_history(student=student, user=user, feedback=feedback)
    counselling = counselling_profile_context(
        user=user, student=student, scores=scores, summaries=summaries, interventions=interventions
    )
    return {
        "grade_trend": student_grade_trend(student=student, scores=scores),
        "attendance_by_month": student_attendance_by_month(student=student),
        "attendance_summaries": summaries,
        "predictions": history,
        "ratings": list(
            NonAcademicRating.objects.filter(student=student)
            .select_related("term")
            .order_by("-term__year", "-term__semester")
        )
        if show_ratings
        else [],
        "interventions": interventions if show_counselling else [],
        "teacher_notes": teacher_notes(user=user, student=student, feedback=feedback),
        "show_teacher_notes": can_read_teacher_notes(user, student),
        "show_ratings": show_ratings,
        "show_counselling": show_counselling,
        "model_version": school_value(
            "active-model",
            student.school_id,
            lambda: active_model_version(school_id=student.school_id),
        ),
        "kurang_improving": kurang_improving(
            history=history,
            reasons=lambda: student_improving_reasons(
                scores=scores,
                summaries=summaries,
                interventions=interventions,
                achievements=counselling["points"]["achievements"],
                counselling=show_counselling,
            ),
        ),
        **counselling,
    }


def kurang_improving(*, history: list, reasons) -> list[str]:
    """Why a student whose current prediction (in `history`, the profile's prediction list) is
    kurang also counts as "Membaik" (`reasons()`: the risk list's signals, from rows the page
    has read), for the one sentence that says how the two fit together; [] when they are not
    both."""
    current = next((p for p in history if p.is_current), None)
    if current is None or current.category != "kurang":
        return []
    return reasons()


def teacher_notes(
    *, user: User, student: Student, feedback: list[PredictionFeedback] | None = None
) -> list[PredictionFeedback]:
    """Teachers' feedback notes on the student's predictions (non-empty notes only), newest
    first, for bk and the student's walikelas (`core.fields.can_read_teacher_notes`); [] else."""
    if not can_read_teacher_notes(user, student):
        return []
    if feedback is None:
        feedback = student_feedback(student=student)
    return [f for f in feedback if (f.note or "").strip()]
