"""Outcome labels that agree with the data (issue 23, item 10): the close form shows the
student's before/after numbers before the outcome is picked, and the effectiveness page marks
a case labelled "Membaik" whose term average or attendance fell."""

import pytest
from django.test import Client

from interventions.cases.case_outcomes import outcome_contradiction
from interventions.models import Outcome, Status
from tests.interventions.cases.test_reports import world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

MISMATCH = 'data-testid="label-mismatch"'


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_membaik_with_a_fall_says_how_much_fell():
    assert outcome_contradiction(
        outcome=Outcome.IMPROVED, avg_change=-3.0, attendance_change=2.0
    ) == ("Label tidak sejalan dengan data: rata-rata nilai turun 3,0 poin")
    assert outcome_contradiction(
        outcome=Outcome.IMPROVED, avg_change=-8.2, attendance_change=-7.0
    ) == (
        "Label tidak sejalan dengan data: rata-rata nilai turun 8,2 poin dan kehadiran turun "
        "7,0 poin persen"
    )


@pytest.mark.parametrize(
    ("outcome", "avg", "attendance"),
    [
        (Outcome.IMPROVED, 1.5, 0.0),  # rose or held: agrees
        (Outcome.IMPROVED, None, None),  # no data: nothing to contradict
        (Outcome.WORSE, -3.0, -2.0),  # a fall under "Memburuk" agrees
        (Outcome.NO_CHANGE, -0.5, 1.0),
    ],
)
def test_labels_that_agree_or_cannot_be_checked_are_not_marked(outcome, avg, attendance):
    assert (
        outcome_contradiction(outcome=outcome, avg_change=avg, attendance_change=attendance) == ""
    )


def test_the_effectiveness_page_marks_membaik_cases_whose_numbers_fell(world, bk):  # noqa: F811
    # H: 70 → 67 (-3.0), attendance 95 → 88 (-7.0), closed as "Membaik".
    h, _p = world["student"]("H", "kurang", [70, 70], [67, 67], 5, 12)
    world["intervene"](h)
    body = _client(bk).get("/interventions/effectiveness/").content.decode()
    expected = (
        "Label tidak sejalan dengan data: rata-rata nilai turun 3,0 poin dan kehadiran turun "
        "7,0 poin persen"
    )
    # once in the table (wide screens), once on the card (phones)
    assert body.count(expected) == 2
    # B (60 → 59, attendance up) is "Membaik" too; A (65 → 75) agrees and is not marked.
    assert body.count("Label tidak sejalan dengan data: rata-rata nilai turun 1,0 poin<") == 2
    assert body.count(MISMATCH) == 4


def test_the_close_form_shows_the_before_and_after_numbers_first(world, bk):  # noqa: F811
    h, p = world["student"]("H", "kurang", [70, 70], [67, 67], 5, 12)
    case = world["intervene"](h, status=Status.IN_PROGRESS, triggered_by=p)
    body = _client(bk).get(f"/interventions/{case.pk}/close/").content.decode()
    numbers = body.index('data-testid="close-before-after"')
    assert numbers < body.index('data-testid="close-form"')
    assert "70,0 → 67,0 (<strong>-3,0</strong>)" in body
    assert "95,0% → 88,0% (<strong>-7,0</strong>)" in body
    assert 'data-testid="close-fell"' in body


def test_the_close_form_of_a_student_who_improved_has_no_warning(world, bk):  # noqa: F811
    a, p = world["student"]("I", "kurang", [60, 60], [72, 72], 10, 4)
    case = world["intervene"](a, status=Status.IN_PROGRESS, triggered_by=p)
    body = _client(bk).get(f"/interventions/{case.pk}/close/").content.decode()
    assert "60,0 → 72,0 (<strong>+12,0</strong>)" in body
    assert 'data-testid="close-fell"' not in body


def test_the_close_form_without_data_says_so(school, bk, programme):
    from tests.interventions.factories import InterventionFactory

    case = InterventionFactory(
        student__school=school, programme=programme, owner=bk, status=Status.IN_PROGRESS
    )
    body = _client(bk).get(f"/interventions/{case.pk}/close/").content.decode()
    assert 'data-testid="close-no-data"' in body


def test_memburuk_whose_numbers_all_rose_is_marked():
    assert outcome_contradiction(outcome=Outcome.WORSE, avg_change=4.0, attendance_change=2.5) == (
        "Label tidak sejalan dengan data: rata-rata nilai naik 4,0 poin dan kehadiran naik "
        "2,5 poin persen"
    )
    assert (
        outcome_contradiction(outcome=Outcome.WORSE, avg_change=4.0, attendance_change=-1.0) == ""
    )
