"""The Django admin for a school operator (issue 25, finding 1): no superuser, staff, group or
permission changes, no moving anyone to another school, no other user's password, no
elevated roles, no predictions or counselling; every change audited by field name."""

import pytest
from django.test import Client

from smk_dashboard.core.models import AuditEvent
from students.models import Role, User
from tests.interventions.factories import InterventionFactory, SessionFactory
from tests.predictions.factories import PredictionFactory
from tests.students.factories import (
    SchoolFactory,
    StudentFactory,
    SubjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DATES = {
    "date_joined_0": "2025-01-01",
    "date_joined_1": "00:00:00",
    "initial-date_joined_0": "2025-01-01",
    "initial-date_joined_1": "00:00:00",
}


@pytest.fixture
def operator(school):
    return UserFactory(role=Role.OPERATOR, school=school, is_staff=True, username="op")


@pytest.fixture
def client(operator):
    client = Client()
    client.force_login(operator)
    return client


def _change(client, user, **data):
    return client.post(
        f"/admin/students/user/{user.pk}/change/",
        {"username": user.username, "is_active": "on", "role": user.role, **DATES, **data},
    )


def test_an_operator_cannot_make_itself_superuser_or_change_its_own_role(client, operator):
    response = _change(
        client, operator, is_superuser="on", is_staff="on", role=Role.KEPSEK, school=""
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    operator.refresh_from_db()
    assert (operator.is_superuser, operator.is_staff, operator.role) == (False, True, "operator")
    assert operator.school_id is not None


def test_an_operator_cannot_move_a_teacher_to_another_school_or_grant_bk(client, school):
    guru = UserFactory(role=Role.GURU, school=school)
    other = SchoolFactory()
    _change(client, guru, school=other.pk, is_superuser="on", groups=[], role=Role.WALIKELAS)
    guru.refresh_from_db()
    assert (guru.school_id, guru.role, guru.is_superuser) == (school.pk, "walikelas", False)
    _change(client, guru, role=Role.BK)
    guru.refresh_from_db()
    assert guru.role == "walikelas"  # bk is not a choice the operator has


def test_an_operator_cannot_set_the_kepsek_password_or_change_the_account(client, school):
    kepsek = UserFactory(role=Role.KEPSEK, school=school)
    url = f"/admin/students/user/{kepsek.pk}/password/"
    new = {"password1": "Diambil-alih-2026", "password2": "Diambil-alih-2026"}
    assert client.post(url, {"usable_password": "true", **new}).status_code == 403
    kepsek.refresh_from_db()
    assert not kepsek.check_password("Diambil-alih-2026")
    _change(client, kepsek, is_active="")
    kepsek.refresh_from_db()
    assert kepsek.is_active


def test_predictions_and_counselling_are_not_in_the_operators_admin(client, school):
    student = StudentFactory(school=school)
    prediction = PredictionFactory(student=student)
    session = SessionFactory(intervention=InterventionFactory(student=student))
    for path in (
        "/admin/predictions/prediction/",
        f"/admin/predictions/prediction/{prediction.pk}/change/",
        "/admin/interventions/intervention/",
        f"/admin/interventions/intervention/{session.intervention_id}/change/",
        "/admin/interventions/interventionsession/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.get("/admin/students/student/").status_code == 200  # the data stays


def test_a_superuser_sees_no_session_content_and_no_sangat_rahasia_session(school):
    root = UserFactory(role="", school=None, is_staff=True, is_superuser=True)
    intervention = InterventionFactory(student=StudentFactory(school=school))
    plain = SessionFactory(intervention=intervention, notes="Catatan rahasia", findings="Temuan")
    secret = SessionFactory(intervention=intervention, very_confidential=True, findings="Rahasia")
    client = Client()
    client.force_login(root)
    page = client.get(f"/admin/interventions/interventionsession/{plain.pk}/change/")
    assert page.status_code == 200
    assert "Catatan rahasia" not in page.content.decode() and "Temuan" not in page.content.decode()
    listing = client.get("/admin/interventions/interventionsession/").context["cl"]
    assert secret.pk not in {s.pk for s in listing.result_list}


def test_every_admin_change_is_audited_by_field_name(client, school):
    guru = UserFactory(role=Role.GURU, school=school)
    _change(client, guru, first_name="Budi")
    event = AuditEvent.objects.get(action="admin.change", target_id=str(guru.pk))
    assert event.detail == {"model": "students.user", "fields": ["first_name"]}
    root = UserFactory(role="", school=None, is_staff=True, is_superuser=True)
    superuser = Client()
    superuser.force_login(root)
    kepsek = UserFactory(role=Role.KEPSEK, school=school)
    response = superuser.post(
        f"/admin/students/user/{kepsek.pk}/password/",
        {
            "usable_password": "true",
            "password1": "Baru-sekali-2026",
            "password2": "Baru-sekali-2026",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change", target_id=str(kepsek.pk))
    assert event.detail["fields"] == ["password"] and event.user == root
    assert "Baru-sekali" not in str(event.detail)
    assert User.objects.get(pk=kepsek.pk).check_password("Baru-sekali-2026")


def test_a_deletion_in_the_admin_is_audited(client, school):
    subject = SubjectFactory(school=school, name="Mapel salah ketik")
    response = client.post(f"/admin/students/subject/{subject.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.delete", target_id=str(subject.pk))
    assert event.detail == {"model": "students.subject", "fields": []}
    assert event.school_id == school.pk


def test_an_operator_still_creates_a_teacher_account_in_its_own_school(client, operator):
    response = client.post(
        "/admin/students/user/add/",
        {
            "username": "guru_baru",
            "usable_password": "true",
            "password1": "Guru-baru-2026!",
            "password2": "Guru-baru-2026!",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = User.objects.get(username="guru_baru")
    assert (new.school_id, new.is_staff, new.is_superuser) == (operator.school_id, False, False)
    assert _change(client, new, role=Role.GURU, first_name="Rina").status_code == 302
    new.refresh_from_db()
    assert (new.role, new.first_name) == ("guru", "Rina")
