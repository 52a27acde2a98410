"""Roster (daftar siswa): one row per student, from Dapodik, e-Rapor or a hand-made list."""

from __future__ import annotations

from django.utils.translation import gettext as _

from smk_dashboard.core.phones import phone_normalize

from .errors import FileRejected
from .former import current_school_year, former_reason
from .headers import title_class
from .rows import (
    ParsedRow,
    ParseResult,
    Progress,
    cell,
    data_rows,
    read_identity,
    require_identity_columns,
)
from .values import (
    INCOME_LABELS,
    clean_text,
    is_blank,
    parse_bool,
    parse_date,
    parse_distance,
    parse_education,
    parse_gender,
    parse_grade_level,
    parse_income,
)


def parse_name(value) -> str:
    return clean_text(value)[:120]


OPTIONAL = {
    "father_education": parse_education,
    "mother_education": parse_education,
    "father_occupation": clean_text,
    "mother_occupation": clean_text,
    "income_bracket": parse_income,
    "mother_income": parse_income,
    "guardian_income": parse_income,
    "kip_recipient": parse_bool,
    "distance_km": parse_distance,
    "birth_date": parse_date,
    "gender": parse_gender,
    "grade_level": parse_grade_level,
    "father_name": parse_name,
    "mother_name": parse_name,
    "guardian_name": parse_name,
    "parent_phone": lambda v: phone_normalize(clean_text(v)),
    "guardian_phone": lambda v: phone_normalize(clean_text(v)),
}


REGISTER_FIELDS = ("entry_year", "leave_year", "status_note")


def parse(result: ParseResult, *, progress: Progress | None = None) -> None:
    """Fills result.rows; data keys: nisn, nis, name, school_class, major and, when the column
    exists and the cell is filled, gender, birth_date and the socio-economic fields."""
    result.layout = "roster"
    year = current_school_year(result.term_code)
    for table in result.tables:
        require_identity_columns(table)
        if "name" not in table.fields:
            raise FileRejected(
                _("Kolom Nama tidak ditemukan di lembar %(s)s.") % {"s": table.sheet},
                code="no_name",
            )
        default_class = title_class(table.title)
        for i, row in data_rows(result, table, progress):
            parsed = ParsedRow(sheet=table.sheet, number=i + 1, raw=row)
            read_identity(parsed, row, table, require_nisn=True)
            if not parsed.data["name"]:
                parsed.add_error(_("Nama siswa kosong."))
            parsed.data["school_class"] = (
                clean_text(cell(row, table, "school_class"))[:60] or (default_class[:60])
            )
            parsed.data["major"] = clean_text(cell(row, table, "major"))[:200]
            for name, parser in OPTIONAL.items():
                value = cell(row, table, name)
                if name not in table.fields or is_blank(value):
                    continue
                try:
                    parsed.data[name] = parser(value)
                except ValueError as exc:
                    parsed.add_error(str(exc))
            household_income(parsed.data)
            register = {f: cell(row, table, f) for f in REGISTER_FIELDS if f in table.fields}
            why = former_reason(parsed.data, register, year) if register else ""
            if why:  # a register of every student ever enrolled: only current ones come in
                result.former.append((table.sheet, parsed.number, why))
                continue
            result.rows.append(parsed)


def household_income(data: dict) -> None:
    """Dapodik has an income per parent and for the guardian (Data Ayah / Ibu / Wali); the
    student record keeps one bracket for the household: the higher of the parents' brackets,
    or the guardian's when neither parent has one (the student lives with a wali). Text that
    is no known bracket is kept as typed, the father's first."""
    parents = [data.pop(k) for k in ("income_bracket", "mother_income") if k in data]
    guardian = [data.pop("guardian_income")] if "guardian_income" in data else []
    for candidates in (parents, guardian):
        known = [v for v in candidates if v in INCOME_LABELS]
        if known:
            data["income_bracket"] = max(known, key=INCOME_LABELS.index)
            return
    if parents or guardian:
        data["income_bracket"] = (parents or guardian)[0]
