"""Parsing a whole file: the walk over the sheets, the choice of each sheet's table, the parser
of the kind (roster, grades, attendance) and the check for the same student twice in one file.
This module sits on top: the kind parsers never import it."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from . import attendance, grades, pkl, points, roster
from .errors import FileRejected
from .headers import Table, find_table, title_npsn
from .identity import IDENTITY_ACCEPT, IDENTITY_CHOICES, SKIP, file_conflicts
from .reading import read_sheets
from .rows import KINDS, ParsedRow, ParseResult, Progress
from .values import clean_text, is_blank, parse_term, school_year_of

__all__ = ["KINDS", "ParseResult", "ParsedRow", "mark_duplicates", "parse_file"]


SHEET_CHOICE = "_sheet"  # mapping key of the sheet the user chose in the preview
ERROR_VALUES = {"#n/a", "#ref!", "#value!", "#div/0!", "#name?", "#num!", "#null!"}
# a sheet whose table explains clearly fewer columns than the best sheet's is another table
# (a graduates list, a buku klaper, an aggregate) and is left out
KEEP_SCORE_RATIO = 0.75


def parse_file(
    path: Path,
    fmt: str,
    kind: str,
    *,
    term_code: str | None = None,
    mapping: dict[str, str] | None = None,
    max_rows: int,
    progress: Progress | None = None,
    hidden_fields: frozenset[str] = frozenset(),
) -> ParseResult:
    """Read and parse one file. Raises FileRejected for whatever makes the whole file
    unusable; row problems are kept on each ParsedRow. With many sheets, only those holding
    a recognisable table of the kind are used; the others are listed in `skipped` with the
    reason. `mapping["_sheet"]` restricts the import to the sheet the user chose. Columns of
    `hidden_fields` (what the importing user may not read) are not read: listed as ignored."""
    mapping = dict(mapping or {})
    chosen = mapping.pop(SHEET_CHOICE, "")
    choices = mapping.pop(IDENTITY_CHOICES, None) or {}
    mapping.pop(IDENTITY_ACCEPT, None)
    sheets = read_sheets(path, fmt, max_rows=max_rows)
    result = ParseResult(kind=kind, sheets=sheets)
    if chosen and chosen not in {sheet.name for sheet in sheets}:
        raise FileRejected(
            _("Lembar %(s)s tidak ada di file ini. Lembar yang ada: %(all)s.")
            % {"s": chosen, "all": ", ".join(sheet.name for sheet in sheets)},
            code="no_such_sheet",
        )
    candidates = []
    for sheet in sheets:
        if chosen and sheet.name != chosen:
            result.skipped.append((sheet.name, _("bukan lembar yang dipilih")))
            continue
        table = find_table(kind, sheet.rows, sheet.name, mapping)
        if table is None:
            result.skipped.append((sheet.name, _("judul kolom tidak ditemukan")))
            continue
        why = _unusable(sheet, table) if len(sheets) > 1 else ""
        if why:
            result.skipped.append((sheet.name, why))
            continue
        candidates.append(table)
    best: dict[bool, int] = {}
    for table in candidates:
        best[_is_grid(table)] = max(best.get(_is_grid(table), 0), table.score)
    for table in candidates:
        if not chosen and table.score < best[_is_grid(table)] * KEEP_SCORE_RATIO:
            result.skipped.append(
                (table.sheet, _("kolomnya lebih sedikit dikenali daripada lembar lain"))
            )
            continue
        result.tables.append(table)
    if len(sheets) > 1:
        for name, why in result.skipped:
            result.warnings.append(_("Lembar %(s)s dilewati: %(why)s.") % {"s": name, "why": why})
    if not result.tables:
        message = _(
            "Baris judul kolom tidak ditemukan. Pastikan ada baris berisi judul seperti "
            "NISN, Nama, Kelas, lalu data di bawahnya, atau unduh templatnya."
        )
        if len(sheets) > 1:
            message = " ".join([message, *result.warnings])
        raise FileRejected(message, code="no_header")
    result.npsn = next((n for t in result.tables if (n := title_npsn(t.title))), None)
    result.term_code = term_code or _title_term(result.tables)
    if result.term_code is None:
        result.term_year = next((y for t in result.tables if (y := school_year_of(t.title))), None)
    parser = {
        "roster": roster.parse,
        "grades": grades.parse,
        "attendance": attendance.parse,
        "pkl": pkl.parse,
        "points": points.parse,
    }
    ignore_hidden_columns(result, hidden_fields)
    parser[kind](result, progress=progress)
    drop_skipped(result, choices)
    fold_repeats(result)
    file_conflicts(result)
    mark_duplicates(result)
    return result


def ignore_hidden_columns(result: ParseResult, hidden_fields: frozenset[str]) -> None:
    """Columns the importing user may not read (a walikelas' roster with "Penerima KIP") are
    neither read nor written, so neither the data nor the counts of updated rows tell the
    stored values; the preview says which columns were left out and why."""
    headers = []
    for table in result.tables:
        for name in sorted(hidden_fields & table.fields.keys()):
            index = table.fields.pop(name)
            header = next((c.header for c in table.columns if c.index == index), name)
            why = _("hanya operator, guru BK dan kepala sekolah yang mengisi data sosial-ekonomi")
            table.notes[index] = why  # the preview lists it among the columns not used
            result.ignored.append((header, why))
            headers.append(header)
    if headers:
        result.warnings.append(
            _(
                "Kolom %(cols)s diabaikan: data sosial-ekonomi siswa hanya diisi oleh operator, "
                "guru BK atau kepala sekolah. Nilai yang tersimpan tidak diubah."
            )
            % {"cols": ", ".join(dict.fromkeys(headers))}
        )


def drop_skipped(result: ParseResult, choices: dict[str, str]) -> None:
    """Rows the operator chose to skip in the preview ("lewati") are left out."""
    skipped = {key for key, choice in choices.items() if choice == SKIP}
    if not skipped:
        return
    result.skipped_rows = [r.key for r in result.rows if r.key in skipped]
    result.rows = [r for r in result.rows if r.key not in skipped]


def _merged(first: ParsedRow, again: ParsedRow) -> bool:
    """Fold `again` into `first` when it says nothing that disagrees with it (the same
    student on the master sheet and on the class sheet); False when they disagree."""
    if first.errors or again.errors:
        return False
    empty = ("", None)
    both = [
        k
        for k in first.data.keys() & again.data.keys()
        if first.data[k] not in empty and again.data[k] not in empty
    ]
    if any(first.data[k] != again.data[k] for k in both):
        return False
    scores = {c[:3]: c[3] for c in first.cells}
    if any(scores.get(c[:3], c[3]) != c[3] for c in again.cells):
        return False
    for key, value in again.data.items():
        if value not in empty and first.data.get(key) in empty:
            first.data[key] = value
    first.cells += [c for c in again.cells if c[:3] not in scores]
    return True


def fold_repeats(result: ParseResult) -> None:
    """A student repeated in one file (or in two sheets of one workbook) with nothing that
    disagrees is one student: counted once (result.repeats says how many rows were folded)."""
    if not (
        result.kind == "roster"
        or (result.kind == "grades" and result.layout == "wide")
        or (result.kind == "attendance" and result.layout == "recap")
    ):
        return
    seen: dict[tuple, ParsedRow] = {}
    kept = []
    for parsed in result.rows:
        nisn, nis = parsed.data.get("nisn"), parsed.data.get("nis")
        term = parsed.data.get("term", "")
        keys = [k for k in (("nisn", nisn, term), ("nis", nis, term)) if k[1]]
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None and _merged(first, parsed):
            result.repeats += 1
            continue
        for k in keys:
            seen.setdefault(k, parsed)
        kept.append(parsed)
    result.rows = kept


def _is_grid(table: Table) -> bool:
    """A daily attendance grid (dates across) is ranked against other grids only: a recap
    sheet beside the monthly grids never pushes them out."""
    return sum(1 for c in table.columns if c.field == "day") >= attendance.MIN_DAY_COLUMNS


def _unusable(sheet, table: Table) -> str:
    """Why a sheet's table holds no data to import ("" when it does): no data rows, or
    identity cells that are all failed formulas (#N/A from a VLOOKUP form). Stops at the
    first real data row, so a normal sheet costs one row."""
    keys = [table.fields[f] for f in ("nisn", "nis", "name") if f in table.fields]
    filled = False
    for row in sheet.rows[table.data_start :]:
        values = [row[k] for k in keys if k < len(row) and not is_blank(row[k])]
        if not values:
            continue
        if not all(clean_text(v).lower() in ERROR_VALUES for v in values):
            return ""
        filled = True
    if not filled:
        return _("tidak ada baris data")
    return _("isinya rumus yang gagal (#N/A), bukan data siswa")


_TERM_WORDS = ("semester", "ganjil", "genap", "gasal")


def _title_term(tables: list[Table]) -> str | None:
    for table in tables:
        for line in table.title.split(" | "):
            if not any(word in line.lower() for word in _TERM_WORDS):
                continue
            try:
                return parse_term(line, default_year=school_year_of(table.title))
            except ValueError:
                continue
    return None


def mark_duplicates(result: ParseResult) -> None:
    """The same student (or the same grade / day of a student) twice in one file: both rows
    are errors, because nobody can tell which one is right."""
    seen: dict[tuple, ParsedRow] = {}
    for parsed in result.rows:
        if parsed.conflict is not None:  # the same NISN under two names: a conflict already
            continue
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
    if result.kind == "points":  # a student may have many entries, even on one day
        return []
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
