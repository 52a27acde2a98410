"""The import batch's lifecycle, one service per step: upload (file kept, sha256) →
`analysing` → `preview` (or `rejected`) → confirm → `queued` → `running` → `done` (all rows
in one transaction, or none), or `failed` when a worker crashed or never finished. The web
upload and the command line (command.py) share it."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.jobs import enqueue_on_commit
from smk_dashboard.core.storage import local_copy
from students.importers import FileRejected, sniff_format
from students.importers.sniff import check_file_size
from students.models import ImportBatch, ImportKind, ImportStatus, Role, School, User

from .analysis import Analysis, import_analyse
from .freshness import import_batch_stale, school_data_stamp
from .leavers import roster_leavers
from .report import import_summary, record_analysis
from .write import write

DAPODIK_SOURCE = "dapodik"  # a pull lists every current student: leavers are marked

KINDS_BY_ROLE = {
    Role.OPERATOR: {
        ImportKind.ROSTER,
        ImportKind.GRADES,
        ImportKind.ATTENDANCE,
        ImportKind.PKL,
        ImportKind.POINTS,
    },
    Role.WALIKELAS: {
        ImportKind.ROSTER,
        ImportKind.GRADES,
        ImportKind.ATTENDANCE,
        ImportKind.PKL,
        ImportKind.POINTS,
    },
    Role.GURU: {ImportKind.GRADES},
}


def import_kinds_for_user(*, user: User) -> list[str]:
    """The kinds of file a user may import: none for roles outside the import page."""
    if user.is_superuser and user.school_id:
        return list(ImportKind.values)
    if not user.school_id:
        return []
    allowed = KINDS_BY_ROLE.get(user.role, set())
    return [k for k in ImportKind.values if k in allowed]


def _sha256(fh) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(chunk)
    fh.seek(0)
    return digest.hexdigest()


def import_batch_create(
    *,
    school: School,
    kind: str,
    file: File,
    file_name: str,
    user: User | None = None,
    term_code: str = "",
    create_missing: bool = False,
    valid_rows_only: bool = False,
    source: str = "web",
    request=None,
    preview: bool = True,
) -> ImportBatch:
    """Keep the uploaded file (in the "default" storage, for audit) and record a batch with its
    sha256, status `analysing`, and queue its analysis (import_batch_analyse_task, once this
    transaction commits). The calling process never parses the file. Writes no school data."""
    if kind not in ImportKind.values:
        raise ValidationError(_("Jenis impor tidak dikenal."))
    if user is not None and kind not in import_kinds_for_user(user=user):
        raise PermissionDenied(_("Anda tidak berhak mengimpor data jenis ini."))
    if user is not None and not user.is_superuser and user.school_id != school.id:
        raise PermissionDenied(_("Anda hanya boleh mengimpor data sekolah Anda sendiri."))
    check_file_size(file.size)
    file.seek(0)
    sha = _sha256(file)
    safe_name = get_valid_filename(Path(file_name).name)[:120] or "upload"
    batch = ImportBatch(
        school=school,
        created_by=user,
        kind=kind,
        source=source,
        file_name=Path(file_name).name[:255],
        file_size=file.size,
        sha256=sha,
        term_code=term_code or "",
        create_missing=create_missing,
        valid_rows_only=valid_rows_only,
    )
    batch.created_at = timezone.now()
    if preview:
        batch.status = ImportStatus.ANALYSING
        batch.queued_at = batch.created_at
    batch.file.save(f"{sha[:16]}-{safe_name}", file, save=False)
    batch.save()
    if preview:
        _queue_analysis(batch)
    audit_log(
        action="import.upload",
        user=user,
        request=request,
        target=batch,
        school=school,
        detail={"kind": kind, "file": batch.file_name, "sha256": sha, "source": source},
    )
    return batch


def import_batch_preview(
    *,
    batch: ImportBatch,
    mapping: dict | None = None,
    create_missing: bool | None = None,
    term_code: str | None = None,
) -> ImportBatch:
    """Queue a new analysis of a batch awaiting confirmation, with the user's column mapping
    (and, when given, the term the user picked: a file naming only its school year asks for
    it). The task parses; the caller does not."""
    if batch.status not in (ImportStatus.PREVIEW, ImportStatus.REJECTED):
        raise ValidationError(_("Impor ini sudah dikonfirmasi atau sedang dibaca."))
    if term_code is not None:
        batch.term_code = term_code
    if mapping is not None:
        batch.mapping = mapping
    if create_missing is not None:
        batch.create_missing = create_missing
    batch.status = ImportStatus.ANALYSING
    batch.progress = 0
    batch.message = ""
    batch.queued_at, batch.finished_at = timezone.now(), None
    batch.save()
    _queue_analysis(batch)
    return batch


def _queue_analysis(batch: ImportBatch) -> None:
    batch_id = batch.id
    enqueue_on_commit(
        "students.tasks.import_batch_analyse_task",
        batch_id,
        # Broker unreachable: say so on the batch, never leave it waiting.
        on_error=lambda: import_batch_fail(
            batch_id=batch_id,
            message=_("Antrean tugas tidak dapat dihubungi. Unggah file ini lagi nanti."),
        ),
    )


def import_batch_analyse(*, batch_id: int) -> ImportBatch | None:
    """Build the preview of an `analysing` batch (the Celery task's service): status
    `preview` with the columns, sample and row errors, or `rejected` with a message when the
    file itself is unusable. The batch is saved once, at the end, so a crash half-way never
    leaves a half-built preview; the task then marks the batch `failed`. Safe to run twice: a
    batch no longer `analysing` is left alone."""
    batch = ImportBatch.objects.select_related("school", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportStatus.ANALYSING:
        return batch
    batch.started_at = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=batch.started_at, progress=5)
    # Read before the file is analysed: a change made while it runs makes the preview stale.
    stamp = school_data_stamp(school_id=batch.school_id)
    try:
        with uploaded_copy(batch) as path:
            batch.file_format = sniff_format(path)
            analysis = _analyse_batch(batch, path, progress=_progress_updater(batch.pk, 10, 90))
    except FileRejected as exc:
        if batch.preview.get("error_report"):  # from the preview before a new mapping
            default_storage.delete(batch.preview["error_report"])
        batch.status = ImportStatus.REJECTED
        batch.message = " ".join(exc.messages)
        batch.preview, batch.errors = {}, []
        batch.rows = batch.rejected = 0
    else:
        record_analysis(batch, analysis)
        if batch.source == DAPODIK_SOURCE and batch.kind == ImportKind.ROSTER:
            rows = [*analysis.result.rows, *analysis.result.rejected]
            batch.preview["leavers"] = [s.name for s in roster_leavers(rows, batch.school)]
        batch.status = ImportStatus.PREVIEW
        batch.message = ""
        batch.data_stamp = stamp
    batch.progress = 100
    batch.save()
    return batch


def uploaded_copy(batch: ImportBatch):
    """A path on this host to the batch's uploaded file (the file itself on a local MEDIA_ROOT,
    a private temporary copy when it is in object storage; the web host that took the upload
    need not be this one)."""
    return local_copy(default_storage, batch.file.name, suffix=Path(batch.file.name).suffix)


def _analyse_batch(batch: ImportBatch, path: Path, progress=None) -> Analysis:
    """Parse and check the batch's file with the batch's own settings (same for the preview
    and for the processing run)."""
    return import_analyse(
        school=batch.school,
        kind=batch.kind,
        path=path,
        fmt=batch.file_format,
        user=batch.created_by,
        term_code=batch.term_code or None,
        mapping=batch.mapping,
        create_missing=batch.create_missing,
        progress=progress,
    )


def import_batch_confirm(
    *,
    batch: ImportBatch,
    user: User | None,
    valid_rows_only: bool = False,
    request=None,
) -> ImportBatch:
    """Queue a previewed batch for processing (after commit). A file with rejected rows is
    refused unless the user chose to import the valid rows only. A preview analysed before
    the school's data changed (freshness.py) is refused with `PreviewStale`, after its new
    analysis was queued: the user confirms what the refreshed preview shows, not the old one."""
    if batch.status != ImportStatus.PREVIEW:
        raise ValidationError(_("Impor ini tidak menunggu konfirmasi."))
    if import_batch_stale(batch=batch):
        import_batch_preview(batch=batch)
        audit_log(
            action="import.refresh",
            user=user,
            request=request,
            target=batch,
            school=batch.school,
            detail={"reason": "confirm_stale", "file": batch.file_name},
        )
        raise PreviewStale(
            _(
                "Data sekolah berubah sejak pratinjau ini dibuat, jadi file ini sedang dibaca "
                "ulang. Periksa pratinjau yang baru, lalu konfirmasi lagi."
            )
        )
    if batch.rejected and not valid_rows_only:
        raise ValidationError(
            _(
                "%(n)s baris bermasalah. Perbaiki filenya lalu unggah ulang, atau pilih "
                '"impor baris yang valid saja".'
            )
            % {"n": batch.rejected}
        )
    if batch.rejected and batch.rejected == batch.rows:
        raise ValidationError(_("Tidak ada baris yang valid untuk diimpor."))
    batch.valid_rows_only = valid_rows_only
    batch.status = ImportStatus.QUEUED
    batch.progress = 0
    batch.queued_at = timezone.now()
    batch.save(update_fields=["valid_rows_only", "status", "progress", "queued_at"])
    audit_log(
        action="import.confirm",
        user=user,
        request=request,
        target=batch,
        school=batch.school,
        detail={"kind": batch.kind, "file": batch.file_name, "sha256": batch.sha256},
    )
    enqueue_on_commit("students.tasks.import_batch_process_task", batch.id)
    return batch


class PreviewStale(ValidationError):
    """The preview no longer matches the school's data; a new analysis has been queued."""


