"""Previews nobody confirms: the uploader (or the school's operator) throws one away
("Batalkan"), a periodic sweep expires the ones left waiting, and an out-of-date one is read
again on request. A discarded or expired batch stays in the history as `cancelled` /
`expired`; its stored file and the copies of its rows kept for the preview (sample, row
errors, error report) are deleted, since none of it went into the school's data."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from students.models import ImportBatch, ImportStatus, Role, User

from .lifecycle import import_batch_preview, import_kinds_for_user


def import_batch_may_discard(*, batch: ImportBatch, user: User) -> bool:
    """The school's operator (or a superuser) may discard any preview of the school; anyone
    else only a preview they uploaded, of a kind they may still import."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.school_id != batch.school_id:
        return False
    if user.role == Role.OPERATOR:
        return True
    return batch.created_by_id == user.id and batch.kind in import_kinds_for_user(user=user)


def import_batch_discard(*, batch: ImportBatch, user: User, request=None) -> ImportBatch:
    """Throw away a preview awaiting confirmation: status `cancelled`, the file and the
    preview's copies of the rows deleted, an audit entry. Nothing of the school's data
    changes. Refused once the batch was confirmed (or is being read again)."""
    if not import_batch_may_discard(batch=batch, user=user):
        raise PermissionDenied(_("Anda tidak berhak membatalkan impor ini."))
    name = user.get_full_name() or user.get_username()
    done = close_preview(
        batch,
        ImportStatus.CANCELLED,
        _("Dibatalkan oleh %(u)s. Tidak ada data yang disimpan dan file yang diunggah sudah "
          "dihapus.") % {"u": name},
    )  # fmt: skip
    if not done:
        raise ValidationError(_("Impor ini tidak menunggu konfirmasi, jadi tidak bisa dibatalkan."))
    batch.refresh_from_db()
    audit_log(
        action="import.discard",
        user=user,
        request=request,
        target=batch,
        school=batch.school,
        detail={"kind": batch.kind, "file": batch.file_name, "sha256": batch.sha256},
    )
    return batch


def import_batch_refresh(*, batch: ImportBatch, user: User | None, request=None) -> ImportBatch:
    """Read a preview's file again with its own mapping, term and options (the analysis
    task), because the school's data changed since it was analysed."""
    batch = import_batch_preview(batch=batch)
    audit_log(
        action="import.refresh",
        user=user,
        request=request,
        target=batch,
        school=batch.school,
        detail={"reason": "user", "file": batch.file_name},
    )
    return batch


def import_previews_expire(*, days: int) -> int:
    """Expire the previews nobody confirmed or discarded within `days` days of their last
    analysis: status `expired`, file deleted, an audit entry each. Safe to run twice and
    alongside a confirm: a batch is only closed while it is still `preview`. Returns how many
    were expired."""
    limit = timezone.now() - dt.timedelta(days=days)
    old = ImportBatch.objects.filter(status=ImportStatus.PREVIEW).filter(
        Q(started_at__lt=limit) | Q(started_at__isnull=True, created_at__lt=limit)
    )
    message = _(
        "Pratinjau ini tidak dikonfirmasi dalam %(d)s hari sehingga kedaluwarsa. Tidak ada data "
        "yang disimpan dan file yang diunggah sudah dihapus; unggah lagi bila masih diperlukan."
    ) % {"d": days}
    expired = 0
    for batch in old.select_related("school", "created_by"):
        if not close_preview(batch, ImportStatus.EXPIRED, message):
            continue
        expired += 1
        audit_log(
            action="import.expire",
            user=None,
            target=batch,
            school=batch.school,
            detail={"kind": batch.kind, "file": batch.file_name, "days": days},
        )
    return expired


def close_preview(batch: ImportBatch, status: str, message: str) -> bool:
    """Move a `preview` batch to `status` and delete its stored files once that commits. The
    update is conditional, so a batch confirmed (or closed) meanwhile is left alone."""
    paths = [batch.file.name, (batch.preview or {}).get("error_report")]
    with transaction.atomic():
        closed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(
            status=status,
            message=message[:2000],
            finished_at=timezone.now(),
            file="",
            preview={},
            errors=[],
        )
        if closed:
            transaction.on_commit(lambda: stored_files_delete(paths))
    return bool(closed)


def stored_files_delete(paths: list[str | None]) -> None:
    """Delete these stored files (uploads, error reports) where they still exist."""
    for path in paths:
        if path and default_storage.exists(path):
            default_storage.delete(path)
