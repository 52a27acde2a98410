"""Did it help? (issue 24, item 6): the effectiveness page compares students who received an
intervention with students of similar predicted risk in the same term who did not. On a
seeded school with a known injected effect it reports that effect within its interval; on a
small school it says the cases are too few to tell."""

import random
from decimal import Decimal

import pytest
from django.test import Client

from interventions.cases.comparison import matched_comparison
from interventions.models import Outcome, Status
from students.models import AttendanceSummary, GradeRecord
from tests.interventions.factories import InterventionFactory
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import StudentFactory, SubjectFactory, TermFactory

pytestmark = pytest.mark.django_db

GRADE_EFFECT = 6.0  # points of the term average
ATTENDANCE_EFFECT = 4.0  # percentage points


def seed_school(school, programme, bk, *, n, grade_effect, attendance_effect, seed=24, every=None):
    """`n` students predicted for Genap 2024/2025 with p_kurang spread over 0.15-0.75; the
    riskier, the likelier BK helped them (or every `every`-th student). A term's average and
    attendance fall with the risk, plus noise, plus the injected effect for the helped ones."""
    rng = random.Random(seed)
    before, after = TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)
    subject = SubjectFactory(school=school)
    version = ModelVersionFactory(school=school)
    helped = 0
    for i in range(n):
        p = round(0.15 + 0.6 * rng.random(), 4)
        treated = rng.random() < 0.7 * p
        if every:
            treated = i % every == 0
        s = StudentFactory(school=school, name=f"Siswa {i:03d}")
        base = 88 - 25 * p
        grade_b = base + rng.gauss(0, 3)
        grade_a = base + rng.gauss(0, 3) + (grade_effect if treated else 0)
        # (low enough that the helped ones stay below 100%: no ceiling to flatten the effect)
        attendance = 92 - 10 * p + rng.gauss(0, 1.5) + (attendance_effect if treated else 0)
        for term, score in ((before, grade_b), (after, grade_a)):
            GradeRecord.objects.create(
                student=s, subject=subject, term=term, score=Decimal(f"{min(score, 100):.1f}")
            )
        absent = max(0, min(1000, round(10 * (100 - attendance))))  # of 1000 school days
        AttendanceSummary.objects.create(student=s, term=after, alpa=absent, school_days=1000)
        prediction = PredictionFactory(
            student=s,
            term=after,
            based_on_term=before,
            model_version=version,
            category="kurang" if p >= 0.5 else "sedang",
            p_kurang=p,
            p_sedang=0.2,
        )
        if treated:
            helped += 1
            InterventionFactory(
                student=s,
                programme=programme,
                owner=bk,
                status=Status.COMPLETED,
                outcome=Outcome.IMPROVED,
                triggered_by=prediction,
            )
    return helped


def test_a_known_effect_is_reported_within_its_interval(school, programme, bk):
    helped = seed_school(
        school, programme, bk, n=120, grade_effect=GRADE_EFFECT, attendance_effect=ATTENDANCE_EFFECT
    )
    result = matched_comparison(school=school)
    grade, attendance = result.effect.grade, result.effect.attendance
    assert result.effect.treated == helped and grade.enough
    assert grade.low <= GRADE_EFFECT <= grade.high
    assert grade.direction == "better"  # the whole interval above zero
    assert attendance.low <= ATTENDANCE_EFFECT <= attendance.high

    client = Client()
    client.force_login(bk)
    body = client.get("/interventions/effectiveness/").content.decode()
    assert 'data-direction="better"' in body
    assert "lebih tinggi pada semester sesudahnya" in body
    assert f"{grade.n} pasang" in body
    assert "Terlalu sedikit" not in body


def test_no_effect_is_not_reported_as_help(school, programme, bk):
    seed_school(school, programme, bk, n=120, grade_effect=0.0, attendance_effect=0.0)
    grade = matched_comparison(school=school).effect.grade
    assert grade.enough and grade.low <= 0 <= grade.high
    assert grade.direction == "unclear"


def test_a_small_school_is_too_few_to_tell(school, programme, bk, kepsek):
    helped = seed_school(
        school, programme, bk, n=8, grade_effect=GRADE_EFFECT, attendance_effect=0.0, every=2
    )
    result = matched_comparison(school=school)
    assert helped == 4 and 0 < result.effect.grade.n <= 4
    assert not result.effect.grade.enough
    client = Client()
    client.force_login(kepsek)
    body = client.get("/interventions/effectiveness/").content.decode()
    assert f"Terlalu sedikit untuk disimpulkan: baru {result.effect.grade.n} pasang" in body
    assert 'data-direction="too_few"' in body
    assert "lebih tinggi pada semester sesudahnya" not in body


def test_students_helped_during_the_term_are_never_comparisons(school, programme, bk):
    seed_school(school, programme, bk, n=30, grade_effect=0.0, attendance_effect=0.0)
    result = matched_comparison(school=school)
    helped = {a.key for a, _b in result.effect.pairs}
    assert helped and not helped & {b.key for _a, b in result.effect.pairs}
    # A planned intervention is not help received: that student is neither treated nor pool.
    planned = StudentFactory(school=school)
    InterventionFactory(student=planned, programme=programme, owner=bk, status=Status.PLANNED)
    assert matched_comparison(school=school).effect.treated == result.effect.treated
