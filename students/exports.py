"""Writing tables as CSV or XLSX for download, safe against formula injection: a cell that
starts with = + - @ (or a tab / carriage return) would run as a formula in Excel or
LibreOffice, so it gets a leading apostrophe and stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .importers.escaping import escape_formula

# One guard for every export: the importer's (imported text is stored as text and escaped on
# the way out).
escape_cell = escape_formula


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """CSV lines one by one (for a StreamingHttpResponse), with a BOM so that Excel reads
    the file as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        yield writer.writerow(["" if v is None else escape_cell(v) for v in row])


class Percent(float):
    """A rate in [0, 1] that a workbook shows as a percentage (the cell stays a number)."""


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An .xlsx workbook: one sheet per (title, header, rows). Strings are always written
    as text, never as formulas."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    percent = book.add_format({"num_format": "0.0%"})
    for title, header, rows in sheets:
        sheet = book.add_worksheet(title[:31])
        widths = [len(str(h)) for h in header]
        for c, h in enumerate(header):
            sheet.write_string(0, c, str(escape_cell(h)), bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                value = escape_cell(value)
                if value is None:
                    continue
                if c >= len(widths):
                    widths.append(0)
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, Percent):
                    sheet.write_number(r, c, float(value), percent)
                    widths[c] = max(widths[c], 7)
                    continue
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
                widths[c] = max(widths[c], len(str(value)))
        # readable columns: as wide as their longest entry, within reason
        for c, w in enumerate(widths):
            sheet.set_column(c, c, min(max(w + 2, 8), 60))
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
