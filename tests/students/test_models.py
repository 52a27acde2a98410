"""Constraints make duplicates and impossible values impossible at the database level."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from students.models import AttendanceRecord, GradeRecord, Student
from tests.students.factories import (
    SchoolFactory,
    StudentFactory,
    SubjectFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


def test_one_grade_per_student_subject_term_and_component():
    student = StudentFactory()
    subject, term = SubjectFactory(school=student.school), TermFactory()
    GradeRecord.objects.create(student=student, subject=subject, term=term, score=80)
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeRecord.objects.create(student=student, subject=subject, term=term, score=81)
    GradeRecord.objects.create(
        student=student, subject=subject, term=term, component="keterampilan", score=81
    )


@pytest.mark.parametrize("score", [Decimal("-0.01"), Decimal("100.01")])
def test_scores_outside_0_to_100_are_refused(score):
    student = StudentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeRecord.objects.create(
            student=student,
            subject=SubjectFactory(school=student.school),
            term=TermFactory(),
            score=score,
        )


def test_nisn_is_unique_within_a_school_but_may_repeat_across_schools():
    a = StudentFactory(nisn="0012345678")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(school=a.school, nisn="0012345678")
    StudentFactory(school=SchoolFactory(), nisn="0012345678")


def test_nisn_keeps_its_leading_zeros():
    s = StudentFactory(nisn="0001234567")
    assert Student.objects.get(pk=s.pk).nisn == "0001234567"


def test_one_attendance_row_per_student_and_day():
    s = StudentFactory()
    AttendanceRecord.objects.create(student=s, date=dt.date(2024, 8, 1), status="H")
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceRecord.objects.create(student=s, date=dt.date(2024, 8, 1), status="A")


def test_term_label_reads_like_e_rapor():
    assert TermFactory(year=2024, semester=1).label == "Ganjil 2024/2025"
    assert TermFactory(year=2024, semester=2).label == "Genap 2024/2025"


def test_socio_economic_fields_are_encrypted_at_rest_and_plain_through_the_model():
    s = StudentFactory(father_occupation="Pedagang kecil", income_bracket="Rp 500.000")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT father_occupation, income_bracket FROM students_student WHERE id = %s",
            [s.pk],
        )
        raw = cursor.fetchone()
    assert all("Pedagang" not in v and "500" not in v for v in raw)
    assert all(v.startswith("fernet:") for v in raw)
    assert Student.objects.get(pk=s.pk).father_occupation == "Pedagang kecil"
