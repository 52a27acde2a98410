"""Request ids: one per web request, carried into the Celery tasks that request queues.

- RequestIdMiddleware keeps an incoming `X-Request-ID` when it is a safe token (a proxy such as
  nginx may set one), else makes a new one; it puts the id in the response header and in the
  logging context variable until the response is closed (request_finished).
- Celery: `before_task_publish` writes the current id into the task message headers and
  `task_prerun` / `task_postrun` set and clear it in the worker, so a worker's log lines for a
  task carry the id of the request that queued it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from celery import signals
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .logging import request_id_var

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "request_id"
# Letters, digits and . _ : - only, at most 128 characters: safe in logs and headers.
SAFE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str | None:
    """The incoming id if it is a safe token, else None."""
    if value and SAFE_TOKEN.fullmatch(value):
        return value
    return None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = clean_request_id(request.META.get(META_KEY)) or new_request_id()
        request.request_id = request_id
        # Not reset on the way out: Django logs 4xx/5xx responses ("Not Found: ...") after the
        # middleware chain has returned. request_finished clears it once the response is closed.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="smk_request_id_finished")
def _clear_request_id_after_response(**kwargs) -> None:
    request_id_var.set("-")


@signals.before_task_publish.connect(weak=False, dispatch_uid="smk_request_id_publish")
def _add_request_id_to_task_headers(headers: dict | None = None, **kwargs) -> None:
    if headers is None:
        return
    current = request_id_var.get()
    if current != "-" and TASK_HEADER not in headers:
        headers[TASK_HEADER] = current


@signals.task_prerun.connect(weak=False, dispatch_uid="smk_request_id_prerun")
def _set_request_id_for_task(task=None, **kwargs) -> None:
    incoming = clean_request_id(getattr(task.request, TASK_HEADER, None)) if task else None
    # A task queued outside any request (beat, a management command) gets an id of its own.
    request_id_var.set(incoming or f"task-{new_request_id()}")


@signals.task_postrun.connect(weak=False, dispatch_uid="smk_request_id_postrun")
def _clear_request_id_after_task(**kwargs) -> None:
    request_id_var.set("-")
