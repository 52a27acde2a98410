"""Writes for school data. The spreadsheet import is one service with two entry points (the
web upload and `manage.py import_spreadsheet`): create a batch (file kept, sha256, preview),
confirm it, process it (all rows in one transaction, or none)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.jobs import enqueue_on_commit

from . import import_writes
from .importers import FileRejected, ParseResult, parse_file, sniff_format
from .importers.matching import SchoolIndex, Scope
from .importers.parsing import SHEET_CHOICE
from .importers.preview import no_data_preview, sheets_preview
from .importers.report import error_report_xlsx
from .importers.sniff import check_file_size
from .importers.values import clean_text
from .models import (
    AcademicTerm,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Major,
    MajorField,
    Role,
    School,
    SchoolClass,
    SchoolTermStatus,
    Student,
    User,
)

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 1000
SAMPLE_ROWS = 10
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


@dataclass
class Analysis:
    result: ParseResult
    index: SchoolIndex
    scope: Scope
    plan: import_writes.Plan


def import_analyse(
    *,
    school: School,
    kind: str,
    path: Path,
    fmt: str,
    user: User | None = None,
    term_code: str | None = None,
    mapping: dict | None = None,
    create_missing: bool = False,
    progress=None,
) -> Analysis:
    """Parse a file and match every row against the database (reads only). Raises
    FileRejected when the whole file is unusable; row errors stay on the rows."""
    result = parse_file(
        path,
        fmt,
        kind,
        term_code=term_code,
        mapping=mapping,
        max_rows=settings.IMPORT_MAX_ROWS,
        progress=progress,
    )
    if result.npsn and result.npsn != school.npsn:
        raise FileRejected(
            _("File ini milik sekolah dengan NPSN %(n)s, bukan sekolah Anda (%(s)s).")
            % {"n": result.npsn, "s": school.npsn},
            code="other_school",
        )
    year = int(result.term_code[:4]) if result.term_code else None
    index = SchoolIndex.load(school, year=year)
    scope = Scope.for_user(user, school)
    plan = import_writes.resolve(result, index, scope, create_missing=create_missing)
    return Analysis(result=result, index=index, scope=scope, plan=plan)


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
    """Keep the uploaded file (under MEDIA_ROOT, for audit) and record a batch with its
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
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now(), progress=5)
    path = Path(batch.file.path)
    try:
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
        _record_analysis(batch, analysis)
        batch.status = ImportStatus.PREVIEW
        batch.message = ""
    batch.progress = 100
    batch.save()
    return batch


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


def _record_analysis(batch: ImportBatch, analysis: Analysis) -> None:
    result = analysis.result
    rejected = result.rejected
    old_report = batch.preview.get("error_report") if batch.preview else None
    batch.rows, batch.rejected = len(result.rows), len(rejected)
    batch.errors = [
        {"sheet": r.sheet, "row": r.number, "errors": r.errors}
        for r in rejected[:MAX_STORED_ERRORS]
    ]
    first = result.tables[0]
    sheet = next(s for s in result.sheets if s.name == first.sheet)
    sample_rows = [r.raw for r in result.rows[:SAMPLE_ROWS]]
    batch.preview = {
        "layout": result.layout,
        "term_code": result.term_code or "",
        "warnings": result.warnings,
        "errors_total": len(rejected),
        "unknown": analysis.plan.unknown_lists(),
        "skipped_sheets": [{"sheet": n, "why": str(w)} for n, w in result.skipped],
        "all_sheets": [s.name for s in result.sheets],
        "ignored_columns": [{"header": h, "why": str(w)} for h, w in result.ignored],
        "coverage": {
            "subjects": analysis.plan.subjects_in_file,
            "expected": analysis.plan.subjects_expected,
            "partial": analysis.plan.partial,
        },
        "sheets": sheets_preview(result),
        "no_data": no_data_preview(result),
        "sample_header": [clean_text(v) for v in sheet.rows[first.header_rows[-1]]][:40],
        "sample": [[clean_text(v) for v in row][:40] for row in sample_rows],
    }
    if result.term_code:
        batch.term_code = batch.term_code or result.term_code
    if old_report:
        default_storage.delete(old_report)
    if rejected:
        # Built here, in the worker, so the download never parses the file in a web request.
        name = f"imports/{batch.school.npsn}/reports/{batch.pk}-{batch.sha256[:16]}.xlsx"
        batch.preview["error_report"] = default_storage.save(
            name, ContentFile(error_report_xlsx(result))
        )