def _progress_updater(batch_id: int, start: int, end: int):
    last = [0.0]

    def update(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5:
            return
        last[0] = now
        value = start + int((end - start) * max(0.0, min(1.0, fraction)))
        ImportBatch.objects.filter(pk=batch_id).update(progress=value)

    return update


def import_batch_process(*, batch_id: int) -> ImportBatch:
    """Process a confirmed batch: re-read the kept file (its sha256 must still match),
    re-check every row, and write all valid rows in one transaction. With rejected rows and
    no "valid rows only", nothing is written and the batch is `rejected`. Safe to run twice:
    a finished batch is left alone and the upsert itself is idempotent."""
    batch = ImportBatch.objects.select_related("school", "created_by").get(pk=batch_id)
    if batch.is_finished:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), progress=2
    )
    try:
        with uploaded_copy(batch) as path:
            with path.open("rb") as fh:
                if _sha256(fh) != batch.sha256:
                    raise ValidationError(_("File asli berubah sejak diunggah; unggah ulang."))
            batch.file_format = batch.file_format or sniff_format(path)
            analysis = _analyse_batch(batch, path, progress=_progress_updater(batch.pk, 5, 60))
    except FileRejected as exc:
        return _finish_rejected(batch, " ".join(exc.messages))
    ImportBatch.objects.filter(pk=batch.pk).update(progress=65)
    record_analysis(batch, analysis)
    if analysis.result.rejected and not batch.valid_rows_only:
        return _finish_rejected(
            batch,
            _("%(n)s baris bermasalah; tidak ada data yang disimpan.")
            % {"n": len(analysis.result.rejected)},
        )
    with transaction.atomic():
        counts = write(
            analysis,
            school=batch.school,
            batch=batch,
            complete_roster=batch.source == DAPODIK_SOURCE,
        )
        batch.status = ImportStatus.DONE
        if "left" in counts:
            batch.preview["left"] = counts["left"]
            batch.preview["returned"] = counts["returned"]
        batch.created, batch.updated = counts["created"], counts["updated"]
        batch.unchanged = counts["unchanged"]
        batch.preview["records"] = counts["records"]
        batch.term_code = batch.term_code or (analysis.result.term_code or "")
        batch.term = counts.get("term")
        batch.progress = 100
        batch.finished_at = timezone.now()
        batch.save()
        audit_log(
            action="import.done",
            user=batch.created_by,
            target=batch,
            school=batch.school,
            detail=import_summary(batch=batch, with_errors=False),
        )
        _rescore_after_import(batch, analysis)
    return batch


