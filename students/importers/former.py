"""A student list must not bring back former students. A register of every student ever
enrolled (buku induk, buku klaper) says when each one came and, for those who left, when and
why: a row with a year of leaving, or a status of graduated / moved out, is a former
student; so is one who came more years ago than the school has grades (3; 4 for a class
XIII). They are left out of the import and counted by reason."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .values import clean_text, is_blank

YEARS_OF_SCHOOL = 3
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_GONE = re.compile(
    r"\b(lulus|tamat|alumni|keluar|pindah|mutasi|meninggal|wafat|do|drop ?out|dikeluarkan|"
    r"mengundurkan|berhenti)\b"
)


def school_year_of(value: Any) -> int | None:
    """The school year (2025 = 2025/2026) a date, a year or a text names; None when none."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.year if value.month >= 7 else value.year - 1
    if isinstance(value, (int, float)) and 1950 <= value <= 2100:
        return int(value)
    match = _YEAR.search(clean_text(value))
    return int(match.group(1)) if match else None


def current_school_year(term_code: str | None) -> int:
    if term_code:
        return int(term_code[:4])
    today = timezone.localdate()
    return today.year if today.month >= 7 else today.year - 1


def former_reason(data: dict, row_cells: dict[str, Any], year: int) -> str:
    """Why a register row is a former student ("" when it is a current one). `row_cells`:
    the raw entry_year / leave_year / status_note cells of the row."""
    left = row_cells.get("leave_year")
    if not is_blank(left):
        return _("sudah keluar atau lulus (tahun keluar terisi)")
    status = clean_text(row_cells.get("status_note")).lower()
    if status and "masuk" not in status and _GONE.search(status):
        return _("statusnya lulus, mutasi atau keluar")
    entry = school_year_of(row_cells.get("entry_year"))
    if entry is not None:
        years = 4 if clean_text(data.get("school_class")).upper().startswith("XIII") else 3
        if year - entry >= years:
            return _("masuk tahun %(y)s, lebih dari %(n)s tahun lalu") % {"y": entry, "n": years}
    return ""
