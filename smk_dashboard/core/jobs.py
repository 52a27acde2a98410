"""Queueing background work from a service. Tasks are named, not imported: a service never
imports its app's `tasks` module (which imports the service back), and the web process never
loads the worker's code (training imports Keras)."""

import logging
from collections.abc import Callable

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(
    task_name: str,
    *args,
    queue: str | None = None,
    on_error: Callable[[], None] | None = None,
) -> None:
    """Send `task_name(*args)` to the broker once the current transaction commits, so the
    worker finds the rows it is given. Routing (CELERY_TASK_ROUTES) applies; `queue`
    overrides it. When the broker cannot be reached, `on_error` runs (for example to fail
    the job row with a message) instead of the error reaching the caller."""
    options = {"queue": queue} if queue else {}

    def send() -> None:
        try:
            current_app.send_task(task_name, args=list(args), **options)
        except Exception:
            if on_error is None:
                raise
            logger.exception("%s%r not queued", task_name, args)
            on_error()

    transaction.on_commit(send)
