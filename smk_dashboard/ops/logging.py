"""Structured logs: the request id on every record, and a JSON formatter (LOG_FORMAT=json).

The request id lives in a context variable. The web middleware sets it for each request
(smk_dashboard.ops.request_id), the Celery hooks set it for each task run from the message headers,
and RequestIdFilter copies it onto every log record that passes a handler, so a line written by
a library deep inside a request or a task carries it too.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "request_id", "task_id", "task_name"}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and, inside a Celery task, `task_id` / `task_name`) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "task_id"):
            task = _current_task()
            record.task_id = task[0]
            record.task_name = task[1]
        return True


def _current_task() -> tuple[str | None, str | None]:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover — celery is a requirement
        return None, None
    task = current_task
    if not task or task.request.id is None:
        return None, None
    return task.request.id, task.name


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    task fields inside Celery, exception text, and any `extra=` fields given to the call."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "process": record.process,
        }
        if getattr(record, "task_id", None):
            payload["task_id"] = record.task_id
            payload["task_name"] = getattr(record, "task_name", None)
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                payload[key] = value
        return json.dumps(payload, default=str, ensure_ascii=False)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for settings: one console handler, plain or JSON, request ids on."""
    formatter = "json" if log_format.lower() == "json" else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "smk_dashboard.ops.logging.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "smk_dashboard.ops.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["request_id"],
            }
        },
        # Django's default config gives these loggers handlers of their own (plain text, DEBUG
        # only); dropping them sends every line through the one console handler above.
        "loggers": {
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
        },
        "root": {"handlers": ["console"], "level": level},
    }
