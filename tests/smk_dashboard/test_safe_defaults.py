"""Safe by default and no 500s (issue 15, items 1 and 6): DEBUG off without environment, no
encryption key derived from SECRET_KEY, friendly error pages under `make run`, a favicon,
400 for absurd input, no-store on signed-in answers, idle sessions, RFC 6266 file names."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from smk_dashboard.core import crypto
from smk_dashboard.ops.dev_env import LOCAL_HTTP
from students.models import ImportBatch, Role
from students.tasks import import_batch_analyse_task
from tests.api.conftest import build_school
from tests.conftest import ROOT
from tests.students.factories import MajorFactory, SchoolClassFactory
from tests.students.spreadsheets import roster_rows, write_xlsx

PASSWORD = "rahasia-uji-123"
PROBE = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({"debug": s.DEBUG, "ssl": s.SECURE_SSL_REDIRECT, "roles": s.REQUIRE_2FA_ROLES,
                  "age": s.SESSION_COOKIE_AGE}))
"""


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "smk_dashboard.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- 1. Safe by default -------------------------------------------------------------------------


def test_without_any_environment_debug_is_off_and_two_factor_is_required():
    out = run_python(PROBE, {})
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout)
    assert values["debug"] is False and values["ssl"] is True
    assert values["roles"] == ["bk", "kepsek", "operator", "sudin"]
    assert values["age"] == 30 * 60


def test_without_a_key_nothing_is_encrypted_with_one_derived_from_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        crypto.encrypt_text("catatan konseling")


def test_a_process_without_environment_refuses_to_start_without_a_key():
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "smk_dashboard.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "smk_dashboard.E001" in out.stdout + out.stderr


MAKE_RUN_404 = """
import django
django.setup()
from django.test import Client
r = Client().get("/halaman-yang-tidak-ada/")
print(r.status_code, r.headers["Content-Type"])
print(r.content.decode())
"""


def test_make_run_shows_the_friendly_indonesian_404_not_the_debug_page():
    # The environment smk_dashboard.ops.devserver (make run) sets for itself.
    out = run_python(MAKE_RUN_404, {"DEBUG": "off", **LOCAL_HTTP})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("404 text/html")
    assert "Halaman tidak ditemukan" in out.stdout
    assert "URLconf" not in out.stdout and "Using the URLconf" not in out.stdout


@pytest.mark.django_db
def test_every_page_links_a_favicon_that_exists(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 302 and legacy.url == "/static/favicon.svg"


# --- 6. No 500s, no stale copies ----------------------------------------------------------------


@pytest.fixture
def one(db):
    return build_school("")


@pytest.mark.parametrize(
    "query",
    [
        "class=9223372036854775808",
        "major=9223372036854775808",
        "page=99999999999999999999",
        "class=-9223372036854775809",
        "major=" + "9" * 5000,
    ],
)
def test_a_number_too_large_for_the_database_is_a_400_not_a_500(client, one, query):
    client.force_login(one.users[Role.BK])
    response = client.get(f"/students/risk/?{query}")
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.content.decode()


def test_the_largest_database_integer_is_still_an_ordinary_filter(client, one):
    client.force_login(one.users[Role.BK])
    assert client.get("/students/risk/?class=9223372036854775807").status_code == 200


@pytest.mark.django_db
def test_json_nested_five_thousand_deep_is_a_400_not_a_500():
    body = "[" * 5000 + "]" * 5000
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_signed_in_pages_and_every_export_are_never_stored(client, one):
    student = one.student
    client.force_login(one.users[Role.BK])
    for url in (
        "/",
        f"/students/{student.pk}/",
        "/students/risk/",
        "/students/risk/?export=csv",
        "/students/risk/?export=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    client.force_login(one.users[Role.KEPSEK])
    for url in (
        f"/privacy/students/{student.pk}/export.json",
        f"/privacy/students/{student.pk}/export.pdf",
        "/reports/school/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_api_answers_with_a_token_are_never_stored(one):
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/",
        {"username": one.users[Role.BK].username, "password": PASSWORD},
        format="json",
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert _no_store(client.get("/api/v1/students/"))


def forget_cached_session(client) -> None:
    """The two tests below change session rows in the database to stand for time passing; the
    cached copy (smk_dashboard.signin.sessions) never outlives the row's expiry, so time passing
    would have removed it too."""
    from django.core.cache import cache

    from smk_dashboard.signin.sessions import SessionStore

    cache.delete(SessionStore.cache_key_prefix + client.cookies["sessionid"].value)


def test_a_session_ends_after_the_idle_period(client, one, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(one.users[Role.BK])
    assert client.get("/").status_code == 200
    # Thirty minutes without a request: the session row has expired.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    forget_cached_session(client)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_each_request_moves_the_idle_deadline_forward(client, one, settings):
    client.force_login(one.users[Role.BK])
    session = Session.objects.get()
    # Ten seconds left, last activity two minutes ago: the next request renews the session.
    data = session.get_decoded()
    data["_last_activity"] -= 120
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data),
        expire_date=timezone.now() + dt.timedelta(seconds=10),
    )
    forget_cached_session(client)
    response = client.get("/")
    assert response.status_code == 200
    left = Session.objects.get().expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def test_a_download_name_with_non_ascii_letters_is_encoded_per_rfc_6266(
    client, make_user, school, tmp_path
):
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    SchoolClassFactory(school=school, major=major, name="XI TKJ 1")
    client.force_login(make_user(Role.OPERATOR, school=school))
    bad_row = ("12A4567890", "2425002", "Siti", "P", None, "XI TKJ 1")  # bad NISN: rejected
    path = write_xlsx(tmp_path / "x.xlsx", {"Siswa": roster_rows([bad_row])})
    upload = SimpleUploadedFile('daftar-kelas-é "X".xlsx', path.read_bytes())
    client.post(reverse("students:imports"), {"kind": "roster", "file": upload})
    batch = ImportBatch.objects.get()
    import_batch_analyse_task.apply(args=[batch.pk])  # the worker builds the error report
    response = client.get(reverse("students:import_errors", args=[batch.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''kesalahan-daftar-kelas-%C3%A9")
    assert header.isascii() and '"X"' not in header
