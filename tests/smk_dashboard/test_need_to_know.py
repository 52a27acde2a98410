"""Need-to-know (issue 15, item 2): a subject teacher sees no socio-economic values and no
reason naming them, in pages, exports or the API; free text about a student is encrypted."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from interventions.models import Intervention, Programme
from predictions.feedback import prediction_feedback_record
from smk_dashboard.core.crypto import decrypt_text
from smk_dashboard.core.fields import NEUTRAL_FACTOR_CODE, factors_for_user
from students.models import NonAcademicRating, Role
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

# What the explainer writes for a poor student far from school (predictions/ml/explain.py).
FACTORS = [
    {
        "code": "sosial_ekonomi",
        "weight": 0.9,
        "text": "Faktor sosial-ekonomi: penerima KIP, kelompok penghasilan 1 dari 5, "
        "jarak rumah 17,5 km",
    },
    {"code": "motivasi_sosial", "weight": 0.5, "text": "Motivasi 1 dari 5, keterampilan sosial 2"},
    {"code": "alpa", "weight": 0.4, "text": "Alpa 6 hari pada semester ini"},
]
SOCIO_WORDS = ["KIP", "penghasilan", "jarak rumah", "17,5", "Buruh lepas", "sosial-ekonomi"]
RATING_WORDS = ["Motivasi 1 dari 5"]


@pytest.fixture
def world(school, make_user):
    school_class = SchoolClassFactory(school=school)
    users = {r: make_user(r, school=school) for r in (Role.GURU, Role.WALIKELAS, Role.BK)}
    school_class.homeroom_teacher = users[Role.WALIKELAS]
    school_class.save()
    TeachingAssignmentFactory(teacher=users[Role.GURU], school_class=school_class)
    student = StudentFactory(
        school=school,
        school_class=school_class,
        income_bracket="1",
        distance_km="17,5",
        father_occupation="Buruh lepas",
        kip_recipient=True,
    )
    NonAcademicRating.objects.create(
        student=student, term=TermFactory(year=2025, semester=1), motivation=1, social_skills=2
    )
    version = ModelVersionFactory(school=school, is_active=True)
    PredictionFactory(student=student, model_version=version, factors=FACTORS)
    return users, student, school_class


def _pages_and_api(user, student, school_class) -> dict[str, str]:
    """Every page, export and API answer that shows this student, as text."""
    web = Client()
    web.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    csv = web.get("/students/risk/", {"export": "csv"})
    xlsx = web.get("/students/risk/", {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
    out = {
        "risk list": web.get("/students/risk/").content.decode(),
        "csv": b"".join(csv.streaming_content).decode("utf-8-sig"),
        "xlsx": cells,
        "profile": web.get(f"/students/{student.pk}/").content.decode(),
    }
    for path in (
        "/api/v1/students/",
        f"/api/v1/students/{student.pk}/",
        f"/api/v1/students/{student.pk}/predictions/",
        f"/api/v1/classes/{school_class.pk}/predictions/",
    ):
        response = api.get(path)
        assert response.status_code == 200, path
        out[path] = response.content.decode()
    return out


def test_a_guru_sees_no_socio_economic_value_rating_or_reason_naming_them(world):
    users, student, school_class = world
    for where, text in _pages_and_api(users[Role.GURU], student, school_class).items():
        for word in SOCIO_WORDS + RATING_WORDS:
            assert word not in text, f"{word!r} in {where}"
    detail = APIClient()
    detail.force_authenticate(users[Role.GURU])
    body = detail.get(f"/api/v1/students/{student.pk}/").json()
    assert body["kip_recipient"] is None
    assert body["income_bracket"] is None


def test_a_guru_learns_that_something_outside_school_mattered(world):
    users, student, school_class = world
    seen = _pages_and_api(users[Role.GURU], student, school_class)
    for where in (
        "risk list",
        "csv",
        "xlsx",
        "profile",
        f"/api/v1/students/{student.pk}/predictions/",
    ):
        assert "Faktor di luar sekolah" in seen[where], where
        # The school reason stays ("semester ini", or its term named on pages when the data is
        # from an earlier term).
        assert "Alpa 6 hari pada semester" in seen[where], where


def test_a_walikelas_sees_ratings_but_no_socio_economic_values(world):
    users, student, school_class = world
    seen = _pages_and_api(users[Role.WALIKELAS], student, school_class)
    for where, text in seen.items():
        for word in SOCIO_WORDS:
            assert word not in text, f"{word!r} in {where}"
    assert "Motivasi 1 dari 5" in seen["risk list"]


def test_bk_sees_the_socio_economic_reason_and_values(world):
    users, student, school_class = world
    seen = _pages_and_api(users[Role.BK], student, school_class)
    assert "penerima KIP" in seen["risk list"]
    assert "penerima KIP" in seen["csv"]
    api = APIClient()
    api.force_authenticate(users[Role.BK])
    body = api.get(f"/api/v1/students/{student.pk}/").json()
    assert body["kip_recipient"] is True
    assert body["income_bracket"] == "1"


def test_hidden_reasons_become_one_neutral_reason_per_group_with_the_largest_weight(
    make_user, school
):
    guru = make_user(Role.GURU, school=school)
    shown = factors_for_user(FACTORS, user=guru)
    assert [f["code"] for f in shown] == [NEUTRAL_FACTOR_CODE, "non_akademik", "alpa"]
    assert [f["text"] for f in shown[:2]] == ["Faktor di luar sekolah", "Faktor non-akademik"]
    assert shown[0]["weight"] == 0.9
    twice = [*FACTORS, {"code": "kip", "weight": -1.2, "text": "penerima KIP"}]
    assert [f["weight"] for f in factors_for_user(twice, user=guru)][0] == -1.2
    unknown = [{"code": "something_new", "weight": 0.2, "text": "Penghasilan 1"}]
    assert factors_for_user(unknown, user=guru)[0]["code"] == NEUTRAL_FACTOR_CODE
    bk = make_user(Role.BK, school=school)
    assert factors_for_user(FACTORS, user=bk) == FACTORS


def test_an_operator_gets_no_predictions_from_the_student_api(world, make_user, school):
    _users, student, _class = world
    api = APIClient()
    api.force_authenticate(make_user(Role.OPERATOR, school=school))
    body = api.get(f"/api/v1/students/{student.pk}/").json()
    assert body["latest_category"] is None and body["latest_p_kurang"] is None
    assert body["kip_recipient"] is True  # the operator keeps the data


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_free_text_about_a_student_and_kip_status_are_encrypted_at_rest(world):
    users, student, _class = world
    programme = Programme.objects.create(school=student.school, name="Konseling", tier=2)
    intervention = Intervention.objects.create(
        student=student,
        programme=programme,
        reason="Sering alpa karena bekerja",
        goal="Hadir penuh",
        closing_note="Orang tua setuju",
        owner=users[Role.BK],
        start_date=dt.date(2026, 2, 2),
    )
    prediction = student.predictions.get()
    feedback = prediction_feedback_record(
        prediction=prediction, user=users[Role.GURU], agrees=False, note="Anak ini rajin"
    )
    for table, column, pk, plain in (
        ("interventions_intervention", "reason", intervention.pk, "Sering alpa"),
        ("interventions_intervention", "goal", intervention.pk, "Hadir penuh"),
        ("interventions_intervention", "closing_note", intervention.pk, "Orang tua"),
        ("predictions_predictionfeedback", "note", feedback.pk, "rajin"),
    ):
        raw = _raw(table, column, pk)
        assert raw.startswith("fernet:") and plain not in raw.removeprefix("fernet:")
    kip = _raw("students_student", "kip_recipient", student.pk)
    assert kip.startswith("fernet:") and decrypt_text(kip) == "1"
    intervention.refresh_from_db()
    student.refresh_from_db()
    assert intervention.reason == "Sering alpa karena bekerja"
    assert student.kip_recipient is True
