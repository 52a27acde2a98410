"""Grade ledger (leger nilai), wide (a column per subject, maybe with Pengetahuan /
Keterampilan under each) or long (NISN, Mapel, Semester, Nilai)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import blanks
from .errors import FileRejected
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
from .values import clean_text, is_blank, normalize_key, parse_score, parse_term
from .vocabulary import COMPONENT_WORDS


def parse(result: ParseResult, *, progress: Progress | None = None) -> None:
    """Fills result.rows; each row's cells are (subject header, component, term code, score)
    for every filled score cell. A blank cell is "not graded" and gives no cell at all."""
    long = all("subject" in t.fields and "score" in t.fields for t in result.tables)
    result.layout = "long" if long else "wide"
    for table in result.tables:
        require_identity_columns(table)
        if long:
            _parse_long(result, table, progress)
            continue
        grade_columns = [c for c in table.columns if c.field == "grade"]
        if not grade_columns:
            raise FileRejected(
                _("Tidak ada kolom mata pelajaran di lembar %(s)s.") % {"s": table.sheet},
                code="no_subjects",
            )
        if result.term_code is None:
            raise term_missing(result.term_year)
        rows = list(data_rows(result, table, progress))
        cells = [row for _i, row in rows]
        blank = [c for c in grade_columns if not blanks.column_filled(cells, c.index)]
        grade_columns = [c for c in grade_columns if all(c is not b for b in blank)]
        if grade_columns:
            grade_columns = _drop_letter_columns(result, table, grade_columns)
        recap = recap_columns(table) if {"sakit", "izin", "alpa"} & set(table.fields) else {}
        recap, empty_recap = blanks.split_recap(cells, recap)
        for column in grade_columns:
            if column.subject not in result.subjects:
                result.subjects.append(column.subject)
        sheet_rows = []
        for i, row in rows:
            parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
            read_identity(parsed, row, table, require_nisn=True)
            parsed.data["term"] = result.term_code
            if any(recap.values()):
                read_recap(parsed, row, recap)  # the ledger's S / I / A, blank = 0
            for column in grade_columns:
                value = row[column.index] if column.index < len(row) else None
                try:
                    score = parse_score(value)
                except ValueError as exc:
                    parsed.add_error(f"{column.header}: {exc}")
                    continue
                if score is not None:
                    parsed.cells.append((column.subject, column.component, result.term_code, score))
            sheet_rows.append(parsed)
        has_data = bool(grade_columns) or any(recap.values())
        _note_blanks(result, table, sheet_rows, blank, empty_recap, has_data=has_data)
        if has_data:
            result.rows.extend(sheet_rows)


def _note_blanks(result, table, rows, blank: list, empty_recap: list, *, has_data: bool) -> None:
    """A subject column or the S / I / A columns left blank for every student import nothing
    (a blank column is no score and no 0); a sheet left blank altogether imports no row."""
    for column in blank:
        table.notes[column.index] = _("kosong untuk semua siswa")
    recap_headers = []
    if empty_recap:
        for column in table.columns:
            if column.field in ("sakit", "izin", "alpa"):
                table.notes[column.index] = _("kosong untuk semua siswa")
                recap_headers.append(column.header)
    if not has_data:
        message = blanks.whole_sheet_grades(table.sheet, len(rows))
        blanks.note_blank(result.no_data, table.sheet, message, rows, dropped=True)
        return
    if blank:
        headers = [c.header for c in blank]
        message = blanks.blank_subjects(table.sheet, headers, len(rows))
        blanks.note_blank(result.no_data, table.sheet, message, rows, dropped=False)
    if recap_headers:
        message = blanks.blank_ledger_recap(table.sheet, recap_headers, len(rows))
        blanks.note_blank(result.no_data, table.sheet, message, rows, dropped=False)


LETTER_GRADES = {"a", "b", "c", "d", "e", "sb", "k", "sk", "bs", "mb", "bsh", "bsb", "ab", "bb"}


def _drop_letter_columns(result: ParseResult, table, columns: list) -> list:
    """Columns under a subject-like header whose filled cells are all letter grades
    (EKSTRA: A / B, predikat) are no scores: reported as ignored, never as row errors."""
    keep = []
    sheet = next(s for s in result.sheets if s.name == table.sheet)
    rows = sheet.rows[table.data_start :]
    for column in columns:
        if _all_letters(rows, column.index):
            column.field = "ignore"
            table.notes[column.index] = _("nilai huruf, bukan angka")
            result.ignored.append((column.header, table.notes[column.index]))
            continue
        keep.append(column)
    if not keep:
        raise FileRejected(
            _("Tidak ada kolom mata pelajaran di lembar %(s)s.") % {"s": table.sheet},
            code="no_subjects",
        )
    return keep


def _all_letters(rows: list[list], index: int) -> bool:
    """True when the column has filled cells and every one is a letter grade; stops at the
    first other value, so a column of scores costs one cell."""
    seen = False
    for row in rows:
        value = row[index] if index < len(row) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str) or normalize_key(value) not in LETTER_GRADES:
            return False
        seen = True
    return seen


def _parse_long(result: ParseResult, table, progress) -> None:
    default_year = int(result.term_code[:4]) if result.term_code else None
    if "term" not in table.fields and result.term_code is None:
        raise term_missing(result.term_year)
    for i, row in data_rows(result, table, progress):
        parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
        read_identity(parsed, row, table, require_nisn=True)
        subject = clean_text(cell(row, table, "subject"))
        if not subject:
            parsed.add_error(_("Mata pelajaran kosong."))
        term = result.term_code
        raw_term = cell(row, table, "term")
        if not is_blank(raw_term):
            try:
                term = parse_term(raw_term, default_year=default_year)
            except ValueError as exc:
                parsed.add_error(str(exc))
        component_text = normalize_key(cell(row, table, "component"))
        component = COMPONENT_WORDS.get(component_text, "akhir")
        if component_text and component_text not in COMPONENT_WORDS:
            parsed.add_error(
                _("Komponen %(v)s tidak dikenal (Pengetahuan, Keterampilan atau Akhir).")
                % {"v": clean_text(cell(row, table, "component"))}
            )
        try:
            score = parse_score(cell(row, table, "score"))
        except ValueError as exc:
            parsed.add_error(str(exc))
            score = None
        if score is not None and subject and term:
            parsed.cells.append((subject, component, term, score))
        parsed.data["term"] = term or ""
        result.rows.append(parsed)
