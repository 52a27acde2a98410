"""What the import preview shows of a parsed file, as plain JSON-ready dicts: every column of
each sheet with what it was recognised as, whether the import uses it and, when it does
not, why ("data orang tua", "tidak dikenali"); and the parts of the file that hold no data
(students/importers/blanks.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .headers import Column, Table
from .rows import ParseResult, recap_columns
from .vocabulary import FIELD_LABELS, READ_FIELDS, ignore_reason

RECAP_FIELDS = ("sakit", "izin", "alpa")


def sheets_preview(result: ParseResult) -> list[dict]:
    """One dict per table: name, header rows, columns (day columns only counted)."""
    return [
        {
            "name": t.sheet,
            "header_rows": t.header_row_numbers,
            "columns": [_column(result, t, c) for c in t.columns if c.field != "day"],
            "days": len([c for c in t.columns if c.field == "day"]),
        }
        for t in result.tables
    ]


def no_data_preview(result: ParseResult) -> list[dict]:
    return [
        {"sheet": n.sheet, "message": n.message, "students": n.students, "dropped": n.dropped}
        for n in result.no_data
    ]


def _column(result: ParseResult, table: Table, column: Column) -> dict:
    why = _why_unused(result, table, column)
    return {
        "index": column.index,
        "header": column.header,
        "key": column.key,
        "field": column.field,
        "label": str(FIELD_LABELS.get(column.field, "")) or column.subject,
        "subject": column.subject,
        "component": column.component,
        "manual": column.manual,
        "used": not why,
        "why": why,
    }


def _why_unused(result: ParseResult, table: Table, column: Column) -> str:
    """ "" for a column the import reads; otherwise the reason, in words for the operator."""
    if column.index in table.notes:
        return str(table.notes[column.index])
    fld = column.field
    if fld == "":
        return ignore_reason(column.key)  # "tidak dikenali" unless the vocabulary knows it
    if fld == "ignore":
        return _("diabaikan sesuai pilihan Anda") if column.manual else ignore_reason(column.key)
    if fld == "grade":
        return ""
    if fld not in READ_FIELDS[result.kind]:
        return _("tidak diperlukan untuk impor ini")
    if fld in RECAP_FIELDS or fld == "school_days":
        if result.kind == "attendance" and result.layout == "daily":
            return _("dihitung dari presensi harian")
        if fld in RECAP_FIELDS:
            counted = {c.index for c in recap_columns(table)[fld]}
            if column.index in counted:
                return ""
            if any(c.month for c in table.columns if c.field == fld):
                return _("jumlah, dihitung dari kolom per bulan")
    first = table.fields.get(fld)
    if first is not None and first != column.index:
        header = next((c.header for c in table.columns if c.index == first), "")
        return _("kolom %(h)s sudah dipakai untuk %(f)s") % {
            "h": header,
            "f": FIELD_LABELS.get(fld, fld),
        }
    return ""