RESCORE_TASK = "predictions.tasks.students_rescore_task"


def _rescore_after_import(batch: ImportBatch, analysis: Analysis) -> None:
    """New grades or attendance change what the model sees: queue a re-scoring of those
    students with the active model (by task name: `students` never imports `predictions`)."""
    if batch.kind not in (ImportKind.GRADES, ImportKind.ATTENDANCE):
        return
    student_ids = sorted(
        {
            int(row.data["_student"])
            for row in analysis.result.rows
            if not row.errors and row.data.get("_student")
        }
    )
    if student_ids:
        enqueue_on_commit(RESCORE_TASK, batch.school_id, student_ids)


def _finish_rejected(batch: ImportBatch, message: str) -> ImportBatch:
    batch.status = ImportStatus.REJECTED
    batch.message = message
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save()
    audit_log(
        action="import.reject",
        user=batch.created_by,
        target=batch,
        school=batch.school,
        detail={"message": message, "rejected": batch.rejected},
    )
    return batch


def import_batch_fail(*, batch_id: int, message: str, only_if: Iterable[str] = ()) -> bool:
    """Record a crash: the batch is `failed`, and the transaction already rolled back.
    `only_if`: fail it only while its status is one of these. Returns whether it was failed."""
    batches = ImportBatch.objects.filter(pk=batch_id).exclude(
        status__in=(ImportStatus.DONE, ImportStatus.CANCELLED, ImportStatus.EXPIRED)
    )
    if only_if:
        batches = batches.filter(status__in=list(only_if))
    if not batches.update(
        status=ImportStatus.FAILED, message=message[:2000], finished_at=timezone.now()
    ):
        return False
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        audit_log(
            action="import.fail",
            user=batch.created_by,
            target=batch,
            school=batch.school,
            detail={"message": message[:500]},
        )
    return True


