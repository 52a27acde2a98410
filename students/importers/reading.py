"""Reading a sniffed file into plain rows of cell values.

Workbooks (xlsx/xlsm, xls, ods) are read with calamine (Rust): it returns each formula's
cached value and has no formula engine, so nothing is ever evaluated, and it never runs or
even loads a VBA project. CSV is decoded as UTF-8 (with or without BOM) or Windows-1252, with
`;`, `,` or tab as separator, detected from the content."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine
from django.utils.translation import gettext as _

from .errors import FileRejected
from .sniff import encrypted_error, not_a_spreadsheet


@dataclass
class Sheet:
    name: str
    # rows[i] is spreadsheet row i + 1; cells are str, float, int, bool, date, datetime or None
    rows: list[list[Any]] = field(default_factory=list)


def read_sheets(path: Path, fmt: str, *, max_rows: int) -> list[Sheet]:
    """All visible sheets of the file (all sheets if every one is hidden)."""
    sheets = _read_csv(path, max_rows=max_rows) if fmt == "csv" else _read_book(path, max_rows)
    if not any(any(cell is not None for cell in row) for s in sheets for row in s.rows):
        raise FileRejected(_("File ini kosong: tidak ada satu sel pun yang terisi."), code="empty")
    return sheets


def _too_many_rows(count: int, limit: int) -> FileRejected:
    return FileRejected(
        _("File berisi %(n)s baris, melebihi batas %(limit)s baris. Pecah file per kelas.")
        % {"n": f"{count:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")},
        code="too_many_rows",
    )


def _read_book(path: Path, max_rows: int) -> list[Sheet]:
    try:
        with path.open("rb") as fh:
            book = calamine.CalamineWorkbook.from_filelike(fh)
            metas = [m for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
            visible = [m for m in metas if m.visible == calamine.SheetVisibleEnum.Visible]
            sheets: list[Sheet] = []
            total = 0
            for meta in visible or metas:
                sheet = book.get_sheet_by_name(meta.name)
                total += sheet.height
                if total > max_rows:
                    raise _too_many_rows(total, max_rows)
                rows = [
                    [None if cell == "" else cell for cell in row]
                    for row in sheet.to_python(skip_empty_area=False)
                ]
                sheets.append(Sheet(name=meta.name, rows=rows))
            return sheets
    except calamine.PasswordError:
        raise encrypted_error()
    except FileRejected:
        raise
    except (calamine.CalamineError, ValueError, OSError, MemoryError):
        raise FileRejected(
            _("File rusak atau tidak lengkap dan tidak bisa dibuka. Simpan ulang lalu unggah."),
            code="corrupt",
        )


def decode_text(data: bytes) -> str:
    """UTF-8 (Excel adds a BOM) first; otherwise Windows-1252, what Excel on Windows writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (";", ",", "\t"):
        widths = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
        if not widths:
            continue
        widest = max(widths)
        score = (widest, sum(1 for w in widths if w == widest))
        if score > best_score:
            best, best_score = delimiter, score
    if best_score[0] < 2:
        raise not_a_spreadsheet()
    return best


def _read_csv(path: Path, *, max_rows: int) -> list[Sheet]:
    text = decode_text(path.read_bytes())
    delimiter = detect_delimiter(text)
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([cell if cell.strip() else None for cell in row])
            if len(rows) > max_rows:
                raise _too_many_rows(len(text.splitlines()), max_rows)
    except csv.Error:
        raise not_a_spreadsheet()
    return [Sheet(name=path.stem[:31] or "CSV", rows=rows)]
