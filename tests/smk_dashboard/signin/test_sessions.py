"""Sessions are kept in the database and read through the cache (smk_dashboard/signin/sessions.py):
a signed-in page does not query the session table, the site still signs people in and out
when the cache cannot be reached, and a session deleted from the database stops working once
its short-lived cached copy expires. Real Redis (the suite's), real database."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smk_dashboard.signin import sessions
from students.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-uji-123"  # noqa: S105
HOME = "/students/risk/"


def signed_in(make_user, username: str) -> Client:
    make_user(Role.BK, username=username)
    c = Client()
    response = c.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return c


def test_a_signed_in_page_reads_its_session_from_the_cache(make_user):
    c = signed_in(make_user, "bk_sesi")
    assert c.get(HOME).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert c.get(HOME).status_code == 200
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert Session.objects.filter(session_key=c.cookies["sessionid"].value).exists()


def test_a_session_deleted_from_the_database_ends_when_its_cached_copy_expires(
    make_user, monkeypatch
):
    monkeypatch.setattr(sessions, "SESSION_CACHE_SECONDS", 1)
    c = signed_in(make_user, "bk_hapus")
    assert c.get(HOME).status_code == 200  # cached again, for 1 s
    Session.objects.filter(session_key=c.cookies["sessionid"].value).delete()
    time.sleep(1.5)
    response = c.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signing_in_and_out_works_when_the_cache_is_unreachable(make_user, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    c = signed_in(make_user, "bk_tanpa_cache")
    key = c.cookies["sessionid"].value
    assert c.get(HOME).status_code == 200
    assert c.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    response = c.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
