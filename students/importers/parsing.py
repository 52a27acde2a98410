"""What every parser shares: the parsed row, the result of a whole file, the walk over the
sheets, and the check for the same student twice in one file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .errors import FileRejected
from .headers import Table, find_table, title_npsn
from .reading import Sheet, read_sheets
from .values import clean_text, is_blank, parse_nis, parse_nisn, parse_term

KINDS = ("roster", "grades", "attendance", "pkl")
Progress = Callable[[float], None]


@dataclass
class ParsedRow:
    sheet: str
    number: int  # the row number the user sees in the spreadsheet (1-based)
    raw: list[Any]
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # grades: (subject header, component, term code, score); attendance: (date, code)
    cells: list[tuple] = field(default_factory=list)

    def add_error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    @property
    def student_key(self) -> str:
        return self.data.get("nisn") or ("nis:" + (self.data.get("nis") or ""))


@dataclass
class ParseResult:
    kind: str
    layout: str = ""
    tables: list[Table] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    term_code: str | None = None
    npsn: str | None = None
    warnings: list[str] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)

    @property
    def rejected(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.errors]


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
    from . import attendance, grades, pkl, roster

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
    parser = {
        "roster": roster.parse,
        "grades": grades.parse,
        "attendance": attendance.parse,
        "pkl": pkl.parse,
    }
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


def data_rows(
    result: ParseResult, table: Table, progress: Progress | None
) -> Iterator[tuple[int, list[Any]]]:
    """(row index, cells) of the data rows of one table, skipping blank rows and footers
    (rows with neither NISN, NIS nor name: "Mengetahui, Kepala Sekolah", totals...)."""
    sheet = next(s for s in result.sheets if s.name == table.sheet)
    keys = [table.fields[f] for f in ("nisn", "nis", "name") if f in table.fields]
    total = len(sheet.rows)
    for i in range(table.data_start, total):
        row = sheet.rows[i]
        if progress and i % 2000 == 0:
            progress(i / total)
        if all(is_blank(row[k]) if k < len(row) else True for k in keys):
            continue
        yield i, row


def cell(row: list[Any], table: Table, name: str) -> Any:
    index = table.fields.get(name)
    if index is None or index >= len(row):
        return None
    return row[index]


def read_identity(parsed: ParsedRow, row: list[Any], table: Table, *, require_nisn: bool) -> None:
    """NISN (leading zeros restored), NIS and name, into parsed.data; errors noted."""
    raw_nisn = cell(row, table, "nisn")
    if is_blank(raw_nisn):
        parsed.data["nisn"] = ""
        if require_nisn and is_blank(cell(row, table, "nis")):
            parsed.add_error(_("NISN dan NIS kosong: siswa tidak bisa dikenali."))
    else:
        try:
            parsed.data["nisn"] = parse_nisn(raw_nisn)
        except ValueError as exc:
            parsed.data["nisn"] = ""
            parsed.add_error(str(exc))
    try:
        parsed.data["nis"] = parse_nis(cell(row, table, "nis"))
    except ValueError as exc:
        parsed.data["nis"] = ""
        parsed.add_error(str(exc))
    parsed.data["name"] = clean_text(cell(row, table, "name"))[:200]
    npsn = clean_text(cell(row, table, "npsn"))
    if npsn:
        parsed.data["npsn"] = npsn


def require_identity_columns(table: Table) -> None:
    if "nisn" not in table.fields and "nis" not in table.fields:
        raise FileRejected(
            _(
                "Kolom NISN atau NIS tidak ditemukan di lembar %(s)s. Tandai kolomnya pada "
                "pemetaan kolom, atau pakai templat."
            )
            % {"s": table.sheet},
            code="no_identity",
        )


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
    if result.kind == "pkl":  # one placement per student and term
        return [("pkl", parsed.student_key, parsed.data.get("term", ""))]
    if result.kind == "attendance" and result.layout == "recap":
        return [("nisn", nisn or "nis:" + (nis or ""), parsed.data.get("term", ""))]
    if result.kind == "grades":  # long: one row per student, subject, component and term
        if not parsed.cells:
            return []
        subject, component, term, _score = parsed.cells[0]
        return [("grade", parsed.student_key, subject.lower(), component, term)]
    # daily attendance: one row per student per sheet (sheets never share a date)
    return [("day", parsed.student_key, parsed.sheet)]
