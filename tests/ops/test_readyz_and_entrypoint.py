"""/readyz reports each dependency; the web role of the container entrypoint migrates a fresh
database before gunicorn starts."""

import json
import uuid

import psycopg
import pytest
from django.db import connection

from tests.conftest import database_url_for_subprocess
from tests.ops.conftest import http_get, web_server


@pytest.mark.django_db
def test_readyz_reports_database_broker_and_model_storage(client, tmp_path, settings):
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    body = client.get("/readyz").json()
    assert set(body["checks"]) == {"database", "broker", "model_storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert all(isinstance(check["ms"], float) for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_is_not_ready_when_model_storage_cannot_be_written(client, tmp_path, settings):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the model folder should be")
    settings.MODEL_STORAGE_DIR = blocker / "models"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["model_storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True  # the others still say where they stand


def test_readyz_reports_an_unreachable_database_and_the_process_stays_up(tmp_path):
    """A real gunicorn whose PostgreSQL is not there (nothing listens on port 1)."""
    with web_server(
        database_url="postgres://smk@127.0.0.1:1/smk_dashboard",
        tmp_path=tmp_path,
        extra_env={"MIGRATE_ON_START": "off"},
    ) as (base, proc, _):
        status, _, body = http_get(base + "/readyz")
        report = json.loads(body)
        assert status == 503
        assert report["checks"]["database"]["ok"] is False
        assert report["checks"]["database"]["error"] == "OperationalError"
        assert report["checks"]["broker"]["ok"] is True
        assert http_get(base + "/healthz")[0] == 200  # liveness touches no dependency
        assert proc.poll() is None


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the same engine as the tests use."""
    if not connection.settings_dict["ENGINE"].endswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"smk_fresh_{uuid.uuid4().hex[:10]}"
    admin_url = database_url_for_subprocess()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_web_role_migrates_a_fresh_database_then_serves(fresh_database_url, tmp_path):
    with web_server(database_url=fresh_database_url, tmp_path=tmp_path) as (base, _, log):
        status, headers, body = http_get(base + "/readyz")
        assert status == 200, body
        assert json.loads(body)["checks"]["database"]["ok"] is True
        assert headers.get("X-Request-ID")
        # DEBUG off and HTTPS redirect on: probes are exempt, pages are not.
        status, headers, _ = http_get(base + "/accounts/login/")
        assert status == 301 and headers["Location"].startswith("https://")
    assert "Applying students.0001_initial... OK" in log.read_text()
