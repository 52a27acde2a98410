import pytest
from django.test import Client

from students.models import Role
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_broker(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["ready"] is True
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_readyz_says_not_ready_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "role", [Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK, Role.SUDIN]
)
def test_each_role_gets_its_own_home_page_with_real_counts(make_user, role):
    user = make_user(role)
    if user.school:
        StudentFactory.create_batch(3, school=user.school)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert f"home/{role}.html" in [t.name for t in response.templates]
    expected = 3 if role in (Role.OPERATOR, Role.BK, Role.KEPSEK) else 0
    assert response.context["summary"]["students"] == expected


def test_pages_are_indonesian_first_and_english_on_request(client):
    assert "Masuk ke SMK Dashboard" in client.get("/accounts/login/").content.decode()
    client.cookies["django_language"] = "en"  # the language switch; never Accept-Language
    english = client.get("/accounts/login/")
    assert "Sign in to SMK Dashboard" in english.content.decode()


def test_responses_carry_a_strict_content_security_policy(client):
    csp = client.get("/accounts/login/")["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
