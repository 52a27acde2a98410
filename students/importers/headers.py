"""Finding the table in a sheet: the header row (under any title rows), a second header row
when there is one (a subject over Pengetahuan / Keterampilan, "Data Ayah" over "Pekerjaan",
"Ketidakhadiran" over S / I / A), which column holds which field, and what the title rows say
(semester, NPSN, class, month)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .values import MONTHS, clean_text, normalize_key, parse_date
from .vocabulary import COMPONENT_WORDS, aliases_for, field_of, is_parent_header

HEADER_SEARCH_ROWS = 40


@dataclass
class Column:
    index: int
    header: str  # as the user sees it: "Matematika / Pengetahuan"
    key: str  # normalised header: what a manual mapping refers to
    field: str = ""  # a field name, "grade", "day", "ignore" or "" (not recognised)
    subject: str = ""  # grade columns: the subject header
    component: str = ""  # grade columns: pengetahuan / keterampilan / akhir
    day: dt.date | None = None  # daily attendance columns
    manual: bool = False
    month: int | None = None  # a month group above the column ("JULI" over S / I / A)


@dataclass
class Table:
    sheet: str
    header_rows: tuple[int, ...]  # 0-based indexes of the header row(s)
    columns: list[Column]
    title: str  # the text of the rows above the header, joined
    data_start: int = 0
    fields: dict[str, int] = field(default_factory=dict)  # field -> column index (first)
    score: int = 0  # how much of the header was recognised: ranks the sheets of a workbook
    notes: dict[int, str] = field(default_factory=dict)  # column index -> why it is not used

    @property
    def header_row_numbers(self) -> list[int]:
        return [r + 1 for r in self.header_rows]


def _is_number_like(value: Any) -> bool:
    if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
        return True
    text = clean_text(value).replace(",", ".")
    try:
        float(text)
    except ValueError:
        return False
    return True


def day_column(value: Any) -> int | dt.date | None:
    """A daily-grid header: a real date (cell, serial or text) or a day number 1–31."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 31:
            return int(value)
        if 35_000 <= value <= 60_000 and float(value).is_integer():
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    text = clean_text(value)
    if text.isdigit() and 1 <= int(text) <= 31 and len(text) <= 2:
        return int(text)
    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2}", text):
        try:
            return parse_date(text)
        except ValueError:
            return None
    return None


def _classify(kind: str, top: Any, sub: Any, aliases: dict[str, str]) -> tuple[str, str, str]:
    """(field, subject, component) for one column, from its top and (maybe) sub header."""
    top_key, sub_key = normalize_key(top), normalize_key(sub)
    if kind == "grades" and sub_key in COMPONENT_WORDS and top_key not in aliases:
        return "grade", clean_text(top), COMPONENT_WORDS[sub_key]
    combined = f"{top_key} {sub_key}".strip()
    # under "Data Ayah" / "Data Wali", "Nama" is the parent's name: only the whole header counts
    keys = [combined] if is_parent_header(top_key) else [combined, sub_key]
    if not sub_key:
        keys.append(top_key)
    for key in keys:
        if fld := field_of(key, aliases):
            return fld, "", ""
    if kind == "attendance" and day_column(sub if sub_key else top) is not None:
        return "day", "", ""
    if kind == "grades" and top_key and not sub_key:
        return "grade", clean_text(top), "akhir"
    return "", "", ""


def _build_columns(kind, rows, header_rows: tuple[int, ...], aliases) -> list[Column]:
    """One Column per filled header position. A merged cell holds its text in its first
    column only: a heading is carried right over the columns that have a header below it,
    until the same or a higher level starts a new heading."""
    levels = [rows[i] for i in header_rows]
    if len(levels) == 1:  # one header row: nothing to carry (the common, fast case)
        columns = []
        for c, value in enumerate(levels[0]):
            if value is None or not clean_text(value):
                continue
            fld, subject, component = _classify(kind, value, None, aliases)
            header = clean_text(value)
            columns.append(Column(c, header, normalize_key(header), fld, subject, component))
        return columns
    width = max(len(level) for level in levels)
    carried: list[Any] = [None] * len(levels)
    columns = []
    for c in range(width):
        values = [level[c] if c < len(level) else None for level in levels]
        for k, value in enumerate(values):
            if value is not None:
                carried[k] = value
                for j in range(k + 1, len(levels)):
                    carried[j] = None
        below = [k for k, v in enumerate(values) if v is not None]
        if not below:
            continue
        deepest = below[-1]
        # carried headings above the deepest filled level apply to this column too
        stack = [carried[k] if k < deepest else values[k] for k in range(deepest + 1)]
        stack = [v for v in stack if v is not None and clean_text(v)]
        if not stack:
            continue
        month = next((_month_word(v) for v in stack[:-1] if _month_word(v)), None)
        named = [v for v in stack if not _month_word(v)] if month else stack
        if len(named) >= 2:
            top, sub = named[-2], named[-1]
        elif month and named:
            top, sub = None, named[-1]
        else:
            top, sub = (named or stack)[-1], None
        fld, subject, component = _classify(kind, top, sub, aliases)
        header = " / ".join(clean_text(v) for v in stack)
        key = normalize_key(header)
        columns.append(Column(c, header, key, fld, subject, component, month=month))
    return columns


