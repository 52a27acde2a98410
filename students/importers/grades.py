"""Grade ledger (leger nilai), wide (a column per subject, maybe with Pengetahuan /
Keterampilan under each) or long (NISN, Mapel, Semester, Nilai)."""

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
        grade_columns = _drop_letter_columns(result, table, grade_columns)
        recap = recap_columns(table) if {"sakit", "izin", "alpa"} & set(table.fields) else {}
        for column in grade_columns:
            if column.subject not in result.subjects:
                result.subjects.append(column.subject)
        for i, row in data_rows(result, table, progress):
            parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
            read_identity(parsed, row, table, require_nisn=True)
            parsed.data["term"] = result.term_code
            if recap:
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
            result.rows.append(parsed)


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
            result.ignored.append((column.header, _("nilai huruf, bukan angka")))
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
