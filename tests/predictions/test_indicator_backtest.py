"""What the model adds over the school's plain indicators (issue 26, item 2): on the school's
own past terms, how many later-kurang students the indicators found and how many others
they flagged, beside the model's cross-validated counts on the model page."""

import pytest
from django.test import Client

from predictions.indicator_backtest import indicator_backtest
from students.models import AttendanceSummary, GradeRecord, Role
from tests.predictions.factories import ModelVersionFactory
from tests.students.factories import StudentFactory, SubjectFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(school):
    first, second = TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)
    subject = SubjectFactory(school=school, kkm=75)
    # (alpa in the first term, average in the second): kurang next term is < 75
    cases = {"Ditandai, lalu kurang": (8, 60), "Tidak ditandai, lalu kurang": (0, 70),
             "Ditandai, lalu baik": (9, 88), "Tidak ditandai, baik": (0, 90)}  # fmt: skip
    for name, (alpa, later) in cases.items():
        student = StudentFactory(school=school, name=name)
        AttendanceSummary.objects.create(student=student, term=first, alpa=alpa, school_days=100)
        GradeRecord.objects.create(student=student, subject=subject, term=first, score=80)
        GradeRecord.objects.create(student=student, subject=subject, term=second, score=later)
    return first, second


def test_counts_found_and_falsely_flagged_on_past_terms(school, history):
    result = indicator_backtest(school=school)
    assert (result["at_risk"], result["found"], result["fine"], result["flagged"]) == (2, 1, 2, 1)
    assert result["found_per_10"] == 5 and result["flagged_per_100"] == 50
    assert result["terms"] == [("Ganjil 2024/2025", "Genap 2024/2025")]


def test_one_term_is_not_enough(school):
    term = TermFactory(year=2024, semester=1)
    GradeRecord.objects.create(
        student=StudentFactory(school=school), subject=SubjectFactory(school=school), term=term,
        score=70,
    )  # fmt: skip
    assert indicator_backtest(school=school) is None


def test_the_model_page_shows_indicators_beside_the_model(school, history):
    ModelVersionFactory(school=school, is_active=True)
    client = Client()
    client.force_login(UserFactory(role=Role.KEPSEK, school=school))
    page = client.get("/predictions/models/").content.decode()
    assert 'data-testid="indicator-compare"' in page
    row = page[page.index('data-testid="compare-indicators"') :][:600]
    assert "1 dari 2" in row and "5 dari 10" in row and "50 dari 100" in row
    assert 'data-testid="compare-model"' in page
