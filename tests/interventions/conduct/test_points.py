"""Conduct and achievement points: catalogue, recording, thresholds → to-dos, voiding."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from interventions.conduct import services
from interventions.conduct.models import Behaviour, PointEntry, PointTodo
from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.students.factories import StudentFactory, UserFactory

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


def record(user, student, behaviour, **kwargs):
    return services.point_entry_record(
        user=user, student=student, behaviour=behaviour, date=kwargs.pop("date", TODAY), **kwargs
    )


def test_seeding_the_catalogue_twice_adds_nothing_the_second_time(school):
    assert services.point_catalogue_seed(school=school) > 0
    assert services.point_catalogue_seed(school=school) == 0


def test_an_achievement_with_positive_points_is_rejected_with_a_clear_message(bk):
    with pytest.raises(ValidationError, match="Poin prestasi harus negatif"):
        services.behaviour_save(user=bk, name="Juara", kind="achievement", points=20)
    assert not Behaviour.objects.filter(name="Juara").exists()


def test_only_bk_edits_the_point_catalogue(walikelas, kepsek):
    for user in (walikelas, kepsek):
        with pytest.raises(ValidationError):
            services.behaviour_save(user=user, name="Lari", kind="violation", points=5)


def test_guru_records_points_only_for_students_of_classes_they_teach(guru, student, catalogue):
    with pytest.raises(ValidationError, match="di luar sekolah atau kelas"):
        record(guru, student, catalogue["Terlambat"])
    assert not PointEntry.objects.exists()


def test_a_future_date_is_rejected_and_nothing_is_written(walikelas, student, catalogue):
    with pytest.raises(ValidationError, match="masa depan"):
        record(walikelas, student, catalogue["Bolos"], date=TODAY + dt.timedelta(days=1))
    assert not PointEntry.objects.exists()


def test_the_total_counts_achievements_negative_and_ignores_voided_entries(
    bk, walikelas, student, catalogue
):
    record(walikelas, student, catalogue["Bolos"])
    late, _ = record(walikelas, student, catalogue["Terlambat"])
    record(walikelas, student, catalogue["Juara lomba"])
    assert services.student_points_total(student=student) == 20 + 5 - 20
    services.point_entry_void(user=bk, entry=late, reason="Salah siswa")
    assert services.student_points_total(student=student) == 0


def test_crossing_a_threshold_creates_one_to_do_seen_by_bk_and_the_walikelas_only(
    bk, walikelas, kepsek, guru, student, catalogue, client
):
    record(walikelas, student, catalogue["Bolos"])
    record(walikelas, student, catalogue["Bolos"])
    assert not PointTodo.objects.exists()
    _, todos = record(walikelas, student, catalogue["Berkelahi"])  # 90: crosses 50, not 100
    assert [t.threshold.points for t in todos] == [50]
    _, again = record(walikelas, student, catalogue["Terlambat"])  # 95: nothing new
    assert again == []
    for user in (bk, walikelas):
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="point-todo"' in page and student.name in page
    for user in (kepsek,):
        assert 'data-testid="point-todo"' not in client_for(user).get("/").content.decode()


def test_another_walikelas_does_not_see_the_to_do(school, walikelas, student, catalogue):
    record(walikelas, student, catalogue["Berkelahi"])
    other = UserFactory(role=Role.WALIKELAS, school=school)
    assert 'data-testid="point-todo"' not in client_for(other).get("/").content.decode()


def test_only_bk_and_kepsek_void_and_the_reason_is_audited(
    bk, kepsek, walikelas, guru, student, catalogue
):
    entry, _ = record(walikelas, student, catalogue["Bolos"])
    with pytest.raises(ValidationError, match="Hanya guru BK dan kepala sekolah"):
        services.point_entry_void(user=walikelas, entry=entry, reason="x")
    with pytest.raises(ValidationError, match="alasan"):
        services.point_entry_void(user=kepsek, entry=entry, reason="  ")
    services.point_entry_void(user=kepsek, entry=entry, reason="Ternyata sakit, ada surat")
    event = AuditEvent.objects.get(action="points.void")
    assert event.user == kepsek and event.detail["reason"] == "Ternyata sakit, ada surat"


def test_the_void_page_is_404_for_a_student_of_another_school(
    other_school, catalogue, bk, walikelas, student
):
    entry, _ = record(walikelas, student, catalogue["Bolos"])
    stranger = UserFactory(role=Role.BK, school=other_school)
    assert client_for(stranger).get(f"/interventions/points/{entry.pk}/void/").status_code == 404
    assert client_for(walikelas).get(f"/interventions/points/{entry.pk}/void/").status_code == 403
    response = client_for(bk).post(f"/interventions/points/{entry.pk}/void/", {"reason": "salah"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_void and entry.voided_by == bk


def test_the_profile_shows_the_points_timeline_with_running_totals(
    walikelas, bk, student, catalogue
):
    record(walikelas, student, catalogue["Bolos"], date=TODAY - dt.timedelta(days=3))
    record(walikelas, student, catalogue["Terlambat"], description="Datang 07.40")
    page = client_for(bk).get(f"/students/{student.pk}/").content.decode()
    assert 'data-testid="points-total"' in page and "Total 25 poin" in page
    assert "Datang 07.40" in page and page.count('data-testid="point-entry"') == 2


def test_recording_through_the_page_redirects_to_the_profile(walikelas, student, catalogue):
    response = client_for(walikelas).post(
        f"/interventions/points/students/{student.pk}/new/",
        {"behaviour": catalogue["Berkelahi"].pk, "date": TODAY.isoformat(), "description": "x"},
    )
    assert response.status_code == 302 and response["Location"] == f"/students/{student.pk}/"
    assert PointTodo.objects.filter(student=student).count() == 1


def test_a_teacher_gets_404_recording_for_a_student_out_of_scope(school, walikelas, catalogue):
    outsider = StudentFactory(school=school)
    url = f"/interventions/points/students/{outsider.pk}/new/"
    assert client_for(walikelas).get(url).status_code == 404


def test_marking_a_to_do_done_takes_it_off_the_home_page(walikelas, bk, student, catalogue):
    _, (todo,) = record(walikelas, student, catalogue["Berkelahi"])
    client = client_for(bk)
    assert client.post(f"/interventions/points/todos/{todo.pk}/done/").status_code == 302
    todo.refresh_from_db()
    assert todo.done_by == bk
    assert 'data-testid="point-todo"' not in client.get("/").content.decode()
