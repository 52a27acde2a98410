"""Flags before a model (issue 26, item 2): each plain indicator fires on its own with the
school's threshold and says what fired; a blank threshold switches it off."""

import datetime as dt

import pytest

from students.indicators import indicator_flags, indicator_term
from students.models import AttendanceSummary, GradeRecord, IndicatorSettings
from tests.students.factories import StudentFactory, SubjectFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms():
    return TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)


def grades(student, term, scores, subjects):
    for subject, score in zip(subjects, scores, strict=True):
        GradeRecord.objects.create(student=student, subject=subject, term=term, score=score)


def test_each_indicator_fires_with_the_value_and_the_threshold(school, terms):
    before, now = terms
    subjects = [SubjectFactory(school=school, kkm=75) for _ in range(3)]
    steady = StudentFactory(school=school, name="Stabil")
    falling = StudentFactory(school=school, name="Menurun")
    grades(steady, before, [80, 80, 80], subjects)
    grades(steady, now, [80, 81, 79], subjects)
    grades(falling, before, [85, 85, 85], subjects)
    grades(falling, now, [70, 72, 80], subjects)  # two below KKM, average 74.0 (−11)
    AttendanceSummary.objects.create(student=steady, term=now, alpa=0, sakit=1, school_days=100)
    AttendanceSummary.objects.create(student=falling, term=now, alpa=6, izin=6, school_days=100)
    assert indicator_term(school=school) == now
    flags = indicator_flags(
        school=school, student_ids=[steady.id, falling.id], points={falling.id: 60}
    )
    assert steady.id not in flags
    by_code = {f.code: f.text for f in flags[falling.id]}
    assert set(by_code) == {"kehadiran", "alpa", "kkm", "rata_turun", "poin"}
    assert by_code["kehadiran"] == "Kehadiran 88% (batas 90%)"
    assert by_code["alpa"] == "Alpa 6 hari (batas lebih dari 3)"
    assert by_code["kkm"] == "2 mapel di bawah KKM (batas 2)"
    assert by_code["rata_turun"] == "Rata-rata turun 11,0 poin (85,0 → 74,0)"
    assert by_code["poin"] == "Poin pelanggaran 60 (batas 50)"
    assert all("peluang" not in t.lower() and "risiko" not in t.lower() for t in by_code.values())


def test_the_school_sets_the_thresholds_and_blank_switches_one_off(school, terms):
    _before, now = terms
    student = StudentFactory(school=school)
    AttendanceSummary.objects.create(student=student, term=now, alpa=2, school_days=100)
    assert indicator_flags(school=school, student_ids=[student.id]) == {}
    rules = IndicatorSettings.objects.create(school=school, max_alpa_days=1)
    assert [
        f.code for f in indicator_flags(school=school, student_ids=[student.id])[student.id]
    ] == ["alpa"]
    rules.max_alpa_days = None
    rules.save()
    assert indicator_flags(school=school, student_ids=[student.id]) == {}


def test_daily_attendance_counts_when_there_is_no_recap(school):
    term = TermFactory(year=2025, semester=1)
    term.start_date, term.end_date = dt.date(2025, 7, 14), dt.date(2025, 12, 19)
    term.save()
    student = StudentFactory(school=school)
    SubjectFactory(school=school)  # a school with a subject but no grades yet
    AttendanceSummary.objects.create(student=StudentFactory(school=school), term=term, alpa=0)
    days = [dt.date(2025, 8, d) for d in range(1, 11)]
    for day, status in zip(days, "HHHHHHAAAS", strict=True):
        student.attendance.create(date=day, status=status)
    codes = {f.code for f in indicator_flags(school=school, student_ids=[student.id])[student.id]}
    assert codes == {"kehadiran"}  # 6 of 10 days present; alpa 3 is not "more than 3"
