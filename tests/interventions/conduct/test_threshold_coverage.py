"""Issue 24, item 5: every student whose total crossed a threshold gets the to-do, however the
total was reached (entries written in bulk, a threshold added later, a voided achievement),
and making the letter closes the to-do for bk and the walikelas alike."""

import pytest
from django.test import Client
from django.utils import timezone

from interventions.conduct import selectors, services
from interventions.conduct.models import Behaviour, PointEntry, PointThreshold, PointTodo
from interventions.contacts import services as contact_services
from interventions.tasks import point_thresholds_evaluate_task

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(school):
    services.point_catalogue_seed(school=school)
    return {b.name: b for b in Behaviour.objects.filter(school=school)}


def bulk_entries(student, *behaviours):
    """Entries written without the recording service, as an import or the demo seed does."""
    PointEntry.objects.bulk_create(
        PointEntry(student=student, behaviour=b, date=TODAY, points=b.points) for b in behaviours
    )


def test_a_student_at_70_points_past_the_50_point_threshold_appears_for_bk_and_walikelas(
    bk, walikelas, student, school
):
    # The catalogue without thresholds; the student reaches 70 points, then the school adds
    # its 50-point threshold (the order in which a school sets things up).
    fight = Behaviour.objects.create(school=school, name="Berkelahi", kind="violation", points=50)
    skip = Behaviour.objects.create(school=school, name="Bolos", kind="violation", points=20)
    bulk_entries(student, fight, skip)
    assert services.student_points_total(student=student) == 70
    services.threshold_create(user=bk, points=50, action="Panggilan orang tua", letter_kind="")
    for user in (bk, walikelas):
        assert [(t.student_id, t.total) for t in selectors.open_todos(user=user)] == [
            (student.pk, 70)
        ]
        page = client_for(user).get("/").content.decode()
        assert "Budi Santoso" in page and "70 poin (batas 50)" in page


def test_the_daily_evaluation_covers_totals_written_in_bulk(bk, student, catalogue):
    bulk_entries(student, catalogue["Berkelahi"], catalogue["Bolos"])
    assert not PointTodo.objects.exists()
    created = services.point_thresholds_evaluate(school_id=student.school_id)
    assert created == 1
    assert PointTodo.objects.get().threshold.points == 50
    assert services.point_thresholds_evaluate(school_id=student.school_id) == 0  # safe twice


def test_the_daily_task_creates_the_to_do_for_a_total_written_in_bulk(student, catalogue):
    bulk_entries(student, catalogue["Berkelahi"], catalogue["Merokok di lingkungan sekolah"])
    assert point_thresholds_evaluate_task.apply().get() == {"created": 1}
    assert point_thresholds_evaluate_task.apply().get() == {"created": 0}


def test_voiding_an_achievement_that_lifts_the_total_past_a_threshold_creates_the_to_do(
    bk, walikelas, student, catalogue
):
    services.point_entry_record(
        user=walikelas, student=student, behaviour=catalogue["Juara lomba"], date=TODAY
    )
    for _ in range(3):
        services.point_entry_record(
            user=walikelas, student=student, behaviour=catalogue["Bolos"], date=TODAY
        )
    assert services.student_points_total(student=student) == 40 and not PointTodo.objects.exists()
    achievement = PointEntry.objects.get(points=-20)
    services.point_entry_void(user=bk, entry=achievement, reason="Salah catat")
    assert [t.threshold.points for t in PointTodo.objects.all()] == [50]


def test_the_threshold_letter_closes_the_to_do_for_bk_and_the_walikelas(
    bk, walikelas, student, catalogue
):
    services.point_entry_record(
        user=walikelas, student=student, behaviour=catalogue["Berkelahi"], date=TODAY
    )
    todo = PointTodo.objects.get()
    for user in (bk, walikelas):
        assert 'data-testid="todo-letter"' in client_for(user).get("/").content.decode()
    contact_services.letter_create(
        user=bk, student=student, kind="panggilan", date=TODAY, subject="Panggilan",
        body="Isi", todo=todo,
    )  # fmt: skip
    todo.refresh_from_db()
    assert todo.done_by == bk and todo.done_at is not None
    for user in (bk, walikelas):
        assert selectors.open_todos(user=user) == []
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="todo-letter"' not in page
        # The list says who made the letter, so nobody makes a second one.
        assert 'data-testid="point-todo-closed"' in page and bk.username in page


def test_a_letter_made_from_the_profile_also_closes_the_open_threshold_to_do(
    bk, walikelas, student, catalogue
):
    services.point_entry_record(
        user=walikelas, student=student, behaviour=catalogue["Berkelahi"], date=TODAY
    )
    contact_services.letter_create(
        user=walikelas, student=student, kind="panggilan", date=TODAY, subject="P", body="Isi"
    )
    assert PointTodo.objects.get().done_by == walikelas
    assert PointThreshold.objects.get(points=50).todos.filter(done_at__isnull=True).count() == 0
