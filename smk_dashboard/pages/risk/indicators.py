"""Flags before a model (issue 26): the students of the risk list that the school's plain
indicators flag, each with the indicators that fired. Grades and attendance come from
`students.indicators`, conduct points from `interventions.conduct`: the combination lives
here, in the top layer. No probability: these are flags, "berdasarkan indikator, belum
model"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from interventions.conduct.selectors import points_totals
from students.indicators import Flag, indicator_flags, indicator_settings_get, indicator_term
from students.models import AcademicTerm, IndicatorSettings, Student, StudentStatus, User
from students.selectors import student_queryset_for_user

from .selectors import RiskFilters

INDICATOR_LIST_SIZE = 200


@dataclass
class IndicatorRow:
    student: Student
    flags: list[Flag]


@dataclass
class IndicatorList:
    term: AcademicTerm | None
    settings: IndicatorSettings
    rows: list[IndicatorRow] = field(default_factory=list)
    flagged: int = 0  # all flagged students, when rows are cut at INDICATOR_LIST_SIZE
    checked: int = 0  # active students looked at


def school_indicator_flags(*, students) -> tuple[AcademicTerm | None, dict[int, list[Flag]]]:
    """Flags of `students` (one school's, already scoped) in the latest term with data."""
    first = students.select_related("school").first()
    if first is None:
        return None, {}
    school = first.school
    ids = list(students.values_list("id", flat=True))
    term = indicator_term(school=school)
    flags = indicator_flags(
        school=school, student_ids=ids, term=term, points=points_totals(student_ids=ids)
    )
    return term, flags


def risk_indicator_list(*, user: User, filters: RiskFilters) -> IndicatorList | None:
    """The flagged students among those the user may see (risk list filters apply), most
    flags first; None for a user without a school."""
    if not user.school_id:
        return None
    students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
    if filters.school_class:
        students = students.filter(school_class_id=filters.school_class)
    if filters.major:
        students = students.filter(major_id=filters.major)
    if filters.q:
        students = students.filter(Q(name__icontains=filters.q) | Q(nisn__startswith=filters.q))
    term, flags = school_indicator_flags(students=students)
    result = IndicatorList(
        term=term,
        settings=indicator_settings_get(school=user.school),
        flagged=len(flags),
        checked=students.count(),
    )
    shown = ("id", "name", "nisn", "school_class__name")
    by_id = Student.objects.select_related("school_class").only(*shown).in_bulk(list(flags))
    ordered = sorted(flags, key=lambda i: (-len(flags[i]), by_id[i].name))
    result.rows = [
        IndicatorRow(student=by_id[i], flags=flags[i]) for i in ordered[:INDICATOR_LIST_SIZE]
    ]
    return result
