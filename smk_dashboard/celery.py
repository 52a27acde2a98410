"""The Celery app. Queues: `default` (imports, scoring), `ml` (training), `gpu` (training on a
GPU host). Periodic jobs live in settings.CELERY_BEAT_SCHEDULE, in one place."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")

app = Celery("smk_dashboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="smk_dashboard.ping")
def ping() -> str:
    """A no-op task: readiness checks and the worker integration test use it."""
    return "pong"


# --- observability hooks (request ids, logging, worker metrics) ------------------------------
from .ops import request_id  # noqa: E402,F401 — connects the request-id task signals


@signals.setup_logging.connect(weak=False, dispatch_uid="smk_setup_logging")
def _log_through_django_settings(**kwargs) -> None:
    """Workers and beat log through settings.LOGGING (plain or LOG_FORMAT=json, with request
    and task ids) instead of Celery's own format."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.worker_ready.connect(weak=False, dispatch_uid="smk_worker_metrics")
def _serve_worker_metrics(**kwargs) -> None:
    from django.conf import settings

    if settings.WORKER_METRICS_PORT:
        from .ops.metrics import start_worker_metrics_server

        start_worker_metrics_server(settings.WORKER_METRICS_PORT, settings.WORKER_METRICS_ADDR)


@signals.worker_process_shutdown.connect(weak=False, dispatch_uid="smk_worker_child_exit")
def _forget_exited_child_metrics(pid=None, **kwargs) -> None:
    from .ops.metrics import mark_process_dead

    mark_process_dead(pid or os.getpid())
