"""Prometheus metrics: imports, training, scoring and HTTP request durations.

Services call the small helpers at the bottom (`observe_import`, `observe_training`,
`observe_scoring`); nothing else needs to know about prometheus_client.

Exposition:
- Web: GET /metrics, only from loopback (and not through a proxy) or with
  `Authorization: Bearer $METRICS_TOKEN`.
- Workers: with WORKER_METRICS_PORT set, each Celery worker serves the same text format on
  WORKER_METRICS_ADDR:WORKER_METRICS_PORT (keep that port on the private network).

Several processes (gunicorn workers, a prefork Celery pool) share their numbers through
PROMETHEUS_MULTIPROC_DIR: set it, per host and per service, to an empty folder that only that
service writes (the entrypoint and gunicorn.conf.py empty it on start). prometheus_client reads
the variable when it is first imported, so it must be in the environment before the process
starts. See docs/deploy.md, "Metrics".
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

# No `*_created` series: they double the output and nothing here alerts on them.
disable_created_metrics()

# Imports take seconds to minutes, training minutes to hours, scoring seconds to minutes.
_IMPORT_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, float("inf"))
_TRAINING_BUCKETS = (10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, float("inf"))
_SCORING_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, float("inf"))

IMPORT_ROWS = Counter(
    "smk_import_rows_total",
    "Spreadsheet rows processed by imports, by kind (roster, grades, attendance) and result "
    "(created, updated, unchanged, rejected).",
    ["kind", "result"],
)
IMPORT_SECONDS = Histogram(
    "smk_import_seconds",
    "Wall time of one spreadsheet import, by kind and status (succeeded, failed).",
    ["kind", "status"],
    buckets=_IMPORT_BUCKETS,
)
TRAINING_RUNS = Counter(
    "smk_training_runs_total",
    "Training runs that ended, by status (succeeded, failed).",
    ["status"],
)
TRAINING_SECONDS = Histogram(
    "smk_training_seconds",
    "Wall time of one training run, by status.",
    ["status"],
    buckets=_TRAINING_BUCKETS,
)
SCORING_STUDENTS = Counter(
    "smk_scoring_students_total",
    "Students scored (one prediction written per student).",
)
SCORING_SECONDS = Histogram(
    "smk_scoring_seconds",
    "Wall time of one scoring pass over a school.",
    buckets=_SCORING_BUCKETS,
)
HTTP_REQUEST_SECONDS = Histogram(
    "smk_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL name, method and status code.",
    ["view", "method", "status"],
)


# --- helpers the services call ----------------------------------------------------------------
def observe_import(
    kind: str, rows_by_result: Mapping[str, int], seconds: float, *, status: str = "succeeded"
) -> None:
    """Record one import: `rows_by_result` like {"created": 10, "updated": 2, "rejected": 1}."""
    for result, rows in rows_by_result.items():
        if rows:
            IMPORT_ROWS.labels(kind=kind, result=result).inc(rows)
    IMPORT_SECONDS.labels(kind=kind, status=status).observe(seconds)


def observe_training(status: str, seconds: float) -> None:
    """Record one training run that ended with `status` ("succeeded" or "failed")."""
    TRAINING_RUNS.labels(status=status).inc()
    TRAINING_SECONDS.labels(status=status).observe(seconds)


def observe_scoring(students: int, seconds: float) -> None:
    """Record one scoring pass that wrote predictions for `students` students."""
    SCORING_STUDENTS.inc(students)
    SCORING_SECONDS.observe(seconds)


# --- exposition -------------------------------------------------------------------------------
def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def registry() -> CollectorRegistry:
    """The registry to expose: all processes' files in multi-process mode, else this process."""
    if multiprocess_dir():
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return REGISTRY


def mark_process_dead(pid: int) -> None:
    """Called when a gunicorn or Celery child exits (multi-process mode only)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def metrics_access_allowed(request: HttpRequest) -> bool:
    """A matching bearer token, or a direct (not proxied) request from loopback."""
    token = settings.METRICS_TOKEN
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if token and authorization.startswith("Bearer "):
        given = authorization.removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    # A reverse proxy on the same host connects from 127.0.0.1 for every outside client, so a
    # request that went through one (it carries forwarding headers) never counts as local.
    if any(request.META.get(header) for header in _PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@require_GET
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_access_allowed(request):
        response = HttpResponse("forbidden\n", status=403, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


class HttpMetricsMiddleware:
    """Observes each request's duration under its URL name ("students:risk"), not its path, so
    that ids in paths do not make a new time series per student."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else "<unmatched>"
        method = request.method if request.method in _METHODS else "other"
        HTTP_REQUEST_SECONDS.labels(
            view=view, method=method, status=str(response.status_code)
        ).observe(time.perf_counter() - started)
        return response


def start_worker_metrics_server(port: int, addr: str) -> None:
    """Serve this Celery worker's metrics over HTTP (a daemon thread in the worker's main
    process; children of a prefork pool report through PROMETHEUS_MULTIPROC_DIR)."""
    from prometheus_client import start_http_server

    start_http_server(port, addr=addr, registry=registry())
