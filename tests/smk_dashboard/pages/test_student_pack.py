"""The one-page student pack /students/<id>/summary.pdf: who may print it, what it holds,
and that it fits one A4 page."""

import contextlib
import datetime as dt
import re
import zlib

import pytest
from django.test import Client
from django.utils import timezone

from interventions.conduct import services as conduct_services
from interventions.conduct.models import Behaviour
from interventions.contacts import services as contact_services
from interventions.models import Status
from smk_dashboard.pages.pack.pdf import student_pack_pdf
from smk_dashboard.pages.pack.selectors import student_pack
from students.models import AttendanceSummary, GradeRecord, Role
from tests.interventions.factories import InterventionFactory, SessionFactory
from tests.predictions.factories import PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOTE = "Ayah di penjara sejak Juli"
SUMMARY = "Ibu menangis di telepon"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    """The text drawn on the pages (fpdf streams, inflated when compressed)."""
    chunks = []
    # Up to "endstream" with the line break kept: compressed bytes may themselves end in
    # "\r", and a decompressor object ignores whatever follows the end of the zlib data.
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        with contextlib.suppress(zlib.error):
            raw = zlib.decompressobj().decompress(raw)
        chunks.extend(re.findall(rb"\((.*?)\)\s*Tj", raw, re.S))
    return " ".join(c.decode("latin-1").replace("\\(", "(").replace("\\)", ")") for c in chunks)


def page_count(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", content))


@pytest.fixture
def bk(school):
    return UserFactory(role=Role.BK, school=school)


@pytest.fixture
def kepsek(school):
    return UserFactory(role=Role.KEPSEK, school=school)


@pytest.fixture
def guru(school):
    return UserFactory(role=Role.GURU, school=school)


@pytest.fixture
def walikelas(school):
    return UserFactory(role=Role.WALIKELAS, school=school)


@pytest.fixture
def student(school, walikelas):
    school_class = SchoolClassFactory(school=school, homeroom_teacher=walikelas)
    return StudentFactory(school=school, school_class=school_class, name="Budi Santoso")


@pytest.fixture
def rich_student(school, student, bk, walikelas):
    """Grades rising over two terms, alpa falling, a prediction with reasons, points with an
    achievement, an open intervention with a confidential note, a contact summary, and
    socio-economic values."""
    t1, t2 = TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)
    maths = SubjectFactory(school=school, name="Matematika")
    GradeRecord.objects.create(student=student, subject=maths, term=t1, score=55)
    GradeRecord.objects.create(student=student, subject=maths, term=t2, score=78)
    AttendanceSummary.objects.create(student=student, term=t1, sakit=1, izin=0, alpa=9)
    AttendanceSummary.objects.create(student=student, term=t2, sakit=0, izin=1, alpa=2)
    PredictionFactory(student=student, category="kurang")
    conduct_services.point_catalogue_seed(school=school)
    for name in ("Bolos", "Juara lomba"):
        conduct_services.point_entry_record(
            user=walikelas,
            student=student,
            behaviour=Behaviour.objects.get(school=school, name=name),
            date=TODAY,
        )
    intervention = InterventionFactory(
        student=student, owner=bk, status=Status.IN_PROGRESS, start_date=TODAY
    )
    SessionFactory(intervention=intervention, notes=NOTE, created_by=bk)
    contact_services.parent_contact_record(
        user=bk,
        student=student,
        date=TODAY,
        channel="telepon",
        contact_person="Ibu",
        summary=SUMMARY,
    )
    student.father_occupation = "Buruh harian lepas"
    student.income_bracket = "1"
    student.save()
    return student


@pytest.mark.parametrize("role", [Role.BK, Role.KEPSEK, Role.WALIKELAS])
def test_bk_kepsek_and_the_walikelas_get_a_one_page_a4_pdf(
    role, rich_student, bk, kepsek, walikelas
):
    user = {Role.BK: bk, Role.KEPSEK: kepsek, Role.WALIKELAS: walikelas}[role]
    response = client_for(user).get(f"/students/{rich_student.pk}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_count(response.content) == 1
    assert b"/MediaBox [0 0 595.28 841.89]" in response.content  # A4 in points
    text = pdf_text(response.content)
    assert rich_student.name in text and "Matematika naik 23 poin" in text
    assert NOTE not in text and SUMMARY not in text and "Buruh" not in text


def test_guru_operator_and_another_walikelas_get_404(school, rich_student, guru, make_user):
    TeachingAssignmentFactory(teacher=guru, school_class=rich_student.school_class)
    others = [
        guru,
        make_user(Role.OPERATOR, school=school),
        UserFactory(role=Role.WALIKELAS, school=school),
    ]
    for user in others:
        response = client_for(user).get(f"/students/{rich_student.pk}/summary.pdf")
        assert response.status_code == 404, user.role


def test_another_school_bk_gets_404(other_school, rich_student):
    stranger = UserFactory(role=Role.BK, school=other_school)
    assert client_for(stranger).get(f"/students/{rich_student.pk}/summary.pdf").status_code == 404


def test_the_pack_holds_identity_trends_prediction_accuracy_points_strengths_and_interventions(
    rich_student,
):
    data = student_pack(student=rich_student)
    assert data["identity"]["class"] == rich_student.school_class.name
    assert data["grades"] == [("Ganjil 2024/2025", 55.0), ("Genap 2024/2025", 78.0)]
    assert data["absence_unit"] == "term"
    assert data["absences"] == [("Ganjil 2024/2025", 10), ("Genap 2024/2025", 3)]
    assert data["prediction"]["category"] == "kurang"
    # As the profile shows it: the term of the data is named when it is not the current one.
    assert data["prediction"]["reasons"][0].startswith("Alpa 6 hari pada semester")
    assert data["model"]["accuracy"][0] == pytest.approx(0.8)
    assert data["points"]["total"] == 20 - 20
    text = pdf_text(student_pack_pdf(data, compress=False))
    for expected in (
        "Prediksi saat ini",
        "Alpa 6 hari pada semester",
        "akurasi terukur 0.80",
        "total 0",
        "Juara lomba",
        "Alpa turun dari 9 menjadi 2 hari",
        "Konseling individual - Berjalan",
    ):
        assert expected in text, expected


def test_a_student_who_objects_to_automated_decisions_shows_no_prediction(rich_student):
    from students.models import StudentPrivacy

    StudentPrivacy.objects.create(student=rich_student, objects_to_automated_decisions=True)
    data = student_pack(student=rich_student)
    assert data["excluded"] and data["prediction"] is None
    assert "Tidak diprediksi" in pdf_text(student_pack_pdf(data, compress=False))


def test_a_long_history_still_fits_one_page(school, rich_student, walikelas):
    late = Behaviour.objects.get(school=school, name="Terlambat")
    for k in range(30):
        conduct_services.point_entry_record(
            user=walikelas,
            student=rich_student,
            behaviour=late,
            date=TODAY - dt.timedelta(days=k),
            description="x" * 400,
        )
    for _ in range(8):
        InterventionFactory(student=rich_student, status=Status.PLANNED, start_date=TODAY)
    assert page_count(student_pack_pdf(student_pack(student=rich_student))) == 1


def test_the_profile_links_the_pack_for_bk_but_not_for_guru(rich_student, bk, guru):
    TeachingAssignmentFactory(teacher=guru, school_class=rich_student.school_class)
    assert (
        'data-testid="student-pack"'
        in client_for(bk).get(f"/students/{rich_student.pk}/").content.decode()
    )
    assert (
        'data-testid="student-pack"'
        not in client_for(guru).get(f"/students/{rich_student.pk}/").content.decode()
    )
