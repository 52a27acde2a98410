"""No data is not zero. A wali kelas recap whose S / I / A cells were never filled, a month
left empty, a subject column nobody typed into: these import nothing, and the preview says
so. A blank cell counts as 0 (or "not graded") only where the same sheet has numbers for
other students in the same place: the same month's S / I / A, the same subject column.

The parsers call these helpers; nothing here writes or reads the database."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .headers import Column
from .rows import NoData, ParsedRow
from .values import MONTH_NAMES, clean_text, is_blank


def is_filled(value: Any) -> bool:
    """A cell someone typed into: not blank and not a lone dash."""
    return not is_blank(value) and clean_text(value) != "-"


def column_filled(rows: list[list[Any]], index: int) -> bool:
    """Whether any data row has something in the column; stops at the first filled cell."""
    return any(index < len(row) and is_filled(row[index]) for row in rows)


def split_recap(
    rows: list[list[Any]], counted: dict[str, list[Column]]
) -> tuple[dict[str, list[Column]], list[int | None]]:
    """The S / I / A columns that hold data, and the groups that hold none. A group is one
    month of a monthly recap (JULI over S / I / A) or, without months, the sheet's S / I / A
    together: one column left blank beside filled ones (nobody had izin that month) counts
    as 0, a whole group left blank imports nothing. Returns (counted columns of the filled
    groups, the empty groups: month numbers in school-year order, or [None])."""
    groups: dict[int | None, list[Column]] = {}
    for columns in counted.values():
        for column in columns:
            groups.setdefault(column.month, []).append(column)
    empty = [
        month
        for month, columns in groups.items()
        if not any(column_filled(rows, c.index) for c in columns)
    ]
    empty.sort(key=lambda m: (m - 7) % 12 if m else 0)
    kept = {name: [c for c in cols if c.month not in empty] for name, cols in counted.items()}
    return kept, empty


def month_list(months: list[int | None]) -> str:
    names = [MONTH_NAMES[m - 1] for m in months if m]
    if len(names) <= 1:
        return "".join(names)
    return _("%(a)s dan %(b)s") % {"a": ", ".join(names[:-1]), "b": names[-1]}


def student_label(parsed: ParsedRow) -> str:
    name = parsed.data.get("name") or _("(tanpa nama)")
    key = parsed.data.get("nisn") or parsed.data.get("nis") or ""
    return f"{name} ({key})" if key else name


def note_blank(
    notes: list[NoData], sheet: str, message: str, rows: list[ParsedRow], *, dropped: bool
) -> None:
    notes.append(NoData(sheet, message, [student_label(p) for p in rows], dropped))


def students_phrase(n: int) -> str:
    return ngettext("%(n)s siswa", "%(n)s siswa", n) % {"n": n}


def whole_sheet_attendance(sheet: str, n: int, *, daily: bool = False) -> str:
    cells = _("semua sel tanggal kosong") if daily else _("semua sel S, I, A kosong")
    return _(
        "Lembar %(s)s tidak berisi data kehadiran (%(cells)s). Kosong bukan berarti 0: "
        "kehadiran %(who)s berikut tidak diimpor."
    ) % {"s": sheet, "cells": cells, "who": students_phrase(n)}


def blank_months(sheet: str, months: list[int | None], n: int) -> str:
    return _(
        "Lembar %(s)s, bulan %(m)s tidak berisi data kehadiran (semua sel S, I, A kosong). "
        "Bulan itu tidak dihitung: jumlah semester %(who)s berikut hanya dari bulan yang terisi."
    ) % {"s": sheet, "m": month_list(months), "who": students_phrase(n)}


def blank_ledger_recap(sheet: str, headers: list[str], n: int) -> str:
    return _(
        "Lembar %(s)s, kolom %(c)s tidak berisi data kehadiran (semua sel kosong). Kehadiran "
        "%(who)s berikut tidak diimpor; nilainya tetap diimpor."
    ) % {"s": sheet, "c": ", ".join(headers), "who": students_phrase(n)}


def blank_subjects(sheet: str, headers: list[str], n: int) -> str:
    return _(
        "Lembar %(s)s, kolom %(c)s tidak berisi nilai (semua sel kosong). Kolom itu tidak "
        "diimpor untuk %(who)s berikut."
    ) % {"s": sheet, "c": ", ".join(headers), "who": students_phrase(n)}


def whole_sheet_grades(sheet: str, n: int) -> str:
    return _(
        "Lembar %(s)s tidak berisi nilai maupun data kehadiran (semua sel kosong): "
        "%(who)s berikut tidak diimpor."
    ) % {"s": sheet, "who": students_phrase(n)}
