"""Issue 25, finding 13: uploaded spreadsheets and their error reports are kept
UPLOAD_RETENTION_DAYS, then deleted by a periodic task (the import row stays, with a note);
they are written with mode 0600; anonymising a student deletes them too."""

import datetime as dt
import stat

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from smk_dashboard.core.models import AuditEvent
from smk_dashboard.pages.privacy.services import student_anonymise
from students.importing.retention import import_files_purge
from students.models import ImportBatch, ImportStatus, Role, Student
from students.tasks import import_files_purge_task
from tests.students.importing.test_housekeeping import BUDI, SITI, imported, preview, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(school, make_user):
    return make_user(Role.OPERATOR, school=school)


def _age(batch: ImportBatch, days: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )


def test_uploads_are_stored_readable_by_the_owner_only(operator, tmp_path):
    batch = preview(operator, tmp_path)
    mode = stat.S_IMODE(stored(batch).stat().st_mode)
    assert mode == 0o600, oct(mode)
    assert settings.UPLOAD_RETENTION_DAYS == 30


def test_old_uploads_and_error_reports_are_deleted_and_the_row_stays(
    operator, tmp_path, django_capture_on_commit_callbacks
):
    old = imported(operator, tmp_path, "lama.xlsx", people=(BUDI,))
    report = "imports/reports/lama-kesalahan.xlsx"
    ImportBatch.objects.filter(pk=old.pk).update(
        preview={**old.preview, "error_report": default_storage.save(report, _bytes())}
    )
    old.refresh_from_db()
    report_name = old.preview["error_report"]
    fresh = imported(operator, tmp_path, "baru.xlsx", people=(SITI,))
    _age(old, 31)
    _age(fresh, 29)
    old_path = stored(old)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_files_purge_task() == 1
    assert not old_path.exists() and not default_storage.exists(report_name)
    assert stored(fresh).exists()
    old.refresh_from_db()
    assert old.status == ImportStatus.DONE and old.rows == 1 and old.sha256
    assert old.file.name == "" and "error_report" not in old.preview
    assert old.file_removed_at is not None and "30 hari" in old.file_removed_note
    assert AuditEvent.objects.filter(action="import.file_purge", target_id=str(old.pk)).exists()
    # The history page tells the reader the file is gone.
    from django.test import Client

    client = Client()
    client.force_login(operator)
    page = client.get(reverse("students:import_detail", args=[old.pk])).content.decode()
    assert "dihapus setelah 30 hari" in page
    # Running again removes nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert import_files_purge(days=30) == 0


def test_the_purge_runs_nightly_from_celery_beat():
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "students.tasks.import_files_purge_task" in entries


def test_anonymising_a_student_removes_the_schools_uploads(
    operator, school, make_user, tmp_path, django_capture_on_commit_callbacks
):
    done = imported(operator, tmp_path, "daftar.xlsx", people=(BUDI, SITI))
    waiting = preview(operator, tmp_path, "susulan.xlsx", people=(SITI,))
    paths = [stored(done), stored(waiting)]
    budi = Student.objects.get(nisn=BUDI[0])
    with django_capture_on_commit_callbacks(execute=True):
        student_anonymise(actor=make_user(Role.KEPSEK, school=school), student=budi)
    assert not any(p.exists() for p in paths)
    done.refresh_from_db()
    waiting.refresh_from_db()
    assert done.status == ImportStatus.DONE and done.file.name == "" and done.file_removed_at
    assert waiting.status == ImportStatus.CANCELLED and waiting.file_removed_at
    event = AuditEvent.objects.get(action="privacy.anonymise")
    assert event.detail["upload_files_removed"] == 1
    assert event.detail["import_previews_cancelled"] == 1


def _bytes():
    from django.core.files.base import ContentFile

    return ContentFile(b"PK\x03\x04 laporan")
