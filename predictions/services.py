"""Writes for predictions that pages make: teacher feedback on a stored prediction."""

from django.core.exceptions import ValidationError
from django.db import transaction

from students.models import User

from .models import Prediction, PredictionFeedback

FEEDBACK_NOTE_MAX = 1000


@transaction.atomic
def prediction_feedback_record(
    *, prediction: Prediction, user: User, agrees: bool, note: str = ""
) -> PredictionFeedback:
    """Record whether `user` finds `prediction` right ("sesuai") or not, with an optional
    note. One answer per user and prediction: a second answer replaces the first."""
    note = (note or "").strip()
    if len(note) > FEEDBACK_NOTE_MAX:
        raise ValidationError(
            f"Catatan terlalu panjang: paling banyak {FEEDBACK_NOTE_MAX} karakter."
        )
    feedback, _created = PredictionFeedback.objects.update_or_create(
        prediction=prediction, user=user, defaults={"agrees": bool(agrees), "note": note}
    )
    return feedback