def import_batches_fail_stale(*, silent_seconds: int) -> int:
    """Fail the batches a worker took (or should have taken) and never finished: still
    `analysing`, `queued` or `running` `silent_seconds` after they were queued or started
    (a worker killed mid-file, a queue nobody listens to). Their data transaction rolled back,
    so nothing was written; the uploader sees why and uploads again. A worker that picks the
    task up later leaves a failed batch alone. Returns how many were failed."""
    limit = timezone.now() - dt.timedelta(seconds=silent_seconds)
    waiting = (ImportStatus.ANALYSING, ImportStatus.QUEUED, ImportStatus.RUNNING)
    stale = ImportBatch.objects.filter(status__in=waiting).filter(
        Q(queued_at__lt=limit) | Q(queued_at__isnull=True, created_at__lt=limit),
        Q(started_at__isnull=True) | Q(started_at__lt=limit),
    )
    minutes = max(1, silent_seconds // 60)
    failed = 0
    for batch_id, status in list(stale.values_list("pk", "status")):
        reading = status == ImportStatus.ANALYSING
        message = (
            _(
                "File ini tidak selesai dibaca dalam %(m)s menit (proses latar mungkin berhenti). "
                "Tidak ada data yang disimpan; silakan unggah file ini lagi."
            )
            if reading
            else _(
                "Impor ini tidak selesai dalam %(m)s menit (proses latar mungkin berhenti). "
                "Tidak ada data yang disimpan; silakan unggah file ini lagi."
            )
        ) % {"m": minutes}
        failed += import_batch_fail(batch_id=batch_id, message=message, only_if=waiting)
    return failed
