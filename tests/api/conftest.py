"""Two schools, each with a class, students with grades, attendance, a model version and
predictions, and one user per role; plus API clients."""

import datetime as dt
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from predictions.models import ModelVersion, Prediction
from students.models import AttendanceRecord, AttendanceSummary, GradeRecord, Role
from tests.cache_keys import clear_test_cache
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
    TermFactory,
    UserFactory,
)

ROLES = [Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK]


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    clear_test_cache()
    yield
    clear_test_cache()


def build_school(suffix: str):
    school = SchoolFactory()
    term = TermFactory(year=2024, semester=1)
    next_term = TermFactory(year=2024, semester=2)
    school_class = SchoolClassFactory(school=school)
    other_class = SchoolClassFactory(school=school, major=school_class.major)
    subject = SubjectFactory(school=school)
    users = {
        role: UserFactory(username=f"{role}{suffix}", role=role, school=school) for role in ROLES
    }
    school_class.homeroom_teacher = users[Role.WALIKELAS]
    school_class.save()
    TeachingAssignmentFactory(
        teacher=users[Role.GURU], school_class=school_class, subject=subject, term=term
    )
    students = StudentFactory.create_batch(3, school=school, school_class=school_class)
    outsider = StudentFactory(school=school, school_class=other_class)
    version = ModelVersion.objects.create(
        school=school,
        algorithm="gbdt",
        version=1,
        metrics={
            "macro_f1": {"mean": 0.61, "std": 0.02},
            "recall_kurang": {"mean": 0.7, "std": 0.05},
            "confusion_matrix": [[7, 2, 1], [3, 20, 4], [0, 5, 18]],
            "labels": ["kurang", "sedang", "baik"],
        },
        feature_schema={"static": ["kip_recipient"]},
        artifact_path=f"/tmp/model-{suffix}.joblib",
        artifact_sha256="0" * 64,
        data_fingerprint="f" * 64,
        is_active=True,
    )
    for k, student in enumerate([*students, outsider]):
        GradeRecord.objects.create(student=student, subject=subject, term=term, score=60 + 10 * k)
        AttendanceRecord.objects.create(student=student, date=dt.date(2024, 8, 1), status="H")
        AttendanceRecord.objects.create(student=student, date=dt.date(2024, 8, 2), status="A")
        AttendanceSummary.objects.create(
            student=student, term=term, sakit=1, izin=0, alpa=k, school_days=100
        )
        category = ["kurang", "sedang", "baik", "kurang"][k]
        Prediction.objects.create(
            student=student,
            term=next_term,
            based_on_term=term,
            model_version=version,
            category=category,
            p_kurang=0.8 - 0.2 * k if category == "kurang" else 0.1,
            p_sedang=0.1,
            p_baik=0.1 if category == "kurang" else 0.8,
            factors=[{"feature": "alpa", "label": "Alpa tinggi", "weight": 0.4}],
            is_current=True,
        )
    return SimpleNamespace(
        school=school,
        school_class=school_class,
        other_class=other_class,
        students=students,
        student=students[0],
        outsider=outsider,
        version=version,
        users=users,
        term=term,
    )


@pytest.fixture
def world(db):
    one = build_school("")
    two = build_school("_2")
    sudin = UserFactory(username="sudin", role=Role.SUDIN, school=None, district="Jakarta Barat")
    return SimpleNamespace(one=one, two=two, sudin=sudin)


@pytest.fixture
def api_client_for():
    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
