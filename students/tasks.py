"""Celery tasks for school data: thin wrappers that take ids, call one service and record
success or failure on the job row."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils.translation import gettext as _

from .dapodik.services import dapodik_sync_nightly
from .importing.housekeeping import import_previews_expire
from .importing.lifecycle import (
    import_batch_analyse,
    import_batch_fail,
    import_batch_process,
    import_batches_fail_stale,
)
from .importing.retention import import_files_purge

logger = logging.getLogger(__name__)


@shared_task(name="students.tasks.import_batch_process_task", queue="default", acks_late=True)
def import_batch_process_task(batch_id: int) -> str:
    """Process one confirmed ImportBatch. Safe to run twice: a finished batch is left alone,
    and the upsert changes nothing the second time. A crash leaves the batch `failed` (the
    data transaction has rolled back) instead of silently `running`."""
    try:
        batch = import_batch_process(batch_id=batch_id)
    except Exception as exc:
        logger.exception("import batch %s failed", batch_id)
        messages = getattr(exc, "messages", None)
        import_batch_fail(
            batch_id=batch_id,
            message=" ".join(messages)
            if messages
            else _("Impor gagal karena kesalahan sistem; tidak ada data yang disimpan."),
        )
        raise
    return batch.status if batch is not None else "missing"


@shared_task(name="students.tasks.import_batch_analyse_task", queue="default", acks_late=True)
def import_batch_analyse_task(batch_id: int) -> str:
    """Build the preview of one uploaded ImportBatch (the web request only stored the file).
    Safe to run twice: a batch that is no longer `analysing` is left alone. A crash half-way
    leaves the batch `failed` with a message, never a half-built `preview`."""
    try:
        batch = import_batch_analyse(batch_id=batch_id)
    except Exception as exc:
        logger.exception("import batch %s: preview failed", batch_id)
        messages = getattr(exc, "messages", None)
        import_batch_fail(
            batch_id=batch_id,
            message=" ".join(messages)
            if messages
            else _(
                "File ini gagal dibaca karena kesalahan sistem; tidak ada data yang disimpan. "
                "Coba unggah lagi atau hubungi admin."
            ),
        )
        raise
    return batch.status if batch is not None else "missing"


@shared_task(name="students.tasks.import_batches_fail_stale_task")
def import_batches_fail_stale_task() -> int:
    """Periodic: fail import batches whose worker never finished them (IMPORT_STALE_SECONDS)."""
    return import_batches_fail_stale(silent_seconds=settings.IMPORT_STALE_SECONDS)


@shared_task(name="students.tasks.import_previews_expire_task")
def import_previews_expire_task() -> int:
    """Periodic: expire previews nobody confirmed within IMPORT_PREVIEW_EXPIRE_DAYS (their
    files are deleted)."""
    return import_previews_expire(days=settings.IMPORT_PREVIEW_EXPIRE_DAYS)


@shared_task(name="students.tasks.import_files_purge_task")
def import_files_purge_task() -> int:
    """Periodic: delete uploaded spreadsheets (and error reports) of finished imports older
    than UPLOAD_RETENTION_DAYS; the import rows stay."""
    return import_files_purge(days=settings.UPLOAD_RETENTION_DAYS)


@shared_task(name="students.tasks.dapodik_sync_nightly_task", queue="default")
def dapodik_sync_nightly_task() -> dict:
    """Nightly: pull every connected school's roster from Dapodik through the roster import
    (leavers marked `keluar`, never deleted); each school's outcome is kept on its connection.
    Safe to run twice: a second pull finds nothing to change."""
    return dapodik_sync_nightly()
