"""Teachers' answers to a prediction's flag ("sesuai" / "tidak sesuai", with a note): the one
write. The reads that count them live in predictions.selectors (`feedback_applying_to`,
`predictions_reviewed`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from smk_dashboard.core.notifications import NotificationKind, notify
from students.models import User

from .models import Prediction, PredictionFeedback

FEEDBACK_NOTE_MAX = 1000


@transaction.atomic
def prediction_feedback_record(
    *, prediction: Prediction, user: User, agrees: bool, note: str = ""
) -> PredictionFeedback:
    """Record whether `user` finds `prediction`'s flag right ("sesuai") or not, with an
    optional note. The answer is about the prediction's student, term and category: one
    answer per user and flag, so answering again (on this prediction, or on another model's
    prediction of the same flag) replaces the first and points it at `prediction`."""
    note = (note or "").strip()
    if len(note) > FEEDBACK_NOTE_MAX:
        raise ValidationError(
            _("Catatan terlalu panjang: paling banyak %(max)s karakter.")
            % {"max": FEEDBACK_NOTE_MAX}
        )
    feedback, _created = PredictionFeedback.objects.update_or_create(
        user=user,
        student_id=prediction.student_id,
        term_id=prediction.term_id,
        category=prediction.category,
        defaults={"agrees": bool(agrees), "note": note, "prediction": prediction},
    )
    if note:  # the walikelas hears of a teacher's note on their class (issue 24), not its words
        student = prediction.student
        homeroom = getattr(student.school_class, "homeroom_teacher", None)
        notify(
            users=[homeroom],
            kind=NotificationKind.TEACHER_NOTE,
            text=_("Catatan %(teacher)s tentang %(student)s")
            % {"teacher": user.get_full_name() or user.username, "student": student.name},
            url=reverse("students:profile", args=[student.pk]),
            exclude=user,
        )
    return feedback
