"""Issue 25, finding 10: many user names tried from one address are refused after
LOGIN_ADDRESS_FAILURE_LIMIT failures within the cool-off time, besides the per (user name,
address) lockout; lockouts are audited with the school of the account named, so its kepsek
sees them, and failures for unknown names are audited too."""

import pytest
from django.test import Client

from smk_dashboard.core.models import AuditEvent
from students.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-uji-123"


def attempt(client: Client, username: str, password: str = "tebakan-salah"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_many_names_from_one_address_are_refused_after_the_address_limit(
    make_user, school, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    guru = make_user(Role.GURU, school=school)
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [attempt(sprayer, f"tebak{i}").status_code for i in range(8)]
    # Each name fails once only: the per-name limit never trips, the address limit does.
    assert statuses == [200] * 7 + [429]
    refused = attempt(sprayer, guru.username, PASSWORD)
    assert refused.status_code == 429
    assert "jaringan ini" in refused.content.decode()
    assert "_auth_user_id" not in sprayer.session
    # Another address is not affected.
    assert attempt(Client(REMOTE_ADDR="198.51.100.2"), guru.username, PASSWORD).status_code == 302


def test_the_address_limit_covers_the_api_token_endpoint(make_user, school, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    from rest_framework.test import APIClient

    api = APIClient(REMOTE_ADDR="203.0.113.9")
    codes = [
        api.post(
            "/api/v1/auth/token/", {"username": f"x{i}", "password": "y"}, format="json"
        ).status_code
        for i in range(5)
    ]
    assert codes[-1] == 429


def test_a_lockout_is_audited_with_the_school_and_its_kepsek_sees_it(
    make_user, school, other_school, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    guru = make_user(Role.GURU, school=school)
    client = Client()
    for _ in range(3):
        attempt(client, guru.username)
    event = AuditEvent.objects.get(action="login.locked_out")
    assert event.school == school
    assert event.detail == {"username": guru.username, "scope": "account"}
    kepsek = Client()
    kepsek.force_login(make_user(Role.KEPSEK, school=school))
    page = kepsek.get("/audit/", {"action": "login.locked_out"}).content.decode()
    assert guru.username in page
    stranger = Client()
    stranger.force_login(make_user(Role.KEPSEK, school=other_school))
    assert guru.username not in stranger.get("/audit/", {"action": "login"}).content.decode()


def test_an_address_lockout_is_audited_as_such(make_user, school, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    guru = make_user(Role.GURU, school=school)
    client = Client(REMOTE_ADDR="203.0.113.8")
    for name in ("a", "b", guru.username):
        attempt(client, name)
    event = AuditEvent.objects.get(action="login.locked_out")
    assert event.detail["scope"] == "address" and event.school == school


def test_failures_for_unknown_names_are_audited(db):
    attempt(Client(), "tidak-ada-orangnya")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.username == "tidak-ada-orangnya" and event.school is None
