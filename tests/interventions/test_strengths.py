"""Strengths next to risks: the profile's positive signals and the home pages' "Membaik"
list."""

import pytest
from django.test import Client
from django.utils import timezone

from interventions.conduct import services as conduct_services
from interventions.conduct.models import Behaviour
from interventions.models import Outcome, Status
from interventions.strengths import improving_students, student_strengths
from students.models import AttendanceSummary, GradeRecord
from tests.interventions.factories import InterventionFactory
from tests.students.factories import StudentFactory, SubjectFactory, TermFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def terms():
    return TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)


def grades(student, subject, terms, scores):
    for term, score in zip(terms, scores, strict=True):
        GradeRecord.objects.create(student=student, subject=subject, term=term, score=score)


def texts(student) -> list[str]:
    return [s.text for s in student_strengths(student=student)]


def test_a_subject_counts_as_improving_only_by_the_meaningful_gain(school, student, terms):
    grades(student, SubjectFactory(school=school, name="Matematika"), terms, [60, 72])
    grades(student, SubjectFactory(school=school, name="Bahasa Inggris"), terms, [70, 75])
    assert texts(student) == ["Matematika naik 12 poin (Ganjil 2024/2025 → Genap 2024/2025)"]


def test_the_meaningful_gain_is_a_setting(settings, school, student, terms):
    settings.STRENGTH_MIN_GRADE_GAIN = 5
    grades(student, SubjectFactory(school=school, name="Bahasa Inggris"), terms, [70, 75])
    assert len(texts(student)) == 1


def test_achievements_count_but_voided_ones_do_not(school, student, walikelas, bk):
    conduct_services.point_catalogue_seed(school=school)
    prize = Behaviour.objects.get(school=school, name="Juara lomba")
    kept, _ = conduct_services.point_entry_record(
        user=walikelas, student=student, behaviour=prize, date=TODAY
    )
    voided, _ = conduct_services.point_entry_record(
        user=walikelas, student=student, behaviour=prize, date=TODAY
    )
    conduct_services.point_entry_void(user=bk, entry=voided, reason="dobel")
    assert texts(student) == [f"Juara lomba ({TODAY:%d-%m-%Y})"]


def test_attendance_recovered_and_an_intervention_closed_as_membaik(student, terms, bk):
    AttendanceSummary.objects.create(student=student, term=terms[0], alpa=8)
    AttendanceSummary.objects.create(student=student, term=terms[1], alpa=1)
    InterventionFactory(
        student=student, owner=bk, status=Status.COMPLETED, outcome=Outcome.IMPROVED
    )
    InterventionFactory(
        student=student, owner=bk, status=Status.COMPLETED, outcome=Outcome.NO_CHANGE
    )
    found = texts(student)
    assert "Alpa turun dari 8 menjadi 1 hari (Ganjil 2024/2025 → Genap 2024/2025)" in found
    assert sum("membaik" in t for t in found) == 1


def test_the_membaik_list_is_scoped_to_the_walikelas_class(
    school, student, other_class_student, walikelas, bk, terms
):
    for s in (student, other_class_student):
        AttendanceSummary.objects.create(student=s, term=terms[0], alpa=8)
        AttendanceSummary.objects.create(student=s, term=terms[1], alpa=0)
    StudentFactory(school=school, school_class=student.school_class)  # nothing positive
    assert [r.student for r in improving_students(user=walikelas)] == [student]
    assert {r.student for r in improving_students(user=bk)} == {student, other_class_student}
    page = client_for(walikelas).get("/").content.decode()
    assert 'data-testid="home-improving"' in page and student.name in page
    assert other_class_student.name not in page


def test_the_profile_shows_strengths(school, student, terms, bk):
    grades(student, SubjectFactory(school=school, name="Matematika"), terms, [50, 80])
    page = client_for(bk).get(f"/students/{student.pk}/").content.decode()
    assert 'data-testid="strength"' in page and "Matematika naik 30 poin" in page
