"""What every parser shares, below the parsers themselves: the parsed row, the result of a
whole file, the walk over a table's data rows and the reading of a student's identity.
Imports go one way: parsing -> roster / grades / attendance -> rows -> headers / values."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .errors import FileRejected
from .headers import Column, Table
from .reading import Sheet
from .values import clean_text, is_blank, parse_count, parse_nis, parse_nisn

KINDS = ("roster", "grades", "attendance", "pkl", "points")
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
    # an identity conflict (identity.py): what the file says, the stored students it points
    # to and why; never written until the operator resolves it
    conflict: dict | None = None

    @property
    def key(self) -> str:
        """Names the row in the operator's conflict choices: "sheet!row"."""
        return f"{self.sheet}!{self.number}"

    def add_error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    @property
    def student_key(self) -> str:
        return self.data.get("nisn") or ("nis:" + (self.data.get("nis") or ""))


@dataclass
class NoData:
    """Part of a sheet with no data at all (every S / I / A cell, every cell of a month or of
    a subject column is blank): it imports nothing, because a blank form is not zero."""

    sheet: str
    message: str  # what the preview says, naming the sheet and the months or columns
    students: list[str]  # "Name (NISN)" of the students it concerns
    dropped: bool  # True: nothing at all is imported for these students from this sheet


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
    term_year: int | None = None  # the school year the titles name, when the semester is not
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why) not used
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (column, why) not imported
    subjects: list[str] = field(default_factory=list)  # grades: the subjects in the file
    no_data: list[NoData] = field(default_factory=list)  # blank sheets, months, columns
    # roster: former students a register lists (sheet, row, why), left out of the import
    former: list[tuple[str, int, str]] = field(default_factory=list)
    repeats: int = 0  # rows repeating a student of an earlier row or sheet: counted once
    skipped_rows: list[str] = field(default_factory=list)  # keys the operator chose to skip

    @property
    def rejected(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.errors]


def term_missing(year: int | None = None) -> FileRejected:
    """The file does not say its semester. When it names the school year, ask only for the
    semester (the upload form and the preview offer both terms of that year)."""
    if year is not None:
        return FileRejected(
            _(
                "File ini menyebut tahun pelajaran %(y)s/%(z)s tetapi tidak menyebut semesternya. "
                "Pilih semesternya: Ganjil %(y)s/%(z)s atau Genap %(y)s/%(z)s."
            )
            % {"y": year, "z": year + 1},
            code="term_semester",
            params={"year": year},
        )
    return FileRejected(
        _(
            "Semester tidak diketahui. Pilih semester saat mengunggah (mis. 2024-1), tulis "
            '"Semester : Ganjil 2024/2025" di atas tabel, atau isi kolom Semester.'
        ),
        code="no_term",
    )


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
    raw_nis = cell(row, table, "nis")
    if isinstance(raw_nis, str) and "/" in raw_nis and is_blank(raw_nisn):
        # "NIS / NISN" in one cell: "102519525 / 3106989660"
        raw_nis, _sep, raw_nisn = raw_nis.partition("/")
    if is_blank(raw_nisn):
        parsed.data["nisn"] = ""
        if require_nisn and is_blank(raw_nis):
            parsed.add_error(_("NISN dan NIS kosong: siswa tidak bisa dikenali."))
    else:
        try:
            parsed.data["nisn"] = parse_nisn(raw_nisn)
        except ValueError as exc:
            parsed.data["nisn"] = ""
            parsed.add_error(str(exc))
    try:
        parsed.data["nis"] = parse_nis(raw_nis)
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


def recap_columns(table: Table) -> dict[str, list[Column]]:
    """The columns counted for sakit, izin and alpa. A recap by month (JULI over S / I / A)
    counts every month and not the totals beside them; otherwise the first column of each."""
    counted: dict[str, list[Column]] = {}
    for name in ("sakit", "izin", "alpa"):
        columns = [c for c in table.columns if c.field == name]
        monthly = [c for c in columns if c.month]
        counted[name] = monthly or columns[:1]
    return counted


def read_recap(parsed: ParsedRow, row: list, counted: dict[str, list[Column]]) -> None:
    """Sakit, izin and alpa of one row, summed over the months; a blank cell is 0."""
    for name, columns in counted.items():
        total = 0
        for column in columns:
            value = row[column.index] if column.index < len(row) else None
            try:
                total += parse_count(value)
            except ValueError as exc:
                parsed.add_error(f"{column.header}: {exc}")
        parsed.data[name] = total