def import_error_report(*, batch: ImportBatch) -> bytes | None:
    """The stored error report of a batch (xlsx bytes), or None when it has none."""
    name = batch.preview.get("error_report") if batch.preview else None
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def import_batch_confirm(
    *,
    batch: ImportBatch,
    user: User | None,
    valid_rows_only: bool = False,
    request=None,
) -> ImportBatch:
    """Queue a previewed batch for processing (after commit). A file with rejected rows is
    refused unless the user chose to import the valid rows only."""
    if batch.status != ImportStatus.PREVIEW:
        raise ValidationError(_("Impor ini tidak menunggu konfirmasi."))
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
    path = Path(batch.file.path)
    with path.open("rb") as fh:
        if _sha256(fh) != batch.sha256:
            raise ValidationError(_("File asli berubah sejak diunggah; unggah ulang."))
    try:
        batch.file_format = batch.file_format or sniff_format(path)
        analysis = _analyse_batch(batch, path, progress=_progress_updater(batch.pk, 5, 60))
    except FileRejected as exc:
        return _finish_rejected(batch, " ".join(exc.messages))
    ImportBatch.objects.filter(pk=batch.pk).update(progress=65)
    _record_analysis(batch, analysis)
    if analysis.result.rejected and not batch.valid_rows_only:
        return _finish_rejected(
            batch,
            _("%(n)s baris bermasalah; tidak ada data yang disimpan.")
            % {"n": len(analysis.result.rejected)},
        )
    with transaction.atomic():
        counts = import_writes.write(analysis, school=batch.school, batch=batch)
        batch.status = ImportStatus.DONE
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
    batches = ImportBatch.objects.filter(pk=batch_id).exclude(status=ImportStatus.DONE)
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


def import_summary(*, batch: ImportBatch, with_errors: bool = True) -> dict:
    summary = {
        "batch": batch.pk,
        "status": batch.status,
        "kind": batch.kind,
        "file": batch.file_name,
        "sha256": batch.sha256,
        "term": batch.term_code,
        "rows": batch.rows,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "rejected": batch.rejected,
        "records": batch.preview.get("records", {}),
        "message": batch.message,
    }
    if with_errors:  # these name students: kept out of the audit log's detail
        summary["errors"] = _flat_errors(batch.errors)
        summary["no_data"] = batch.preview.get("no_data", [])  # blank sheets, months: skipped
    return summary


def _flat_errors(errors: Iterable[dict]) -> list[str]:
    return [
        _("Lembar %(s)s baris %(r)s: %(e)s") % {"s": e["sheet"], "r": e["row"], "e": m}
        for e in errors
        for m in e["errors"]
    ]


def import_file_run(
    *,
    school: School,
    kind: str,
    path: Path,
    term_code: str = "",
    create_missing: bool = False,
    valid_rows_only: bool = False,
    dry_run: bool = False,
    sheet: str = "",
) -> dict:
    """The command-line entry point, in-process. Returns the JSON summary; `ok` is False when
    the file is rejected (nothing written). A dry run writes nothing at all: it runs the
    same write in a transaction that is rolled back, so the counts are the real ones."""
    mapping = {SHEET_CHOICE: sheet} if sheet else {}  # --sheet: as choosing it in the preview
    if dry_run:
        return _dry_run(school, kind, path, term_code, create_missing, valid_rows_only, mapping)
    with path.open("rb") as fh:
        batch = import_batch_create(
            school=school,
            kind=kind,
            file=File(fh, name=path.name),
            file_name=path.name,
            term_code=term_code,
            create_missing=create_missing,
            valid_rows_only=valid_rows_only,
            source="cli",
            preview=False,  # the file is analysed once, by the processing below
        )
    batch.status, batch.mapping = ImportStatus.QUEUED, mapping
    batch.save(update_fields=["status", "mapping"])
    audit_log(action="import.confirm", target=batch, school=school, detail={"cli": True})
    batch = import_batch_process(batch_id=batch.pk)
    summary = import_summary(batch=batch)
    summary["ok"] = batch.status == ImportStatus.DONE
    if not summary["ok"] and not summary["errors"] and batch.message:
        summary["errors"] = [batch.message]  # the file itself was refused
    return summary


