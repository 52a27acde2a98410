import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.test import Client

from students.models import Role

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DEBUG": "off",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "dashboard.smk.sch.id",
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "PSEUDONYM_KEY": secrets.token_urlsafe(48),
}


def run_check_deploy(extra_env: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = run_check_deploy(PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_refuses_production_without_a_field_encryption_key():
    result = run_check_deploy({**PROD_ENV, "FIELD_ENCRYPTION_KEY": ""})
    assert result.returncode != 0
    assert "smk_dashboard.E001" in result.stdout + result.stderr


def test_field_encryption_key_check_rejects_a_malformed_key(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEY = "not-a-key"
    ids = {m.id for m in run_checks(tags=["security"])}
    assert "smk_dashboard.E002" in ids


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_hsts_is_sent_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_unknown_page_shows_a_friendly_indonesian_404(client, make_user):
    client.force_login(make_user(Role.BK))
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


@pytest.mark.django_db
def test_forbidden_page_is_friendly(make_user):
    client = Client()
    client.force_login(make_user(Role.GURU))
    response = client.get("/audit/")
    assert response.status_code == 403 and "Akses tidak diizinkan" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_friendly(make_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "Formulir kedaluwarsa" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.smk_dashboard.urls_boom")
def test_a_crash_shows_a_friendly_500_without_a_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Maaf, terjadi kesalahan" in body
    assert "secret-internal-detail" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_bad_request_page_is_friendly(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.content.decode()


@pytest.mark.django_db
def test_swagger_ui_runs_without_inline_scripts(make_user):
    client = Client()
    client.force_login(make_user(Role.BK))
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"
    srcs = re.findall(r'<script src="([^"]+)"', html)
    assert all(src.startswith("/") for src in srcs), srcs  # local assets, no CDN
    init = client.get(srcs[-1].replace("&amp;", "&"))
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()
    for src in srcs[:-1]:
        assert client.get(src).status_code == 200, src
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content


@pytest.mark.django_db
def test_schema_and_docs_need_a_login(client):
    assert client.get("/api/schema/").status_code in (401, 403)


@pytest.mark.django_db
def test_unknown_api_urls_answer_json_404(make_user):
    client = Client()
    client.force_login(make_user(Role.BK))
    response = client.get("/api/v1/students/-5/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
