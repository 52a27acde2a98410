"""Conduct and achievement points (buku poin): one row per event with NISN, date, behaviour
and, optionally, points and a description. The behaviour is matched against the school's
catalogue when the rows are resolved (interventions registers that step)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .errors import FileRejected
from .rows import (
    ParsedRow,
    ParseResult,
    Progress,
    cell,
    data_rows,
    read_identity,
    require_identity_columns,
)
from .values import clean_text, is_blank, parse_date


def parse(result: ParseResult, *, progress: Progress | None = None) -> None:
    """Rows: data nisn, nis, name, date, behaviour, points (int or None), description."""
    result.layout = "points"
    for table in result.tables:
        require_identity_columns(table)
        if not {"date", "behaviour"} <= set(table.fields):
            raise FileRejected(
                _("Kolom Tanggal dan Perilaku harus ada di lembar %(s)s.") % {"s": table.sheet},
                code="no_points_columns",
            )
        for i, row in data_rows(result, table, progress):
            parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
            read_identity(parsed, row, table, require_nisn=True)
            try:
                parsed.data["date"] = parse_date(cell(row, table, "date"))
            except (ValueError, TypeError) as exc:
                parsed.data["date"] = None
                parsed.add_error(str(exc) or _("Tanggal kosong."))
            parsed.data["behaviour"] = clean_text(cell(row, table, "behaviour"))[:120]
            if not parsed.data["behaviour"]:
                parsed.add_error(_("Perilaku kosong."))
            parsed.data["points"] = _points(parsed, cell(row, table, "points"))
            parsed.data["description"] = clean_text(cell(row, table, "description"))[:500]
            result.rows.append(parsed)


def _points(parsed: ParsedRow, value) -> int | None:
    if is_blank(value):
        return None
    text = clean_text(value).replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        parsed.add_error(_("Poin %(v)s bukan angka.") % {"v": text})
        return None
    if not number.is_integer() or not -1000 <= number <= 1000 or number == 0:
        parsed.add_error(
            _("Poin %(v)s harus bilangan bulat -1000 sampai 1000, bukan 0.") % {"v": text}
        )
        return None
    return int(number)
