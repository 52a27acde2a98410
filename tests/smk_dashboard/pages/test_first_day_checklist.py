"""The operator's first-day checklist on the home page (issue 26, item 5) and the home pages
before a model: each step shows its real state and its link; flags say "berdasarkan
indikator, belum model" and never a probability."""

import re

import pytest
from django.test import Client

from students.models import AttendanceSummary, GradeRecord, Role
from tests.predictions.factories import ModelVersionFactory
from tests.students.factories import (
    MajorFactory,
    SchoolClassFactory,
    StudentFactory,
    SubjectFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def home(role, school) -> str:
    client = Client()
    client.force_login(UserFactory(role=role, school=school))
    return client.get("/").content.decode()


def steps(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-done="(\w+)"', page))


def test_an_empty_school_has_every_step_to_do(school):
    page = home(Role.OPERATOR, school)
    assert steps(page) == dict.fromkeys(
        ["roster", "majors", "grades", "attendance", "flags", "model"], "tidak"
    )
    assert "Belum ada siswa" in page and 'href="/students/dapodik/"' in page
    assert 'href="/students/imports/?kind=grades"' in page


def test_steps_follow_the_data_and_flags_come_before_a_model(school):
    unassigned = MajorFactory(school=school, code="BELUM", name="Belum ditentukan")
    cls = SchoolClassFactory(school=school, major=unassigned, name="X TKJ 1")
    student = StudentFactory(school=school, school_class=cls, name="Sering Alpa")
    term = TermFactory(year=2025, semester=1)
    GradeRecord.objects.create(
        student=student, subject=SubjectFactory(school=school), term=term, score=60
    )
    AttendanceSummary.objects.create(student=student, term=term, alpa=8, school_days=100)
    page = home(Role.OPERATOR, school)
    assert steps(page) == {"roster": "ya", "majors": "tidak", "grades": "ya",
                           "attendance": "ya", "flags": "ya", "model": "tidak"}  # fmt: skip
    assert "1 kelas belum punya kompetensi keahlian" in page
    assert "1 siswa ditandai, berdasarkan indikator (belum model)" in page
    cls.major = MajorFactory(school=school)
    cls.save()
    ModelVersionFactory(school=school, is_active=True)
    assert set(steps(home(Role.OPERATOR, school)).values()) == {"ya"}


@pytest.mark.parametrize("role", [Role.BK, Role.KEPSEK, Role.WALIKELAS, Role.GURU])
def test_home_pages_before_a_model_count_flags_without_a_probability(school, role):
    student = StudentFactory(school=school, name="Sering Alpa")
    AttendanceSummary.objects.create(
        student=student, term=TermFactory(year=2025, semester=1), alpa=8, school_days=100
    )
    page = home(role, school)
    assert "berdasarkan indikator, belum model" in page
    assert not re.search(r"risiko\s+\d+\s?%", page, re.IGNORECASE)
    if role in (Role.BK, Role.KEPSEK):  # teachers see their own classes only: none here
        assert "Alpa 8 hari (batas lebih dari 3)" in page


def test_the_home_page_audits_the_flagged_students_it_names(school):
    """Before a model the home page names flagged students: its audit row lists them (issue 25,
    finding 12)."""
    from smk_dashboard.core.models import AuditEvent

    student = StudentFactory(school=school, name="Sering Alpa")
    AttendanceSummary.objects.create(
        student=student, term=TermFactory(year=2025, semester=1), alpa=8, school_days=100
    )
    bk = UserFactory(role=Role.BK, school=school)
    client = Client()
    client.force_login(bk)
    assert "Sering Alpa" in client.get("/").content.decode()
    event = AuditEvent.objects.get(action="home.view", user=bk)
    assert student.pk in event.detail["student_ids"]
