import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from smk_dashboard.core.audit import audit_log, audit_purge
from smk_dashboard.core.models import AppendOnlyError, AuditEvent
from students.models import Role
from tests.students.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-uji-123"


def test_a_successful_login_is_audited_with_address_and_agent(make_user):
    user = make_user(Role.BK)
    client = Client(HTTP_USER_AGENT="UjiBrowser/1.0", REMOTE_ADDR="10.1.2.3")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login.success")
    assert event.user == user and event.school == user.school
    assert event.ip_address == "10.1.2.3" and event.user_agent == "UjiBrowser/1.0"


def test_a_failed_login_is_audited_without_the_password(make_user):
    user = make_user(Role.BK)
    Client().post("/accounts/login/", {"username": user.username, "password": "tebakan-salah"})
    event = AuditEvent.objects.get(action="login.failed")
    assert event.username == user.username and event.user is None
    assert "tebakan-salah" not in str(event.detail)


def test_a_failed_login_carries_the_school_so_its_kepsek_sees_the_attack(make_user, school):
    guru = make_user(Role.GURU, school=school)
    other_kepsek = make_user(Role.KEPSEK)
    Client().post("/accounts/login/", {"username": guru.username, "password": "tebakan-salah"})
    Client().post("/accounts/login/", {"username": "tidak-ada", "password": "tebakan-salah"})
    named = AuditEvent.objects.get(action="login.failed", username=guru.username)
    assert named.school == school
    assert AuditEvent.objects.get(action="login.failed", username="tidak-ada").school is None
    kepsek = Client()
    kepsek.force_login(make_user(Role.KEPSEK, school=school))
    assert guru.username in kepsek.get("/audit/", {"action": "login.failed"}).content.decode()
    other = Client()
    other.force_login(other_kepsek)
    assert guru.username not in other.get("/audit/", {"action": "login.failed"}).content.decode()


def test_repeated_failed_logins_show_the_friendly_lockout_page(make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user(Role.GURU)
    client = Client()
    for _ in range(2):
        r = client.post("/accounts/login/", {"username": user.username, "password": "salah"})
        assert r.status_code == 200
    locked = client.post("/accounts/login/", {"username": user.username, "password": "salah"})
    assert locked.status_code == 429
    assert "Akun dikunci sementara" in locked.content.decode()
    again = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert again.status_code == 429  # the right password does not help during the cool-off
    assert "_auth_user_id" not in client.session


def test_audit_rows_cannot_be_changed_or_deleted(make_user):
    event = audit_log(action="student.view", user=make_user(Role.BK))
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL")
def test_postgresql_refuses_update_even_in_raw_sql(make_user):
    from django.db import DatabaseError, transaction

    event = audit_log(action="student.view", user=make_user(Role.BK))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE smk_dashboard_auditevent SET action = 'x' WHERE id = %s", [event.pk])


def test_deleting_a_user_keeps_their_audit_entries(make_user):
    user = make_user(Role.BK)
    audit_log(action="student.view", user=user)
    user.delete()
    event = AuditEvent.objects.get(action="student.view")
    assert event.user is None and event.username == user.username


def test_purge_removes_only_entries_past_retention(make_user, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = audit_log(action="student.view", user=make_user(Role.BK))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # backdating is an UPDATE the trigger refuses
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE smk_dashboard_auditevent DISABLE TRIGGER USER")
        AuditEvent._base_manager.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=31))
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE smk_dashboard_auditevent ENABLE TRIGGER USER")
    recent = audit_log(action="student.view", user=make_user(Role.BK))
    call_command("purge_audit")
    remaining = set(AuditEvent.objects.values_list("action", flat=True))
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists() and "audit.purge" in remaining
    assert AuditEvent.objects.get(action="audit.purge").detail["deleted"] == 1


def test_purge_refuses_a_retention_below_one_day():
    with pytest.raises(ValueError):
        audit_purge(retention_days=0)


def test_purge_task_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-purge-nightly"]
    from smk_dashboard.celery import app

    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.mark.parametrize("role", [Role.KEPSEK, Role.OPERATOR])
def test_kepsek_and_operator_read_only_their_schools_log(role):
    school, other = SchoolFactory(), SchoolFactory()
    reader = UserFactory(role=role, school=school)
    audit_log(action="student.view", user=UserFactory(role=Role.BK, school=school))
    audit_log(
        action="student.view", user=UserFactory(role=Role.BK, username="orang_lain", school=other)
    )
    client = Client()
    client.force_login(reader)
    response = client.get("/audit/")
    assert response.status_code == 200
    users = {e.username for e in response.context["page"]}
    assert "orang_lain" not in users and users
    filtered = client.get("/audit/", {"action": "login"})
    assert {e.action for e in filtered.context["page"]} <= {"login.success"}


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK, Role.SUDIN])
def test_other_roles_may_not_read_the_audit_log(make_user, role):
    client = Client()
    client.force_login(make_user(role))
    assert client.get("/audit/").status_code == 403


def test_permission_changes_in_admin_are_audited():
    school = SchoolFactory()
    admin = UserFactory(username="root", role="", school=None, is_staff=True, is_superuser=True)
    target = UserFactory(role=Role.GURU, school=school)
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/students/user/{target.pk}/change/",
        {
            "username": target.username,
            "role": Role.BK,
            "school": school.pk,
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2025-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="user.permissions")
    assert event.user == admin and event.target_id == str(target.pk)
    assert event.detail["changes"]["role"] == ["guru", "bk"]
