"""Teachers' answers to a prediction's flag ("sesuai" / "tidak sesuai", with a note): the one
write. The reads that count them live in predictions.selectors (`feedback_applying_to`,
`predictions_reviewed`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
    return feedback
