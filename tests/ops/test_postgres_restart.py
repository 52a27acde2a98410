"""PostgreSQL restarted (every server-side connection dropped): the running web app answers the
next request without being restarted, because CONN_HEALTH_CHECKS replaces dead persistent
connections. Runs the real gunicorn with its production config."""

import json
import time

import psycopg
from django.db import connection

from tests.conftest import database_url_for_subprocess
from tests.ops.conftest import http_get, postgres_only

pytestmark = postgres_only

TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _backends(cur) -> int:
    cur.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return cur.fetchone()[0]


def test_web_recovers_after_postgresql_drops_every_connection(live_gunicorn):
    base, proc, log = live_gunicorn
    try:
        # Warm up: both gunicorn workers hold a persistent connection (CONN_MAX_AGE).
        for _ in range(8):
            status, _, body = http_get(base + "/readyz")
            assert status == 200, body

        with (
            psycopg.connect(database_url_for_subprocess(), autocommit=True) as admin,
            admin.cursor() as cur,
        ):
            assert _backends(cur) >= 1
            cur.execute(TERMINATE)
            assert cur.fetchone()[0] >= 1
            deadline = time.monotonic() + 10  # termination is asynchronous
            while _backends(cur) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _backends(cur) == 0

        # The very next requests, on every worker, find the database again.
        for _ in range(8):
            status, _, body = http_get(base + "/readyz")
            report = json.loads(body)
            assert status == 200, report
            assert report["checks"]["database"]["ok"] is True
        assert proc.poll() is None  # the same server, never restarted
        assert "Traceback" not in log.read_text()
    finally:
        connection.close()  # the test's own connection was dropped too
