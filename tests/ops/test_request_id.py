"""Request ids: taken from a safe X-Request-ID or made up, echoed, on every log record, and
carried into the Celery tasks a request queues."""

import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest

from smk_dashboard.celery import ping
from smk_dashboard.ops.logging import JsonFormatter, RequestIdFilter, request_id_var
from tests.conftest import ROOT, celery_worker


def test_a_safe_incoming_request_id_is_kept_and_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-5f2c.9a:01")
    assert response["X-Request-ID"] == "nginx-5f2c.9a:01"


@pytest.mark.parametrize(
    "unsafe",
    ["bad id with spaces", "x" * 129, "<script>", "id\r\nSet-Cookie: a=b", "-starts-with-dash", ""],
)
def test_an_unsafe_incoming_request_id_is_replaced_by_a_new_one(client, unsafe):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=unsafe)
    assert response["X-Request-ID"] != unsafe
    assert len(response["X-Request-ID"]) == 32 and int(response["X-Request-ID"], 16) >= 0


def test_each_request_without_an_id_gets_a_different_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_log_records_written_during_a_request_carry_its_id(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")  # logs "Not Found: ..." for every 404
    logger.addHandler(handler)
    try:
        client.get("/tidak-ada/", HTTP_X_REQUEST_ID="req-404-check")
    finally:
        logger.removeHandler(handler)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(
        r["request_id"] == "req-404-check" and "Not Found" in r["message"] for r in records
    ), records
    assert request_id_var.get() == "-"  # reset after the request


def test_log_format_json_makes_every_line_a_json_object_with_the_request_id():
    """The real settings.LOGGING with LOG_FORMAT=json, in a fresh process."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "Client().get('/tidak-ada/', HTTP_X_REQUEST_ID='json-line-check')"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "smk_dashboard.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line parses
    warning = next(r for r in records if r["logger"] == "django.request")
    assert warning["level"] == "WARNING"
    assert warning["request_id"] == "json-line-check"
    assert {"time", "message", "process"} <= warning.keys()


def test_plain_log_format_shows_the_request_id_in_brackets():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "Client().get('/tidak-ada/', HTTP_X_REQUEST_ID='plain-line-check')"
    )
    env = {**os.environ, "LOG_FORMAT": "plain", "DJANGO_SETTINGS_MODULE": "smk_dashboard.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "WARNING django.request [plain-line-check] Not Found: /tidak-ada/" in done.stderr


def _worker_records(log_path, task_id: str, timeout: float = 10) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        records = []
        for line in log_path.read_text().splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("task_id") == task_id:
                    records.append(record)
        if records or time.monotonic() > deadline:
            return records
        time.sleep(0.2)


@pytest.mark.integration
def test_a_task_queued_inside_a_request_logs_with_that_request_id_in_the_worker(
    transactional_db,
):
    with celery_worker(queues="default", extra_env={"LOG_FORMAT": "json"}):
        log_path = ROOT / ".run" / f"worker-{os.getpid()}.log"
        token = request_id_var.set("rid-from-web-1234")  # as RequestIdMiddleware does
        try:
            result = ping.delay()
        finally:
            request_id_var.reset(token)
        assert result.get(timeout=30) == "pong"
        records = _worker_records(log_path, result.id)

        outside = ping.delay()  # queued outside any request (beat, a command)
        assert outside.get(timeout=30) == "pong"
        outside_records = _worker_records(log_path, outside.id)

    assert records, log_path.read_text()[-2000:]
    assert {r["request_id"] for r in records} == {"rid-from-web-1234"}
    assert records[0]["task_name"] == "smk_dashboard.ping"
    assert outside_records
    assert all(r["request_id"].startswith("task-") for r in outside_records)
