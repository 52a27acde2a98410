"""Nobody falls through: the daily check lists students in kurang or over a point threshold
with no open intervention and no contact in N days; bk and the walikelas see the list."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from interventions.conduct import services as conduct_services
from interventions.conduct.models import Behaviour
from interventions.contacts import services as contact_services
from interventions.contacts.models import UnattendedCheck
from interventions.contacts.unattended import unattended_check_run, unattended_for_user
from interventions.models import Status
from interventions.tasks import unattended_check_task
from tests.interventions.factories import InterventionFactory, SessionFactory
from tests.predictions.factories import ModelVersionFactory, PredictionFactory
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(check) -> set[str]:
    return {row.student.name for row in check.rows.select_related("student")}


@pytest.fixture
def world(school, student, walikelas, bk):
    """Budi: kurang, nothing done. Others in the same class: kurang with an open
    intervention; kurang with a recent call; kurang with an old call; over the threshold;
    sedang."""
    klass = student.school_class
    version = ModelVersionFactory(school=school)

    def predict(s, category="kurang"):
        PredictionFactory(student=s, category=category, model_version=version)

    predict(student)
    served = StudentFactory(school=school, school_class=klass, name="Served")
    predict(served)
    InterventionFactory(student=served, owner=bk, status=Status.IN_PROGRESS)
    called = StudentFactory(school=school, school_class=klass, name="Called")
    predict(called)
    contact_services.parent_contact_record(
        user=bk, student=called, date=TODAY - dt.timedelta(days=3), channel="telepon",
        contact_person="Ayah",
    )  # fmt: skip
    long_ago = StudentFactory(school=school, school_class=klass, name="Long ago")
    predict(long_ago)
    old = InterventionFactory(student=long_ago, owner=bk, status=Status.COMPLETED)
    SessionFactory(intervention=old, date=TODAY - dt.timedelta(days=90))
    points = StudentFactory(school=school, school_class=klass, name="Points")
    conduct_services.point_catalogue_seed(school=school)
    conduct_services.point_entry_record(
        user=walikelas, student=points,
        behaviour=Behaviour.objects.get(school=school, name="Berkelahi"), date=TODAY,
    )  # fmt: skip
    fine = StudentFactory(school=school, school_class=klass, name="Fine")
    predict(fine, "sedang")


def test_the_check_lists_kurang_or_over_threshold_without_follow_up(world, student):
    check = unattended_check_run(today=TODAY)
    assert check.status == "succeeded" and check.found == 3
    assert listed(check) == {student.name, "Long ago", "Points"}
    row = check.rows.get(student__name="Long ago")
    assert row.kurang and row.last_contact == TODAY - dt.timedelta(days=90)
    assert check.rows.get(student__name="Points").over_threshold


def test_n_days_is_a_setting(world, student, settings):
    settings.UNATTENDED_CONTACT_DAYS = 120
    assert "Long ago" not in listed(unattended_check_run(today=TODAY))


def test_the_task_runs_on_the_beat_schedule_and_records_its_run(world):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "interventions.tasks.unattended_check_task" in names
    result = unattended_check_task.apply(kwargs={"day": TODAY.isoformat()}).get()
    assert result["found"] == 3 and UnattendedCheck.objects.get().status == "succeeded"


def test_bk_and_the_walikelas_see_the_list_and_a_contact_since_takes_a_student_off(
    world, student, bk, walikelas, kepsek
):
    unattended_check_run(today=TODAY)
    for user in (bk, walikelas):
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="home-unattended"' in page and student.name in page
    assert 'data-testid="home-unattended"' not in client_for(kepsek).get("/").content.decode()
    contact_services.parent_contact_record(
        user=walikelas, student=student, date=TODAY, channel="whatsapp", contact_person="Ibu"
    )
    assert student.name not in {r.student.name for r in unattended_for_user(user=bk)}


def test_another_walikelas_sees_none_of_these_students(world, school):
    from students.models import Role
    from tests.students.factories import UserFactory

    unattended_check_run(today=TODAY)
    other = UserFactory(role=Role.WALIKELAS, school=school)
    assert unattended_for_user(user=other) == []


def test_the_list_is_e_mailed_to_bk_and_walikelas_only_when_switched_on(
    world, student, bk, walikelas, school, settings, mailoutbox
):
    from students.models import Role
    from tests.students.factories import SchoolClassFactory, UserFactory

    for user, address in ((bk, "bk@sekolah.example"), (walikelas, "wali@sekolah.example")):
        user.email = address
        user.save(update_fields=["email"])
    other_wali = UserFactory(role=Role.WALIKELAS, school=school, email="lain@sekolah.example")
    SchoolClassFactory(school=school, homeroom_teacher=other_wali, name="X DKV 1")  # no one listed
    UserFactory(role=Role.GURU, school=school, email="guru@sekolah.example")
    UserFactory(role=Role.BK, email="bk@sekolah-lain.example")  # another school
    unattended_check_run(today=TODAY)
    assert mailoutbox == []  # off by default
    settings.UNATTENDED_EMAILS = True
    check = unattended_check_run(today=TODAY)
    assert check.emails_sent == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"bk@sekolah.example", "wali@sekolah.example"}
    body = by_address["bk@sekolah.example"].body
    assert by_address["bk@sekolah.example"].subject.endswith(": 3")
    assert f"- {student.name} (" in body and "- Points (" in body and "- Long ago (" in body
    assert "perlu perhatian" in body and "belum pernah dihubungi" in body
    assert f"kontak terakhir {(TODAY - dt.timedelta(days=90)):%d-%m-%Y}" in body
    assert "Served" not in body and "Called" not in body and "Fine" not in body
