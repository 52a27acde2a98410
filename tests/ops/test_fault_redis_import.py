"""Fault test (issue 8): the Redis server is restarted while a grade import runs in a real
Celery worker. The import must complete, or fail cleanly and complete when retried, with no
duplicate rows, and the batch must never stay `queued`/`running` for ever.

Everything runs for real: a private redis-server of this test (never the machine's shared one),
a `celery worker` process on the test database, the import service the web upload calls."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.files import File
from django.db import transaction

from smk_dashboard.celery import app as celery_app
from smk_dashboard.ops.embedded import _free_port, redis_server_binary
from students.importing.lifecycle import import_batch_confirm, import_batch_create
from students.models import (
    GradeRecord,
    ImportBatch,
    ImportStatus,
    Major,
    SchoolClass,
    Student,
    Subject,
)
from tests.conftest import celery_worker
from tests.students.factories import SchoolFactory

pytestmark = [pytest.mark.integration, pytest.mark.slow]

STUDENTS, SUBJECTS = 2_000, 40
EXPECTED_RECORDS = STUDENTS * SUBJECTS  # one "akhir" score per student and subject


class PrivateRedis:
    """A redis-server on a fixed free loopback port that can be killed and started again on
    the same port (persistence off: a restart loses every queued and unacked message)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = tempfile.mkdtemp(prefix="smk-fault-redis-")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                redis_server_binary(),
                "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", self.workdir,
                "--logfile", str(Path(self.workdir) / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn,
            ):
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"private redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


@pytest.fixture
def private_redis(settings):
    """The private Redis, used consistently by this process (settings and the Celery app's
    broker/backend) and, through REDIS_URL, by the worker started in the test."""
    redis = PrivateRedis()
    redis.start()
    old = {k: celery_app.conf[k] for k in ("broker_url", "result_backend")}

    def reset_connections() -> None:
        # kombu keeps one pool per broker URL: forget ours, the next use picks the new URL.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        with contextlib.suppress(AttributeError):
            del celery_app._local.backend  # the result backend is cached per thread

    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = settings.REDIS_URL = redis.url
    celery_app.conf.broker_url = celery_app.conf.result_backend = redis.url
    reset_connections()
    try:
        yield redis
    finally:
        celery_app.conf.broker_url, celery_app.conf.result_backend = (
            old["broker_url"],
            old["result_backend"],
        )
        reset_connections()
        redis.stop()


@pytest.fixture
def ledger_school(transactional_db, settings, tmp_path):
    """A school with 2,000 students and 20 subjects, and its grade ledger as a real .xlsx."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the worker must find the kept upload here
    school = SchoolFactory()
    major = Major.objects.create(school=school, code="TKJ", name="TKJ", field="teknik")
    classes = [
        SchoolClass.objects.create(
            school=school, name=f"XI TKJ {k}", academic_year=2024, grade_level=11, major=major
        )
        for k in range(1, 57)
    ]
    Subject.objects.bulk_create(
        Subject(school=school, code=f"M{k:02d}", name=f"Mapel {k:02d}", group="umum")
        for k in range(SUBJECTS)
    )
    Student.objects.bulk_create(
        [
            Student(school=school, nisn=f"{7_000_000 + i:010d}", nis=f"F{i}", name=f"Siswa {i}",
                    gender="L", school_class=classes[i // 36], major=major)
            for i in range(STUDENTS)
        ],
        batch_size=500,
    )  # fmt: skip
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Leger")
    ws.append(["LEGER NILAI"])
    ws.append(["Semester : Ganjil 2024/2025"])
    ws.append([])
    ws.append(["No", "NISN", "Nama", *[f"Mapel {k:02d}" for k in range(SUBJECTS)]])
    for i in range(STUDENTS):
        scores = [50 + (i * 7 + k * 13) % 51 for k in range(SUBJECTS)]
        ws.append([i + 1, f"{7_000_000 + i:010d}", f"Siswa {i}", *scores])
    path = tmp_path / "leger-2000.xlsx"
    book.save(path)
    return school, path


def _upload_and_confirm(school, path: Path) -> ImportBatch:
    with path.open("rb") as fh:
        batch = import_batch_create(
            school=school, kind="grades", file=File(fh, name=path.name), file_name=path.name
        )
    # Issue 12: the upload only queues the preview; the worker builds it.
    batch = _wait_for(batch, lambda b: b.status != ImportStatus.ANALYSING, 60, "preview")
    assert batch.status == ImportStatus.PREVIEW and batch.rejected == 0, batch.message
    with transaction.atomic():  # the task is queued on commit, like the web view does
        import_batch_confirm(batch=batch, user=None)
    return batch


def _wait_for(batch: ImportBatch, until, timeout: float, what: str) -> ImportBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if until(batch):
            return batch
        time.sleep(0.05)
    raise AssertionError(
        f"import batch #{batch.pk} did not reach '{what}' within {timeout:.0f} s: "
        f"status={batch.status} progress={batch.progress} message={batch.message!r}"
    )


def test_redis_restarted_mid_import_the_import_completes_once(
    ledger_school, private_redis, settings, tmp_path
):
    school, path = ledger_school
    env = {"REDIS_URL": private_redis.url, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    with celery_worker(queues="default", extra_env=env) as worker:
        batch = _upload_and_confirm(school, path)
        batch = _wait_for(batch, lambda b: b.status == ImportStatus.RUNNING, 60, "running")

        # Restart Redis while the worker is inside the import.
        private_redis.kill()
        batch.refresh_from_db()
        assert batch.status == ImportStatus.RUNNING, (
            f"the import was already {batch.status} when Redis went down: make the ledger larger"
        )
        time.sleep(1.0)
        private_redis.start()

        batch = _wait_for(batch, lambda b: b.is_finished, 120, "done/failed")
        attempts = [batch.status]
        if batch.status != ImportStatus.DONE:
            # Failed cleanly: nothing of it was written, and the same file can be retried.
            assert batch.status == ImportStatus.FAILED, batch.message
            assert GradeRecord.objects.filter(student__school=school).count() == 0
            retry = _upload_and_confirm(school, path)
            batch = _wait_for(retry, lambda b: b.is_finished, 120, "done after retry")
            attempts.append(batch.status)
        assert worker.poll() is None, "the worker died when Redis restarted"
        # The worker reconnected: Redis is usable again for the next job.
        assert _ping_worker(), "the worker did not reconnect to the restarted Redis"

    assert batch.status == ImportStatus.DONE, (attempts, batch.message)
    assert GradeRecord.objects.filter(student__school=school).count() == EXPECTED_RECORDS
    # No batch is left half-way for ever, and the data went in exactly once.
    stuck = ImportBatch.objects.filter(
        school=school,
        status__in=[ImportStatus.ANALYSING, ImportStatus.QUEUED, ImportStatus.RUNNING],
    )
    assert not stuck.exists(), list(stuck.values_list("pk", "status"))
    assert ImportBatch.objects.filter(school=school, status=ImportStatus.DONE).count() == 1
    assert os.path.exists(batch.file.path)


def _ping_worker(attempts: int = 10) -> list:
    """Ping through Redis; this process's first pooled connection may still be the one the
    restart cut, so a connection error is retried on a fresh connection."""
    import redis.exceptions

    for _ in range(attempts):
        try:
            answer = celery_app.control.ping(timeout=2.0)
        except (redis.exceptions.ConnectionError, ConnectionError, OSError):
            answer = []
        if answer:
            return answer
        time.sleep(0.5)
    return []
