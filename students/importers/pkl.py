"""PKL (praktik kerja lapangan) records: one row per student and term with the company, the
industry mentor, days present out of the placement days and the mentor's ratings."""

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
    term_missing,
)
from .values import clean_text, is_blank, parse_count, parse_score, parse_term


def parse(result: ParseResult, *, progress: Progress | None = None) -> None:
    """Rows: data nisn, nis, name, term, company, mentor, days_present, days_total,
    rating_attitude, rating_skills (blank numbers stay None)."""
    result.layout = "pkl"
    for table in result.tables:
        require_identity_columns(table)
        if "company" not in table.fields:
            raise FileRejected(
                _("Kolom Tempat PKL tidak ditemukan di lembar %(s)s.") % {"s": table.sheet},
                code="no_company",
            )
        if result.term_code is None and "term" not in table.fields:
            raise term_missing(result.term_year)
        for i, row in data_rows(result, table, progress):
            parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
            read_identity(parsed, row, table, require_nisn=True)
            _read_term(parsed, cell(row, table, "term"), result.term_code)
            parsed.data["company"] = clean_text(cell(row, table, "company"))[:200]
            if not parsed.data["company"]:
                parsed.add_error(_("Tempat PKL kosong."))
            parsed.data["mentor"] = clean_text(cell(row, table, "mentor"))[:120]
            for name in ("days_present", "days_total"):
                value = cell(row, table, name)
                try:
                    parsed.data[name] = None if is_blank(value) else parse_count(value)
                except ValueError as exc:
                    parsed.add_error(str(exc))
            present, total = parsed.data["days_present"], parsed.data["days_total"]
            if present is not None and total is not None and present > total:
                parsed.add_error(_("Hari hadir PKL lebih banyak dari hari PKL."))
            for name in ("rating_attitude", "rating_skills"):
                try:
                    parsed.data[name] = parse_score(cell(row, table, name))
                except ValueError as exc:
                    parsed.add_error(str(exc))
            result.rows.append(parsed)


def _read_term(parsed: ParsedRow, value, default: str | None) -> None:
    if is_blank(value):
        parsed.data["term"] = default or ""
        if not default:
            parsed.add_error(_("Semester kosong."))
        return
    try:
        parsed.data["term"] = parse_term(value)
    except ValueError as exc:
        parsed.data["term"] = ""
        parsed.add_error(str(exc))
