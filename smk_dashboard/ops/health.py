"""Dependency checks for /readyz: each returns (ok, detail) and never raises."""

import os
import time

import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from smk_dashboard.core.storage import model_storage


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 — readiness reports any failure as "not ready"
        return {"ok": False, "error": exc.__class__.__name__, "ms": _ms(started)}
    return {"ok": True, "ms": _ms(started)}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    finally:
        client.close()


def _model_storage() -> None:
    # Through the "models" storage (a folder or a bucket): write a probe, then remove it.
    storage = model_storage()
    name = storage.save(f".readyz/{os.getpid()}", ContentFile(b"ok"))
    storage.delete(name)


def readiness() -> dict:
    checks = {
        "database": _timed(_database),
        "broker": _timed(_broker),
        "model_storage": _timed(_model_storage),
    }
    return {"ready": all(c["ok"] for c in checks.values()), "checks": checks}
