"""Fixtures for the operations tests: a real gunicorn started through the container entrypoint,
and helpers for the PostgreSQL-only tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import ROOT, database_url_for_subprocess

ENTRYPOINT = ROOT / "docs" / "deploy" / "entrypoint.sh"

postgres_only = pytest.mark.skipif(
    not connection.settings_dict["ENGINE"].endswith("postgresql"),
    reason="needs DATABASE_URL on PostgreSQL",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # hand the 3xx back to the caller


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def http_get(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    """GET without following redirects: (status, headers, body); HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 — loopback only
    try:
        with _NO_REDIRECTS.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@contextlib.contextmanager
def web_server(*, database_url: str, tmp_path: Path, extra_env: dict | None = None):
    """`docs/deploy/entrypoint.sh web` (migrate, then gunicorn with its production config) on a
    free loopback port; yields (base_url, Popen, log path)."""
    port = free_port()
    log_path = tmp_path / "web.log"
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "DEBUG": "off",
        "SECRET_KEY": "ops-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # A fixed test-only Fernet key: production refuses to start without one.
        "FIELD_ENCRYPTION_KEY": "UG8wbE5lLXRlc3Qta2V5LW9ubHktMDEyMzQ1Njc4OWE=",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MODEL_STORAGE_DIR": str(tmp_path / "models"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            ["sh", str(ENTRYPOINT), "web"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"web exited early:\n{log_path.read_text()[-3000:]}")
                try:
                    if http_get(base + "/healthz", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"web did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
            yield base, proc, log_path
        finally:
            if proc.poll() is None:
                proc.terminate()  # gunicorn's master stops its workers on SIGTERM
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


@pytest.fixture
def live_gunicorn(transactional_db, tmp_path):
    """gunicorn (via the entrypoint) on the test database."""
    with web_server(database_url=database_url_for_subprocess(), tmp_path=tmp_path) as server:
        yield server
