"""The counsellor's shorter path (issue 14): no separate "Mulai" step, participants as
checkboxes limited to staff who may see the student, a "Pilih layanan" placeholder, the goal
on the session form, caseload names to the profile, bulk rescheduling of overdue follow-ups."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from interventions.models import Intervention, Status
from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.interventions.factories import InterventionFactory, ProgrammeFactory
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_logging_the_first_session_starts_the_intervention_without_a_mulai_step(
    bk, student, programme
):
    intervention = InterventionFactory(
        student=student, programme=programme, owner=bk, goal="Hadir setiap hari"
    )
    client = client_for(bk)
    detail = client.get(f"/interventions/{intervention.pk}/").content.decode()
    assert f"/interventions/{intervention.pk}/start/" not in detail
    assert 'data-testid="starts-with-session"' in detail
    form = client.get(f"/interventions/{intervention.pk}/sessions/new/").content.decode()
    assert 'data-testid="session-goal"' in form and "Hadir setiap hari" in form
    response = client.post(
        f"/interventions/{intervention.pk}/sessions/new/",
        {"kind": "session", "date": timezone.localdate().isoformat(), "attended": "on"},
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS


def test_participants_are_checkboxes_of_staff_who_may_see_the_student(
    bk, kepsek, walikelas, guru, school, student, school_class, programme
):
    TeachingAssignmentFactory(teacher=guru, school_class=school_class)
    outsider = UserFactory(role=Role.GURU, school=school, username="guru_lain")
    TeachingAssignmentFactory(teacher=outsider, school_class=SchoolClassFactory(school=school))
    operator = UserFactory(role=Role.OPERATOR, school=school, username="op1")
    body = client_for(bk).get(f"/interventions/new/?student={student.pk}").content.decode()
    assert 'type="checkbox" name="participants"' in body
    assert '<select name="participants"' not in body
    assert "Pilih layanan" in body
    for person in (kepsek, walikelas, guru):
        assert f'name="participants" value="{person.pk}"' in body
    for person in (outsider, operator):
        assert f'name="participants" value="{person.pk}"' not in body
    response = client_for(bk).post(
        f"/interventions/new/?student={student.pk}",
        {
            "student": student.pk,
            "programme": programme.pk,
            "reason": "uji",
            "owner": bk.pk,
            "participants": [outsider.pk],
            "start_date": timezone.localdate().isoformat(),
            "follow_up_days": 14,
        },
    )
    assert response.status_code == 200
    assert not Intervention.objects.exists()


def test_caseload_names_link_to_the_profile(bk, student, programme):
    intervention = InterventionFactory(student=student, programme=programme, owner=bk)
    body = client_for(bk).get("/interventions/caseload/").content.decode()
    assert f'href="/students/{student.pk}/" data-testid="caseload-student"' in body
    assert f'href="/interventions/{intervention.pk}/" data-testid="caseload-intervention"' in body


def _overdue(bk, student, programme, days=10):
    past = timezone.localdate() - dt.timedelta(days=days)
    return InterventionFactory(
        student=student,
        programme=programme,
        owner=bk,
        status=Status.IN_PROGRESS,
        start_date=past,
        next_follow_up=past,
    )


def test_overdue_follow_ups_are_rescheduled_from_the_caseload_in_bulk(
    bk, school, student, programme
):
    first = _overdue(bk, student, programme)
    second = _overdue(bk, StudentFactory(school=school), programme, days=3)
    client = client_for(bk)
    body = client.get("/interventions/caseload/").content.decode()
    assert body.count('data-testid="reschedule-pick"') == 2
    new_date = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        "/interventions/caseload/reschedule/",
        {"intervention": [first.pk, second.pk], "date": new_date.isoformat()},
    )
    assert response.status_code == 302
    for i in (first, second):
        i.refresh_from_db()
        assert (i.next_follow_up, i.is_overdue) == (new_date, False)
    assert AuditEvent.objects.filter(action="intervention.reschedule").count() == 2


def test_rescheduling_to_the_past_or_outside_the_scope_changes_nothing(
    bk, school, student, programme
):
    mine = _overdue(bk, student, programme)
    before = mine.next_follow_up
    client = client_for(bk)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        "/interventions/caseload/reschedule/",
        {"intervention": [mine.pk], "date": yesterday.isoformat()},
        follow=True,
    )
    assert "tidak boleh sebelum hari ini" in response.content.decode()
    other_school = SchoolFactory()
    theirs = _overdue(
        UserFactory(role=Role.BK, school=other_school, username="bk_lain"),
        StudentFactory(school=other_school),
        programme=ProgrammeFactory(school=other_school),
    )
    response = client.post(
        "/interventions/caseload/reschedule/",
        {"intervention": [mine.pk, theirs.pk], "date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.next_follow_up == before
