"""Previews nobody confirms (issue 23 item 5): "Batalkan" throws one away, a periodic sweep
expires the ones left waiting, their files are deleted, and the history says "Dibatalkan" /
"Kedaluwarsa". An upload of a file already imported says so; a preview analysed before the
school's data changed says so, offers a refresh, and is never confirmed as it stands."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.urls import reverse
from django.utils import timezone

from smk_dashboard.core.models import AuditEvent
from students.importing.freshness import (
    import_batch_earlier_copy,
    import_batch_stale,
    school_data_stamp,
)
from students.importing.housekeeping import (
    import_batch_discard,
    import_previews_expire,
)
from students.importing.lifecycle import (
    PreviewStale,
    import_batch_analyse,
    import_batch_confirm,
    import_batch_create,
    import_batch_process,
)
from students.models import ImportBatch, ImportStatus, Role, Student
from students.tasks import import_previews_expire_task
from tests.students.factories import SchoolClassFactory, StudentFactory
from tests.students.spreadsheets import roster_rows, write_xlsx

pytestmark = pytest.mark.django_db
DAY = 24 * 3600
BUDI = ("0081234567", "2425001", "Budi Santoso", "L", dt.date(2008, 5, 17), "XI TKJ 1")
SITI = ("0081234568", "2425002", "Siti Aminah", "P", dt.date(2008, 7, 2), "XI TKJ 1")


@pytest.fixture
def operator(school, make_user):
    return make_user(Role.OPERATOR, school=school, first_name="Sri", last_name="Wahyuni")


@pytest.fixture
def walikelas(school, make_user):
    return make_user(Role.WALIKELAS, school=school)


def preview(user, tmp_path, name="daftar.xlsx", people=(BUDI,)) -> ImportBatch:
    """An uploaded roster, analysed by the worker's service: a batch awaiting confirmation.
    A name already written is uploaded again as it is (the same bytes)."""
    path = tmp_path / name
    if not path.exists():
        write_xlsx(path, {"Siswa": roster_rows(list(people))})
    with open(path, "rb") as fh:
        batch = import_batch_create(
            school=user.school, kind="roster", file=File(fh, name=name),
            file_name=name, user=user, create_missing=True,
        )  # fmt: skip
    batch = import_batch_analyse(batch_id=batch.pk)
    assert batch.status == ImportStatus.PREVIEW, batch.message
    return batch


def imported(user, tmp_path, name="daftar.xlsx", people=(BUDI,)) -> ImportBatch:
    batch = preview(user, tmp_path, name, people)
    import_batch_confirm(batch=batch, user=user)
    batch = import_batch_process(batch_id=batch.pk)
    assert batch.status == ImportStatus.DONE, batch.message
    return batch


def stored(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / batch.file.name


# --- discard -------------------------------------------------------------------------------


def test_discarding_a_preview_deletes_its_file_writes_nothing_and_is_audited(
    operator, tmp_path, django_capture_on_commit_callbacks
):
    batch = preview(operator, tmp_path)
    path = stored(batch)
    assert path.exists() and batch.preview["sample"]
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_discard(batch=batch, user=operator)
    assert batch.status == ImportStatus.CANCELLED and batch.is_finished
    assert batch.get_status_display() == "Dibatalkan"
    assert "Dibatalkan oleh Sri Wahyuni" in batch.message
    assert not path.exists() and batch.file.name == ""
    assert batch.preview == {} and batch.errors == []  # no copy of the rows is kept
    assert not Student.objects.exists()
    event = AuditEvent.objects.get(action="import.discard")
    assert event.user == operator and event.target_id == str(batch.pk)


def test_a_discarded_preview_can_no_longer_be_confirmed(operator, tmp_path):
    batch = preview(operator, tmp_path)
    import_batch_discard(batch=batch, user=operator)
    with pytest.raises(ValidationError, match="tidak menunggu konfirmasi"):
        import_batch_confirm(batch=batch, user=operator)
    assert import_batch_process(batch_id=batch.pk).status == ImportStatus.CANCELLED
    assert not Student.objects.exists()


def test_a_confirmed_batch_cannot_be_discarded(operator, tmp_path):
    batch = preview(operator, tmp_path)
    import_batch_confirm(batch=batch, user=operator)
    with pytest.raises(ValidationError, match="tidak bisa dibatalkan"):
        import_batch_discard(batch=batch, user=operator)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED and stored(batch).exists()


def test_an_uploader_discards_their_own_preview_but_not_a_colleagues(
    operator, walikelas, make_user, school, tmp_path
):
    own = preview(walikelas, tmp_path, "own.xlsx")
    assert import_batch_discard(batch=own, user=walikelas).status == ImportStatus.CANCELLED
    others = preview(operator, tmp_path, "op.xlsx")
    with pytest.raises(PermissionDenied):
        import_batch_discard(batch=others, user=walikelas)
    colleague = preview(make_user(Role.WALIKELAS, school=school), tmp_path, "c.xlsx")
    with pytest.raises(PermissionDenied):
        import_batch_discard(batch=colleague, user=walikelas)
    # the operator may discard any preview of the school
    assert import_batch_discard(batch=colleague, user=operator).status == ImportStatus.CANCELLED
    assert ImportBatch.objects.get(pk=others.pk).status == ImportStatus.PREVIEW


def test_an_operator_of_another_school_cannot_discard(operator, make_user, other_school, tmp_path):
    batch = preview(operator, tmp_path)
    with pytest.raises(PermissionDenied):
        import_batch_discard(batch=batch, user=make_user(Role.OPERATOR, school=other_school))


def test_the_discard_button_works_for_the_uploader_and_answers_404_to_others(
    client, operator, walikelas, make_user, school, tmp_path
):
    batch = preview(walikelas, tmp_path)
    url = reverse("students:import_discard", args=[batch.pk])
    client.force_login(make_user(Role.WALIKELAS, school=school))
    assert client.post(url).status_code == 404  # another teacher's upload is out of sight
    client.force_login(make_user(Role.BK, school=school))
    assert client.post(url).status_code == 403
    client.force_login(walikelas)
    assert client.get(url).status_code == 405
    page = client.get(reverse("students:import_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="discard"' in page
    response = client.post(url, follow=True)
    assert "Impor dibatalkan" in response.content.decode()
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.CANCELLED
    history = client.get(reverse("students:imports")).content.decode()
    assert "Dibatalkan" in history


# --- expiry --------------------------------------------------------------------------------


def age(batch, seconds: int) -> None:
    past = timezone.now() - dt.timedelta(seconds=seconds)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=past, started_at=past)


def test_previews_left_waiting_expire_and_lose_their_files(
    operator, tmp_path, django_capture_on_commit_callbacks
):
    old, fresh = preview(operator, tmp_path, "old.xlsx"), preview(operator, tmp_path, "new.xlsx")
    done = imported(operator, tmp_path, "done.xlsx", people=(SITI,))
    age(old, 8 * DAY)
    age(fresh, 6 * DAY)
    age(done, 30 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_previews_expire(days=7) == 1
    old.refresh_from_db()
    assert old.status == ImportStatus.EXPIRED and old.get_status_display() == "Kedaluwarsa"
    assert "tidak dikonfirmasi dalam 7 hari" in old.message and old.file.name == ""
    assert not list((Path(settings.MEDIA_ROOT)).rglob("*old.xlsx"))
    assert ImportBatch.objects.get(pk=fresh.pk).status == ImportStatus.PREVIEW
    assert ImportBatch.objects.get(pk=done.pk).status == ImportStatus.DONE
    assert stored(done).exists()  # a confirmed file stays, for audit
    assert AuditEvent.objects.filter(action="import.expire", target_id=str(old.pk)).count() == 1
    assert import_previews_expire(days=7) == 0  # safe to run twice


def test_the_expiry_sweep_is_scheduled_hourly_and_reads_the_setting(operator, tmp_path, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["import-previews-expire"]
    assert entry["task"] == import_previews_expire_task.name
    batch = preview(operator, tmp_path)
    settings.IMPORT_PREVIEW_EXPIRE_DAYS = 2
    age(batch, 3 * DAY)
    assert import_previews_expire_task() == 1
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.EXPIRED


# --- the same file again -------------------------------------------------------------------


def test_a_file_already_imported_is_named_in_the_preview_without_blocking_it(
    client, operator, tmp_path
):
    first = imported(operator, tmp_path)
    again = preview(operator, tmp_path)  # same bytes, same school, same kind
    assert import_batch_earlier_copy(batch=again) == first
    client.force_login(operator)
    page = client.get(reverse("students:import_detail", args=[again.pk])).content.decode()
    when = timezone.localtime(first.finished_at).strftime("%d/%m/%Y %H:%M")
    assert f"File ini sudah diimpor pada {when} oleh" in page
    assert 'data-testid="confirm"' in page  # not blocked
    import_batch_confirm(batch=again, user=operator)
    assert import_batch_process(batch_id=again.pk).status == ImportStatus.DONE


def test_a_different_file_or_a_discarded_copy_is_not_called_already_imported(operator, tmp_path):
    discarded = preview(operator, tmp_path)
    import_batch_discard(batch=discarded, user=operator)
    imported(operator, tmp_path, "lain.xlsx", people=(SITI,))
    again = preview(operator, tmp_path)
    assert import_batch_earlier_copy(batch=again) is None


# --- out of date ---------------------------------------------------------------------------


def test_a_preview_goes_stale_when_another_import_of_the_school_is_confirmed(operator, tmp_path):
    waiting = preview(operator, tmp_path, "a.xlsx")
    assert not import_batch_stale(batch=waiting)
    imported(operator, tmp_path, "b.xlsx", people=(SITI,))
    assert import_batch_stale(batch=waiting)


@pytest.mark.parametrize(
    "change",
    ["edit_student", "delete_student", "new_class", "class_major", "new_student"],
)
def test_a_preview_goes_stale_when_students_or_classes_change(operator, school, tmp_path, change):
    student = StudentFactory(school=school)
    waiting = preview(operator, tmp_path)
    if change == "edit_student":
        student.name = "Nama Lain"
        student.save()
    elif change == "delete_student":
        student.delete()
    elif change == "new_class":
        SchoolClassFactory(school=school)
    elif change == "class_major":
        from tests.students.factories import MajorFactory

        school_class = student.school_class
        type(school_class).objects.filter(pk=school_class.pk).update(
            major=MajorFactory(school=school)
        )
    else:
        StudentFactory(school=school)
    assert import_batch_stale(batch=waiting)


def test_another_schools_changes_leave_a_preview_fresh(operator, other_school, tmp_path):
    waiting = preview(operator, tmp_path)
    StudentFactory(school=other_school)
    SchoolClassFactory(school=other_school)
    assert not import_batch_stale(batch=waiting)
    assert waiting.data_stamp == school_data_stamp(school_id=operator.school_id)


def test_confirming_a_stale_preview_refuses_and_reads_the_file_again(
    operator, school, tmp_path, django_capture_on_commit_callbacks
):
    waiting = preview(operator, tmp_path, "a.xlsx")
    imported(operator, tmp_path, "b.xlsx", people=(SITI,))
    with django_capture_on_commit_callbacks() as queued, pytest.raises(PreviewStale) as exc:
        import_batch_confirm(batch=waiting, user=operator)
    assert "Data sekolah berubah sejak pratinjau ini dibuat" in exc.value.messages[0]
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.ANALYSING and len(queued) == 1  # the analysis task
    assert AuditEvent.objects.filter(action="import.refresh", target_id=str(waiting.pk)).exists()
    assert not Student.objects.filter(nisn=BUDI[0]).exists()
    # the refreshed preview is fresh and confirms
    waiting = import_batch_analyse(batch_id=waiting.pk)
    assert not import_batch_stale(batch=waiting)
    import_batch_confirm(batch=waiting, user=operator)
    assert import_batch_process(batch_id=waiting.pk).status == ImportStatus.DONE


def test_the_preview_page_says_it_is_stale_and_refreshes_on_request(
    client, operator, tmp_path, django_capture_on_commit_callbacks
):
    waiting = preview(operator, tmp_path, "a.xlsx")
    client.force_login(operator)
    url = reverse("students:import_detail", args=[waiting.pk])
    assert 'data-testid="preview-stale"' not in client.get(url).content.decode()
    imported(operator, tmp_path, "lain.xlsx", people=(SITI,))
    page = client.get(url).content.decode()
    assert 'data-testid="preview-stale"' in page and "Impor lain.xlsx selesai pada" in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("students:import_refresh", args=[waiting.pk]))
    assert response.status_code == 302 and len(queued) == 1
    assert ImportBatch.objects.get(pk=waiting.pk).status == ImportStatus.ANALYSING
    # and the confirm button of a stale page refuses with the reason
    waiting = import_batch_analyse(batch_id=waiting.pk)
    imported(operator, tmp_path, "ketiga.xlsx", people=(SITI, BUDI))
    response = client.post(reverse("students:import_confirm", args=[waiting.pk]), follow=True)
    assert "Periksa pratinjau yang baru" in response.content.decode()
    assert ImportBatch.objects.get(pk=waiting.pk).status == ImportStatus.ANALYSING


def test_refresh_is_for_batches_in_sight_only(client, walikelas, make_user, school, tmp_path):
    batch = preview(walikelas, tmp_path)
    client.force_login(make_user(Role.GURU, school=school))
    assert client.post(reverse("students:import_refresh", args=[batch.pk])).status_code == 404
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PREVIEW