def _dry_run(school, kind, path, term_code, create_missing, valid_rows_only, mapping) -> dict:
    summary = {"dry_run": True, "kind": kind, "file": path.name, "term": term_code}
    summary |= {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    try:
        check_file_size(path.stat().st_size)
        analysis = import_analyse(
            school=school,
            kind=kind,
            path=path,
            fmt=sniff_format(path),
            term_code=term_code or None,
            mapping=mapping,
            create_missing=create_missing,
        )
    except FileRejected as exc:
        return summary | {"ok": False, "message": " ".join(exc.messages), "errors": exc.messages}
    rejected = analysis.result.rejected
    errors = [{"sheet": r.sheet, "row": r.number, "errors": r.errors} for r in rejected]
    summary |= {"rows": len(analysis.result.rows), "rejected": len(rejected)}
    summary |= {
        "term": term_code or analysis.result.term_code or "",
        "errors": _flat_errors(errors),
        "no_data": no_data_preview(analysis.result),
    }
    if rejected and not valid_rows_only:
        message = _("%(n)s baris bermasalah; tidak ada data yang disimpan.") % {"n": len(rejected)}
        return summary | {"ok": False, "message": message}
    with transaction.atomic():
        counts = import_writes.write(analysis, school=school)
        transaction.set_rollback(True)
    counts.pop("term", None)
    return summary | counts | {"ok": True, "message": ""}


def term_mark_complete(*, school: School, term_code: str, user: User | None) -> SchoolTermStatus:
    """The operator says a term's grades are all in: from now on its rows count as a finished
    term (training labels, "Hasil nyata"). Only operators (and superusers) may do it."""
    _require_operator(user, school)
    term = AcademicTerm.objects.filter(code=term_code).first()
    if term is None:
        raise ValidationError(_("Semester %(t)s tidak ditemukan.") % {"t": term_code})
    status, _created = SchoolTermStatus.objects.update_or_create(
        school=school,
        term=term,
        defaults={"complete": True, "marked_by": user, "marked_at": timezone.now()},
    )
    audit_log(
        action="term.complete", user=user, target=status, school=school, detail={"term": term_code}
    )
    return status


def _require_operator(user: User | None, school: School) -> None:
    if user is None:
        return
    if not (user.is_superuser or user.role == Role.OPERATOR):
        raise PermissionDenied(_("Halaman ini hanya untuk operator sekolah."))
    if not user.is_superuser and user.school_id != school.id:
        raise PermissionDenied(_("Anda hanya boleh mengubah data sekolah Anda sendiri."))


def major_create(*, school: School, code: str, name: str, field: str, user: User | None) -> Major:
    """A kompetensi keahlian the operator adds, e.g. to move classes out of "Belum ditentukan"."""
    _require_operator(user, school)
    code, name = clean_text(code).upper()[:20], clean_text(name)[:200]
    if not code or not name:
        raise ValidationError(_("Isi kode dan nama kompetensi keahlian."))
    if field not in MajorField.values:
        raise ValidationError(_("Bidang keahlian tidak dikenal."))
    if Major.objects.filter(school=school, code__iexact=code).exists():
        raise ValidationError(_("Kode %(c)s sudah dipakai.") % {"c": code})
    major = Major.objects.create(school=school, code=code, name=name, field=field)
    audit_log(action="major.create", user=user, target=major, school=school, detail={"code": code})
    return major


@transaction.atomic
def school_class_major_set(*, school_class: SchoolClass, major: Major, user: User | None) -> int:
    """Put a class (made by an import under "Belum ditentukan", or wrong) under its real major;
    its students who carried the old major follow. Returns how many students moved."""
    school = school_class.school
    _require_operator(user, school)
    if major.school_id != school.id:
        raise ValidationError(_("Kompetensi keahlian itu milik sekolah lain."))
    old = school_class.major_id
    school_class.major = major
    school_class.save(update_fields=["major"])
    moved = Student.objects.filter(school_class=school_class, major_id=old).update(major=major)
    audit_log(
        action="class.major",
        user=user,
        target=school_class,
        school=school,
        detail={"from": old, "to": major.id, "students": moved},
    )
    return moved
