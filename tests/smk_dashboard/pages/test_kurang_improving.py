"""A student both "perlu perhatian" and "Membaik" (issue 24, item 10): one sentence on the risk
list and the profile, with the improving signals the reader may see (a guru never learns of an
intervention through it)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from interventions.models import Outcome, Status
from students.models import GradeRecord, Role
from tests.interventions.factories import InterventionFactory
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    StudentFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SENTENCE = "Masih perlu perhatian, tetapi sedang membaik"


@pytest.fixture
def world(school):
    wali = UserFactory(role=Role.WALIKELAS, school=school)
    guru = UserFactory(role=Role.GURU, school=school)
    klass = SchoolClassFactory(school=school, homeroom_teacher=wali)
    TeachingAssignmentFactory(teacher=guru, school_class=klass)
    maths = SubjectFactory(school=school)
    t1, t2 = TermFactory(year=2025, semester=1), TermFactory(year=2025, semester=2)
    version = ModelVersionFactory(school=school)

    def student(name, category, before, after):
        s = StudentFactory(school=school, school_class=klass, name=name)
        for term, score in ((t1, before), (t2, after)):
            GradeRecord.objects.create(student=s, subject=maths, term=term, score=Decimal(score))
        PredictionFactory(student=s, category=category, model_version=version)
        return s

    rising = student("Rising Kurang", "kurang", 50, 62)
    flat = student("Flat Kurang", "kurang", 50, 51)
    student("Rising Sedang", "sedang", 70, 82)
    helped = student("Helped Kurang", "kurang", 50, 50)
    InterventionFactory(
        student=helped,
        status=Status.COMPLETED,
        outcome=Outcome.IMPROVED,
        closed_at=timezone.now() - dt.timedelta(days=3),
    )
    return {"wali": wali, "guru": guru, "rising": rising, "flat": flat, "helped": helped}


def _get(user, url) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def test_the_risk_list_explains_kurang_and_membaik_together(world):
    body = _get(world["wali"], "/students/risk/")
    # the card (phones) and the table row (wide screens) of each such student
    assert body.count(SENTENCE) == 4
    assert "rata-rata nilai naik 12 poin" in body
    assert "intervensi selesai: membaik" in body


def test_a_guru_does_not_learn_of_an_intervention_from_it(world):
    body = _get(world["guru"], "/students/risk/")
    assert body.count(SENTENCE) == 2  # only the rising grades
    assert "intervensi selesai" not in body


def test_the_profile_says_it_once_and_only_for_such_a_student(world):
    assert _get(world["wali"], f"/students/{world['rising'].pk}/").count(SENTENCE) == 1
    assert SENTENCE not in _get(world["wali"], f"/students/{world['flat'].pk}/")


def test_an_achievement_shows_on_the_cached_risk_list_at_once(school, world):
    from interventions.conduct import services as conduct_services
    from interventions.conduct.models import Behaviour

    client = Client()
    client.force_login(world["wali"])
    before = client.get("/students/risk/").content.decode()  # rendered and cached
    assert before.count(SENTENCE) == 4
    conduct_services.point_catalogue_seed(school=school)
    conduct_services.point_entry_record(
        user=world["wali"],
        student=world["flat"],
        behaviour=Behaviour.objects.get(school=school, name="Juara lomba"),
        date=timezone.localdate(),
    )
    after = client.get("/students/risk/").content.decode()
    assert after.count(SENTENCE) == 6 and "(Juara lomba)" in after
