"""Dependency checks for /readyz: each returns (ok, detail) and never raises."""

import time

import redis
from django.conf import settings
from django.db import connection


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
    directory = settings.MODEL_STORAGE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    probe = directory / ".readyz"
    probe.write_text("ok")
    probe.unlink()


def readiness() -> dict:
    checks = {
        "database": _timed(_database),
        "broker": _timed(_broker),
        "model_storage": _timed(_model_storage),
    }
    return {"ready": all(c["ok"] for c in checks.values()), "checks": checks}
