"""The periodic sweep that fails import batches a worker never finished (worker killed
mid-file, nobody listening on the queue), so an uploader is never left with an endless
"Sedang dibaca"."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.utils import timezone

from smk_dashboard.core.models import AuditEvent
from students.importing.lifecycle import (
    import_batch_analyse,
    import_batch_confirm,
    import_batch_create,
    import_batch_process,
    import_batches_fail_stale,
)
from students.models import ImportBatch, ImportStatus, Role
from students.tasks import import_batches_fail_stale_task
from tests.students.spreadsheets import roster_rows, write_xlsx

pytestmark = pytest.mark.django_db
HOUR = 3600
BUDI = ("0081234567", "2425001", "Budi Santoso", "L", dt.date(2008, 5, 17), "XI TKJ 1")


@pytest.fixture
def operator(school, make_user):
    return make_user(Role.OPERATOR, school=school)


def upload(operator, tmp_path, name="daftar.xlsx"):
    path = write_xlsx(tmp_path / name, {"Siswa": roster_rows([BUDI])})
    with open(path, "rb") as fh:
        return import_batch_create(
            school=operator.school, kind="roster", file=File(fh, name=name),
            file_name=name, user=operator, create_missing=True,
        )  # fmt: skip


def age(batch, **fields):
    """Move the batch's timestamps into the past by the given number of seconds."""
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        **{name: now - dt.timedelta(seconds=s) for name, s in fields.items()}
    )


def test_an_upload_nobody_read_for_an_hour_fails_with_a_message(operator, tmp_path):
    batch = upload(operator, tmp_path)
    assert batch.status == ImportStatus.ANALYSING and batch.queued_at is not None
    age(batch, queued_at=HOUR + 60, created_at=HOUR + 60)
    assert import_batches_fail_stale(silent_seconds=HOUR) == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.finished_at is not None
    assert "tidak selesai dibaca dalam 60 menit" in batch.message
    assert "unggah file ini lagi" in batch.message
    assert AuditEvent.objects.filter(action="import.fail", target_id=str(batch.pk)).exists()
    # A worker that picks the task up afterwards leaves the failed batch alone.
    assert import_batch_analyse(batch_id=batch.pk).status == ImportStatus.FAILED
    assert import_batches_fail_stale(silent_seconds=HOUR) == 0  # not failed twice


def test_batches_still_in_time_or_waiting_for_the_user_are_left_alone(operator, tmp_path):
    fresh = upload(operator, tmp_path, "a.xlsx")
    age(fresh, queued_at=HOUR - 120, created_at=HOUR - 120)
    preview = import_batch_analyse(batch_id=upload(operator, tmp_path, "b.xlsx").pk)
    assert preview.status == ImportStatus.PREVIEW
    age(preview, queued_at=30 * HOUR, created_at=30 * HOUR, started_at=30 * HOUR)
    assert import_batches_fail_stale(silent_seconds=HOUR) == 0
    assert ImportBatch.objects.get(pk=fresh.pk).status == ImportStatus.ANALYSING
    assert ImportBatch.objects.get(pk=preview.pk).status == ImportStatus.PREVIEW


def test_confirming_an_old_preview_restarts_the_clock(operator, tmp_path):
    """Uploaded yesterday, confirmed now: the queue wait counts from the confirm."""
    batch = import_batch_analyse(batch_id=upload(operator, tmp_path).pk)
    age(batch, queued_at=20 * HOUR, created_at=20 * HOUR, started_at=20 * HOUR)
    batch.refresh_from_db()
    import_batch_confirm(batch=batch, user=operator, valid_rows_only=False)
    assert import_batches_fail_stale(silent_seconds=HOUR) == 0
    # Still queued an hour later: the worker is gone.
    age(batch, queued_at=HOUR + 60)
    assert import_batches_fail_stale(silent_seconds=HOUR) == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "Impor ini tidak selesai" in batch.message
    assert import_batch_process(batch_id=batch.pk).status == ImportStatus.FAILED
    assert batch.created == 0


def test_a_running_import_counts_from_its_start(operator, tmp_path):
    batch = import_batch_analyse(batch_id=upload(operator, tmp_path).pk)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    age(batch, queued_at=3 * HOUR, started_at=10 * 60)  # waited long, started 10 min ago
    assert import_batches_fail_stale(silent_seconds=HOUR) == 0
    age(batch, started_at=2 * HOUR)
    assert import_batches_fail_stale(silent_seconds=HOUR) == 1


def test_the_sweep_is_scheduled_every_ten_minutes_with_an_hour_by_default(operator, tmp_path):
    entry = settings.CELERY_BEAT_SCHEDULE["import-batches-fail-stale"]
    assert entry["task"] == import_batches_fail_stale_task.name and entry["schedule"] == 600
    batch = upload(operator, tmp_path)
    age(batch, queued_at=settings.IMPORT_STALE_SECONDS + 60)
    assert import_batches_fail_stale_task() == 1
    assert Path(ImportBatch.objects.get(pk=batch.pk).file.path).exists()  # kept for audit
