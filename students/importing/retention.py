"""How long uploaded spreadsheets are kept (issue 25, finding 13). A Dapodik roster holds the
parents' income, jobs and KIP status in clear; the school's data is in the database once an
import is done, so the file (and its error report, which copies rows) is only kept for
UPLOAD_RETENTION_DAYS, for questions about that import. Then a periodic task deletes both
through the storage API (whatever storage holds them); the ImportBatch row stays in the
history with its counts, sha256 and a note that the file was removed.

Anonymising a student removes the files too: which uploads held the student cannot be told
without reading each file again, so every stored upload of the student's school goes (at most
UPLOAD_RETENTION_DAYS of them), and previews still waiting for a confirmation are cancelled,
so that a file holding the real identity cannot be imported afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from students.models import ImportBatch, ImportStatus, School, User
from students.models.imports import FINISHED_STATUSES

from .housekeeping import close_preview, stored_files_delete

# Batches a worker may be reading right now: their file must stay until they finish.
IN_FLIGHT = (ImportStatus.ANALYSING, ImportStatus.QUEUED, ImportStatus.RUNNING)


def _stored_paths(batch: ImportBatch) -> list[str]:
    report = (batch.preview or {}).get("error_report")
    return [p for p in (batch.file.name if batch.file else "", report) if p]


def _with_files():
    return ImportBatch.objects.filter(~Q(file="") | Q(preview__has_key="error_report"))


def _remove_files(batch: ImportBatch, note: str) -> bool:
    """Delete the batch's stored files and record the note. Conditional on the batch still
    being finished, so a batch picked up again meanwhile keeps its file."""
    paths = _stored_paths(batch)
    preview = dict(batch.preview or {})
    preview.pop("error_report", None)
    with transaction.atomic():
        done = ImportBatch.objects.filter(pk=batch.pk, status__in=FINISHED_STATUSES).update(
            file="",
            preview=preview,
            file_removed_at=timezone.now(),
            file_removed_note=note[:300],
        )
        if done:
            transaction.on_commit(lambda: stored_files_delete(paths))
    return bool(done)


def import_files_purge(*, days: int, now: dt.datetime | None = None) -> int:
    """Delete the stored files of finished imports uploaded more than `days` days ago. Safe
    to run twice. Returns how many batches lost their files."""
    limit = (now or timezone.now()) - dt.timedelta(days=days)
    note = _("File yang diunggah dan laporan kesalahannya dihapus setelah %(d)s hari.") % {
        "d": days
    }
    removed = 0
    old = _with_files().filter(status__in=FINISHED_STATUSES, created_at__lt=limit)
    for batch in old.select_related("school"):
        if _remove_files(batch, note):
            removed += 1
            audit_log(
                action="import.file_purge",
                target=batch,
                school=batch.school,
                detail={"file": batch.file_name, "days": days},
            )
    return removed


def import_files_erase_for_school(*, school: School, actor: User | None, reason: str) -> dict:
    """Remove every stored upload of the school (a student of it was anonymised): finished
    batches lose their files, previews are cancelled (files deleted). Batches a worker is
    processing right now keep theirs and are counted in `in_flight`."""
    note = _("File yang diunggah dihapus karena data seorang siswa dianonimkan.")
    removed = 0
    for batch in _with_files().filter(school=school, status__in=FINISHED_STATUSES):
        removed += _remove_files(batch, note)
    cancelled = 0
    message = _(
        "Dibatalkan karena data seorang siswa dianonimkan; file yang diunggah sudah dihapus. "
        "Unggah lagi bila masih diperlukan."
    )
    for batch in ImportBatch.objects.filter(school=school, status=ImportStatus.PREVIEW):
        if close_preview(batch, ImportStatus.CANCELLED, message):
            cancelled += 1
            ImportBatch.objects.filter(pk=batch.pk).update(
                file_removed_at=timezone.now(), file_removed_note=note
            )
    in_flight = ImportBatch.objects.filter(school=school, status__in=IN_FLIGHT).count()
    result = {"files_removed": removed, "previews_cancelled": cancelled, "in_flight": in_flight}
    audit_log(
        action="import.file_erase", user=actor, school=school, detail={**result, "reason": reason}
    )
    return result
