"""Sensible bounds for dates and counts people type (issue 25): a date far in the past or the
future is a typing mistake (or an attack on code that computes with it), never a school event.
Services check them, so forms and the API refuse the same values with the same message."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

# An intervention, a session, a letter or a point entry: within five years before today and
# one year after it (school years run July to June; records of alumni are not written).
PAST_YEARS = 5
FUTURE_DAYS = 366
# Decisions of one case conference.
MAX_DECISIONS = 30


def date_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    earliest = today.replace(year=today.year - PAST_YEARS, day=min(today.day, 28))
    return earliest, today + dt.timedelta(days=FUTURE_DAYS)


def date_error(value: dt.date | None, *, label: str) -> str | None:
    """A teacher-readable message when `value` lies outside the bounds, else None."""
    if value is None:
        return None
    earliest, latest = date_bounds()
    if earliest <= value <= latest:
        return None
    return _("%(label)s harus antara %(start)s dan %(end)s.") % {
        "label": label,
        "start": earliest.strftime("%d-%m-%Y"),
        "end": latest.strftime("%d-%m-%Y"),
    }


class BoundedDateField(forms.DateField):
    """A form's date field that refuses dates outside `date_bounds()`."""

    def validate(self, value):
        super().validate(value)
        message = date_error(value, label=str(self.label or _("Tanggal")))
        if message:
            raise forms.ValidationError(message, code="out_of_bounds")
