"""/metrics: who may read it, and that imports, training, scoring and HTTP durations show up."""

import re

import pytest
from prometheus_client import REGISTRY

from smk_dashboard.ops.metrics import observe_import, observe_scoring, observe_training
from tests.ops.conftest import http_get

pytestmark = pytest.mark.django_db


def _value(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def test_metrics_answer_a_direct_request_from_loopback(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "# TYPE smk_import_rows_total counter" in response.content.decode()


def test_metrics_answer_ipv6_loopback_too(client):
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_metrics_refuse_another_address_without_a_token(client):
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    assert "smk_" not in response.content.decode()


def test_metrics_refuse_a_loopback_request_that_came_through_a_proxy(client):
    # nginx on the same host connects from 127.0.0.1 on behalf of any outside client.
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 403


def test_metrics_accept_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    response = client.get(
        "/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789"
    )
    assert response.status_code == 200


def test_metrics_refuse_a_wrong_token_even_from_loopback(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 403


def test_a_bearer_token_is_useless_when_none_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


def test_metrics_only_answer_get(client):
    assert client.post("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 405


def test_observe_import_counts_rows_by_kind_and_result_and_times_the_import(client):
    created = {"kind": "grades", "result": "created"}
    rejected = {"kind": "grades", "result": "rejected"}
    before = _value("smk_import_rows_total", created), _value("smk_import_rows_total", rejected)
    count_before = _value("smk_import_seconds_count", {"kind": "grades", "status": "succeeded"})

    observe_import("grades", {"created": 120, "updated": 0, "rejected": 3}, 2.5)

    assert _value("smk_import_rows_total", created) == before[0] + 120
    assert _value("smk_import_rows_total", rejected) == before[1] + 3
    assert (
        _value("smk_import_seconds_count", {"kind": "grades", "status": "succeeded"})
        == count_before + 1
    )
    text = client.get("/metrics").content.decode()
    assert re.search(r'smk_import_rows_total\{kind="grades",result="created"\} \d', text)
    assert 'smk_import_seconds_bucket{kind="grades",le="5.0",status="succeeded"}' in text


def test_observe_training_and_scoring_show_up_in_the_exposition(client):
    failed_before = _value("smk_training_runs_total", {"status": "failed"})
    students_before = _value("smk_scoring_students_total")

    observe_training("failed", 42.0)
    observe_scoring(850, 3.2)

    assert _value("smk_training_runs_total", {"status": "failed"}) == failed_before + 1
    assert _value("smk_scoring_students_total") == students_before + 850
    text = client.get("/metrics").content.decode()
    for name in ("smk_training_seconds_bucket", "smk_scoring_seconds_sum"):
        assert name in text


def test_http_request_durations_are_labelled_by_url_name_not_path(client):
    labels = {"view": "healthz", "method": "GET", "status": "200"}
    before = _value("smk_http_request_duration_seconds_count", labels)
    client.get("/healthz")
    client.get("/healthz")
    assert _value("smk_http_request_duration_seconds_count", labels) == before + 2

    # A path segment that no metric value can contain by chance (a number like 12345 can
    # turn up inside a float).
    client.get("/tidak-ada/nisn-rahasia-xyz/")
    unmatched = {"view": "<unmatched>", "method": "GET", "status": "404"}
    assert _value("smk_http_request_duration_seconds_count", unmatched) >= 1
    assert "nisn-rahasia-xyz" not in client.get("/metrics").content.decode()


def test_gunicorn_workers_share_their_numbers_in_multiprocess_mode(live_gunicorn, tmp_path):
    """Two gunicorn workers (PROMETHEUS_MULTIPROC_DIR set): /metrics adds up all of them."""
    base, _, _ = live_gunicorn
    for _ in range(12):
        assert http_get(base + "/healthz")[0] == 200
    status, _, body = http_get(base + "/metrics")
    assert status == 200
    text = body.decode()
    match = re.search(
        r'smk_http_request_duration_seconds_count\{method="GET",status="200",view="healthz"\} '
        r"([0-9.]+)",
        text,
    )
    # The fixture's own start-up probes hit /healthz too, so at least our 12.
    assert match and float(match.group(1)) >= 12, text[-1500:]
    assert list((tmp_path / "prometheus").glob("histogram_*.db"))  # written by the workers


@pytest.mark.integration
def test_a_celery_worker_serves_its_metrics_on_worker_metrics_port(transactional_db):
    from smk_dashboard.celery import ping
    from tests.conftest import celery_worker
    from tests.ops.conftest import free_port

    port = free_port()
    with celery_worker(queues="default", extra_env={"WORKER_METRICS_PORT": str(port)}):
        assert ping.delay().get(timeout=30) == "pong"
        status, _, body = http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    text = body.decode()
    assert "# TYPE smk_training_runs_total counter" in text
    assert "# TYPE smk_scoring_seconds histogram" in text