def _month_word(value: Any) -> int | None:
    """A month name written out (JULI, Agustus, Sept): the heading of a monthly group."""
    key = normalize_key(value)
    return MONTHS.get(key) if len(key) >= 3 else None


def _score(columns: list[Column]) -> int:
    known = {c.field for c in columns if c.field not in ("", "ignore", "grade", "day")}
    score = len(known) * 10
    if known & {"nisn", "nis"}:
        score += 5
    # grade columns explained by a second header row (Pengetahuan, NA...) and S / I / A
    # columns under a month each count, so a header that explains them wins
    subs = [c for c in columns if c.field == "grade" and " / " in c.header]
    monthly = [c for c in columns if c.month and c.field in ("sakit", "izin", "alpa")]
    days = [c for c in columns if c.field == "day"]
    return score + len(subs) + len(monthly) + min(len(days), 5)


def _sub_row_possible(kind, rows, r, aliases) -> bool:
    if r + 1 >= len(rows):
        return False
    below = [v for v in rows[r + 1] if v is not None]
    if not below or any(_is_number_like(v) for v in below):
        return False
    keys = {normalize_key(v) for v in below}
    # H / Hadir under the header is a daily-grid data row, not a second header row
    return not (kind == "attendance" and keys & {"h", "hadir"})


def find_table(kind: str, rows: list[list[Any]], sheet: str, mapping: dict | None) -> Table | None:
    """The best-scoring header (one row, or two rows when that explains more columns)."""
    aliases = aliases_for(kind)
    best: tuple[int, tuple[int, ...]] | None = None
    best_columns: list[Column] = []
    for r in range(min(len(rows), HEADER_SEARCH_ROWS)):
        if not any(v is not None for v in rows[r]):
            continue
        candidates: list[tuple[int, ...]] = [(r,)]
        if _sub_row_possible(kind, rows, r, aliases):
            candidates.append((r, r + 1))
            if _sub_row_possible(kind, rows, r + 1, aliases):
                candidates.append((r, r + 1, r + 2))
        for header_rows in candidates:
            columns = _build_columns(kind, rows, header_rows, aliases)
            # prefer fewer rows when more explain nothing more
            score = _score(columns) - (len(header_rows) - 1)
            if best is None or score > best[0]:
                best, best_columns = (score, header_rows), columns
    if best is None or best[0] < 10:
        return None
    header_rows = best[1]
    top_i = header_rows[0]
    # one row of the title per "|", its cells joined by spaces: "Kelas : X KA 1" stays whole
    # when the label, the colon and the value sit in three cells
    title = " | ".join(
        line
        for row in rows[:top_i]
        if (line := " ".join(clean_text(v) for v in row if v is not None and clean_text(v)))
    )
    table = Table(
        sheet, header_rows, best_columns, title, data_start=header_rows[-1] + 1, score=best[0]
    )
    apply_mapping(table, mapping or {})
    return table


def apply_mapping(table: Table, mapping: dict[str, str]) -> None:
    """Manual choices (normalised header -> field) override what was recognised."""
    for column in table.columns:
        if column.key in mapping:
            choice = mapping[column.key]
            column.manual = True
            if choice.startswith("subject:"):
                column.field, column.subject = "grade", choice.removeprefix("subject:")
                column.component = column.component or "akhir"
            else:
                column.field = choice
    table.fields = {}
    for column in table.columns:
        if column.field not in ("", "ignore", "grade", "day"):
            table.fields.setdefault(column.field, column.index)


_NPSN = re.compile(r"\bnpsn\s*[:=]?\s*(\d{8})\b")
_CLASS = re.compile(r"(?<!wali )\b(?:kelas|rombel)\s*[:=]\s*([^|]+)")
_MONTH_YEAR = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\s*(\d{4})?"
)


def title_npsn(title: str) -> str | None:
    m = _NPSN.search(title.lower())
    return m[1] if m else None


def title_class(title: str) -> str:
    m = _CLASS.search(title.lower())
    if not m:
        return ""
    # recover the original spelling from the title text
    start = title.lower().find(m[1].strip())
    return clean_text(title[start : start + len(m[1].strip())])


def month_of(text: str) -> tuple[int, int | None] | None:
    """(month, year or None) from "Bulan : Juli 2024", a sheet named "Agustus" or "2024-07"."""
    low = text.lower()
    if (m := re.search(r"\b(\d{4})[-/](\d{1,2})\b", low)) and 1 <= int(m[2]) <= 12:
        return int(m[2]), int(m[1])
    m = re.search(r"\bbulan\s*:?\s*(\d{1,2})\b.*?\b(\d{4})\b", low)
    if m and 1 <= int(m[1]) <= 12:
        return int(m[1]), int(m[2])
    if m := _MONTH_YEAR.search(low):
        return MONTHS[m[1]], int(m[2]) if m[2] else None
    return None
