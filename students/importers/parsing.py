"""Parsing a whole file: the walk over the sheets, the choice of each sheet's table, the parser
of the kind (roster, grades, attendance) and the check for the same student twice in one file.
This module sits on top: the kind parsers never import it."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from . import attendance, grades, roster
from .errors import FileRejected
from .headers import Table, find_table, title_npsn
from .reading import read_sheets
from .rows import KINDS, ParsedRow, ParseResult, Progress
from .values import parse_term

__all__ = ["KINDS", "ParseResult", "ParsedRow", "mark_duplicates", "parse_file"]


def parse_file(
    path: Path,
    fmt: str,
    kind: str,
    *,
    term_code: str | None = None,
    mapping: dict[str, str] | None = None,
    max_rows: int,
    progress: Progress | None = None,
) -> ParseResult:
    """Read and parse one file. Raises FileRejected for whatever makes the whole file
    unusable; row problems are kept on each ParsedRow."""
    sheets = read_sheets(path, fmt, max_rows=max_rows)
    result = ParseResult(kind=kind, sheets=sheets)
    for sheet in sheets:
        table = find_table(kind, sheet.rows, sheet.name, mapping)
        if table is None:
            if len(sheets) > 1:
                result.warnings.append(
                    _("Lembar %(s)s dilewati: judul kolom tidak ditemukan.") % {"s": sheet.name}
                )
            continue
        result.tables.append(table)
    if not result.tables:
        raise FileRejected(
            _(
                "Baris judul kolom tidak ditemukan. Pastikan ada baris berisi judul seperti "
                "NISN, Nama, Kelas, lalu data di bawahnya, atau unduh templatnya."
            ),
            code="no_header",
        )
    result.npsn = next((n for t in result.tables if (n := title_npsn(t.title))), None)
    result.term_code = term_code or _title_term(result.tables)
    parser = {"roster": roster.parse, "grades": grades.parse, "attendance": attendance.parse}
    parser[kind](result, progress=progress)
    mark_duplicates(result)
    return result


def _title_term(tables: list[Table]) -> str | None:
    for table in tables:
        if "semester" in table.title.lower() or "ganjil" in table.title.lower():
            try:
                return parse_term(table.title)
            except ValueError:
                continue
    return None


def mark_duplicates(result: ParseResult) -> None:
    """The same student (or the same grade / day of a student) twice in one file: both rows
    are errors, because nobody can tell which one is right."""
    seen: dict[tuple, ParsedRow] = {}
    for parsed in result.rows:
        for key in _duplicate_keys(result, parsed):
            first = seen.get(key)
            if first is None:
                seen[key] = parsed
                continue
            label = key[1] if key[0] in ("nisn", "nis") else parsed.data.get("nisn") or key[1]
            what = "NIS" if key[0] == "nis" else "NISN"
            parsed.add_error(
                _("%(what)s %(v)s muncul lebih dari sekali di file (juga di baris %(n)s).")
                % {"what": what, "v": label, "n": first.number}
            )
            first.add_error(
                _("%(what)s %(v)s muncul lebih dari sekali di file (juga di baris %(n)s).")
                % {"what": what, "v": label, "n": parsed.number}
            )


def _duplicate_keys(result: ParseResult, parsed: ParsedRow) -> list[tuple]:
    nisn, nis = parsed.data.get("nisn"), parsed.data.get("nis")
    if result.kind == "roster" or (result.kind == "grades" and result.layout == "wide"):
        term = parsed.data.get("term", "")
        keys = [("nisn", nisn, term)] if nisn else []
        return keys + ([("nis", nis, term)] if nis else [])
    if result.kind == "attendance" and result.layout == "recap":
        return [("nisn", nisn or "nis:" + (nis or ""), parsed.data.get("term", ""))]
    if result.kind == "grades":  # long: one row per student, subject, component and term
        if not parsed.cells:
            return []
        subject, component, term, _score = parsed.cells[0]
        return [("grade", parsed.student_key, subject.lower(), component, term)]
    # daily attendance: one row per student per sheet (sheets never share a date)
    return [("day", parsed.student_key, parsed.sheet)]
