"""Attendance, as a per-term recap (NISN, Sakit, Izin, Alpa) or as a daily grid (students
down, the dates of a month across, H/S/I/A in the cells, one sheet per month)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from . import blanks
from .errors import FileRejected
from .headers import Table, day_column, month_of
from .rows import (
    ParsedRow,
    ParseResult,
    Progress,
    cell,
    data_rows,
    read_identity,
    read_recap,
    recap_columns,
    require_identity_columns,
    term_missing,
)
from .values import parse_attendance_code, parse_count, semester_of_months

MIN_DAY_COLUMNS = 5


def parse(result: ParseResult, *, progress: Progress | None = None) -> None:
    """Recap rows: data sakit, izin, alpa (blank = 0 where the same month has numbers for
    others), school_days (if given), term. Daily rows: cells (date, code) for each filled
    cell; a blank cell is not recorded. A sheet or month with no data at all imports nothing
    and is listed in result.no_data (students/importers/blanks.py)."""
    daily = [t for t in result.tables if _day_columns(t)]
    result.layout = "daily" if daily else "recap"
    if daily:
        result.tables = daily
        _parse_daily(result, progress)
        return
    if result.term_code is None:
        result.term_code = _term_from_months(result)
    if result.term_code is None:
        raise term_missing(result.term_year)
    for table in result.tables:
        require_identity_columns(table)
        if not {"sakit", "izin", "alpa"} & set(table.fields):
            raise FileRejected(
                _("Kolom Sakit, Izin, Alpa atau kolom tanggal tidak ditemukan di lembar %(s)s.")
                % {"s": table.sheet},
                code="no_attendance_columns",
            )
        rows = list(data_rows(result, table, progress))
        counted, empty = blanks.split_recap([row for _i, row in rows], recap_columns(table))
        parsed_rows = [_read_recap_row(result, table, i, row, counted) for i, row in rows]
        for column in table.columns:
            if column.month in empty and column.field in ("sakit", "izin", "alpa"):
                table.notes[column.index] = _("kosong untuk semua siswa")
        if not any(counted.values()):  # a blank form: nothing to import, not 0 / 0 / 0
            message = blanks.whole_sheet_attendance(table.sheet, len(parsed_rows))
            blanks.note_blank(result.no_data, table.sheet, message, parsed_rows, dropped=True)
            continue
        if empty:
            message = blanks.blank_months(table.sheet, empty, len(parsed_rows))
            blanks.note_blank(result.no_data, table.sheet, message, parsed_rows, dropped=False)
        result.rows.extend(parsed_rows)


def _read_recap_row(result: ParseResult, table: Table, i: int, row: list, counted) -> ParsedRow:
    parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
    read_identity(parsed, row, table, require_nisn=True)
    parsed.data["term"] = result.term_code
    read_recap(parsed, row, counted)
    if "school_days" in table.fields:
        try:
            parsed.data["school_days"] = parse_count(cell(row, table, "school_days"))
        except ValueError as exc:
            parsed.add_error(f"Hari efektif: {exc}")
        else:
            total = sum(parsed.data.get(k, 0) for k in ("sakit", "izin", "alpa"))
            if parsed.data["school_days"] and total > parsed.data["school_days"]:
                parsed.add_error(_("Jumlah S + I + A melebihi hari efektif."))
    return parsed


def _term_from_months(result: ParseResult) -> str | None:
    """Juli–Desember is ganjil, Januari–Juni genap; the year comes from the titles."""
    months = {c.month for t in result.tables for c in t.columns if c.month}
    semester = semester_of_months(months)
    if semester is None or result.term_year is None:
        return None
    return f"{result.term_year}-{semester}"


def _day_columns(table: Table) -> list:
    days = [c for c in table.columns if c.field == "day"]
    return days if len(days) >= MIN_DAY_COLUMNS else []


def _resolve_days(result: ParseResult, table: Table) -> None:
    """Give each day column its date: real dates as they are; day numbers 1–31 take the month
    and year from the title ("Bulan : Juli 2024"), the sheet name, or the chosen term."""
    month = month_of(table.title) or month_of(table.sheet)
    for column in _day_columns(table):
        header = day_column(column.header.split(" / ")[-1])
        if isinstance(header, dt.date):
            column.day = header
            continue
        this_month = month
        if column.month:  # the month heading above the day numbers ("JULI" over 1..31)
            this_month = (column.month, month[1] if month else None)
        if this_month is None:
            raise FileRejected(
                _(
                    'Bulan lembar %(s)s tidak diketahui: tulis "Bulan : Juli 2024" di atas '
                    "tabel, beri nama lembar sesuai bulannya, atau pakai tanggal lengkap."
                )
                % {"s": table.sheet},
                code="no_month",
            )
        number, year = this_month
        if year is None and result.term_code is None and result.term_year is not None:
            # "Tahun Pelajaran 2025/2026" and a month: Juli–Desember 2025, Januari–Juni 2026
            year = result.term_year if number >= 7 else result.term_year + 1
        if year is None:
            if result.term_code is None:
                raise term_missing(result.term_year)
            term_year, semester = int(result.term_code[:4]), int(result.term_code[-1])
            year = term_year if semester == 1 else term_year + 1
        try:
            column.day = dt.date(year, number, int(header))
        except (TypeError, ValueError):
            column.field = "ignore"  # 31 in a 30-day month: a spare column


def _parse_daily(result: ParseResult, progress: Progress | None) -> None:
    seen_days: dict[dt.date, str] = {}
    for table in result.tables:
        require_identity_columns(table)
        _resolve_days(result, table)
        columns = [c for c in table.columns if c.field == "day" and c.day is not None]
        for column in columns:
            other = seen_days.setdefault(column.day, table.sheet)
            if other != table.sheet:
                raise FileRejected(
                    _("Tanggal %(d)s muncul di lembar %(a)s dan %(b)s.")
                    % {"d": column.day.strftime("%d/%m/%Y"), "a": other, "b": table.sheet},
                    code="day_twice",
                )
        sheet_rows = []
        for i, row in data_rows(result, table, progress):
            parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
            read_identity(parsed, row, table, require_nisn=True)
            sheet_rows.append(parsed)
            for column in columns:
                value = row[column.index] if column.index < len(row) else None
                if value is None:
                    continue
                try:
                    code = parse_attendance_code(value)
                except ValueError as exc:
                    parsed.add_error(f"{column.day:%d/%m/%Y}: {exc}")
                    continue
                if code is not None:
                    parsed.cells.append((column.day, code))
        if not any(p.cells or p.errors for p in sheet_rows):  # a month never filled in
            message = blanks.whole_sheet_attendance(table.sheet, len(sheet_rows), daily=True)
            blanks.note_blank(result.no_data, table.sheet, message, sheet_rows, dropped=True)
            continue
        result.rows.extend(sheet_rows)
