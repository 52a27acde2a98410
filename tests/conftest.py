"""Shared fixtures: fast password hashing, a seeded pair of schools, and a real Celery
worker process on the real Redis (REDIS_URL: CI's server, or the embedded one)."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from students.models import Role
from tests.cache_keys import clear_test_cache
from tests.students.factories import SchoolFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
# The SQLite test database and worker logs live here (see settings.DATABASES TEST NAME).
(ROOT / ".run").mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def _indonesian_first():
    """Each test starts in the default language (id): a request with Accept-Language: en in
    an earlier test must not leave English active for code that runs outside a request."""
    from django.utils import translation

    with translation.override("id"):
        yield


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty cache: database ids come back between tests (SQLite
    reuses them after a rollback), so a page cached by an earlier test could match."""
    clear_test_cache()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def other_school(db):
    return SchoolFactory()


@pytest.fixture
def make_user(db):
    def make(role: str, school=None, **kwargs):
        if role != Role.SUDIN and school is None:
            school = SchoolFactory()
        return UserFactory(role=role, school=school, **kwargs)

    return make


def database_url_for_subprocess() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


@contextlib.contextmanager
def celery_worker(queues: str = "default,ml", extra_env: dict | None = None):
    """Start `celery worker` as a separate process on the test database; yield the Popen."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log = open(ROOT / ".run" / f"worker-{os.getpid()}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "smk_dashboard",
            "worker",
            "-Q",
            queues,
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        from smk_dashboard.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited: {(ROOT / '.run').as_posix()} log")
            if app.control.ping(timeout=1.0):
                break
        else:
            raise RuntimeError("celery worker did not answer within 60 s")
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


@pytest.fixture
def worker(transactional_db):
    (ROOT / ".run").mkdir(exist_ok=True)
    with celery_worker() as proc:
        yield proc
