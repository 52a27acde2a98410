"""Queueing background work from a service. Tasks are named, not imported: a service never
imports its app's `tasks` module (which imports the service back), and the web process never
loads the worker's code (training imports Keras)."""

from celery import current_app
from django.db import transaction


def enqueue_on_commit(task_name: str, *args, queue: str | None = None) -> None:
    """Send `task_name(*args)` to the broker once the current transaction commits, so the
    worker finds the rows it is given. Routing (CELERY_TASK_ROUTES) applies; `queue`
    overrides it."""
    options = {"queue": queue} if queue else {}
    transaction.on_commit(lambda: current_app.send_task(task_name, args=list(args), **options))
