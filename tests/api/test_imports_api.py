"""POST /api/v1/imports/ → 202 with the batch `analysing` and the preview task queued on
commit; the worker builds the preview (GET …/<id>/ → `preview`); POST …/confirm/ → 202, the
import task queued on commit; GET …/<id>/ → status. The same service and rules as the import
pages.

Issue 12 changed the upload's contract: the preview is no longer in the 202 answer (the web
process never parses a workbook). Tests that only look at the preview run the preview task's
code in-process (`Task.apply`, standing in for the worker); the last test uses a real worker
for the whole journey."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smk_dashboard.core.models import AuditEvent
from students.models import ImportBatch, ImportStatus, Role, Student
from students.tasks import import_batch_analyse_task
from tests.cache_keys import task_callbacks
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory
from tests.students.spreadsheets import roster_rows, write_csv, write_xlsx

BUDI = ("0081234567", "2425001", "Budi Santoso", "L", dt.date(2008, 5, 17), "XI TKJ 1")
NO_CLASS = ("0091234568", "2425002", "Siti Aminah", "P", None, "XII ZZZ 9")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory, monkeypatch):
    """Kept uploads go to a temporary MEDIA_ROOT, for the test's worker too."""
    media = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))


@pytest.fixture
def tkj(world):
    major = MajorFactory(school=world.one.school, code="TKJ", name="Teknik Komputer")
    return SchoolClassFactory(school=world.one.school, major=major, name="XI TKJ 1")


def roster_file(tmp_path, students) -> SimpleUploadedFile:
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Siswa": roster_rows(students)})
    return SimpleUploadedFile("daftar.xlsx", path.read_bytes())


def upload(client, file, kind="roster", **data):
    return client.post("/api/v1/imports/", {"kind": kind, "file": file, **data}, format="multipart")


def previewed(client, file, kind="roster", **data) -> dict:
    """Upload, run the preview task as the worker would, and read the batch back."""
    response = upload(client, file, kind=kind, **data)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == ImportStatus.ANALYSING
    import_batch_analyse_task.apply(args=[body["id"]])
    return client.get(body["status_url"]).json()


def test_anonymous_callers_get_401(world, api_client_for, tmp_path):
    assert upload(api_client_for(), roster_file(tmp_path, [BUDI])).status_code == 401


@pytest.mark.parametrize("role", [Role.BK, Role.KEPSEK])
def test_roles_without_the_import_page_get_403(world, api_client_for, tmp_path, role):
    client = api_client_for(world.one.users[role])
    assert upload(client, roster_file(tmp_path, [BUDI])).status_code == 403
    assert api_client_for(world.sudin).post("/api/v1/imports/", {}).status_code == 403
    assert not ImportBatch.objects.exists()


def test_a_guru_may_not_upload_a_roster(world, api_client_for, tmp_path):
    client = api_client_for(world.one.users[Role.GURU])
    assert upload(client, roster_file(tmp_path, [BUDI])).status_code == 403
    assert not ImportBatch.objects.exists()


def test_upload_answers_202_queues_the_preview_and_writes_no_student(
    world, tkj, api_client_for, tmp_path, django_capture_on_commit_callbacks
):
    operator = world.one.users[Role.OPERATOR]
    client = api_client_for(operator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, roster_file(tmp_path, [BUDI]))
    assert response.status_code == 202, response.content
    body = response.json()
    batch = ImportBatch.objects.get(pk=body["id"])
    assert (batch.school, batch.created_by, batch.source) == (world.one.school, operator, "api")
    assert body["status"] == ImportStatus.ANALYSING and body["sheets"] == []
    assert (
        len(task_callbacks(callbacks)) == 1
    )  # the preview task is sent once the request has committed
    import_batch_analyse_task.apply(args=[batch.pk])
    body = client.get(body["status_url"]).json()
    assert body["status"] == ImportStatus.PREVIEW and body["rows"] == 1 and body["rejected"] == 0
    fields = {c["field"] for c in body["sheets"][0]["columns"]}
    assert {"nisn", "name"} <= fields
    assert body["status_url"].endswith(f"/api/v1/imports/{batch.pk}/")
    assert body["confirm_url"].endswith(f"/api/v1/imports/{batch.pk}/confirm/")
    assert not Student.objects.filter(nisn=BUDI[0]).exists()
    event = AuditEvent.objects.get(action="import.upload", target_id=str(batch.pk))
    assert event.user == operator and event.detail["source"] == "api"


def test_row_errors_are_in_the_preview_and_block_confirmation_unless_valid_rows_only(
    world, tkj, api_client_for, tmp_path, django_capture_on_commit_callbacks
):
    client = api_client_for(world.one.users[Role.OPERATOR])
    body = previewed(client, roster_file(tmp_path, [BUDI, NO_CLASS]))
    assert body["rejected"] == 1 and body["errors"][0]["row"] == 5
    assert "XII ZZZ 9" in " ".join(body["errors"][0]["errors"])
    confirm = f"/api/v1/imports/{body['id']}/confirm/"
    with django_capture_on_commit_callbacks() as callbacks:
        refused = client.post(confirm, {}, format="json")
    assert refused.status_code == 400 and "1 baris bermasalah" in refused.json()["detail"]
    assert not callbacks
    with django_capture_on_commit_callbacks() as callbacks:
        accepted = client.post(confirm, {"valid_rows_only": True}, format="json")
    assert accepted.status_code == 202
    assert accepted.json()["status"] == ImportStatus.QUEUED
    assert (
        len(task_callbacks(callbacks)) == 1
    )  # the task is sent only once the request has committed
    assert AuditEvent.objects.filter(action="import.confirm", target_id=str(body["id"])).exists()
    again = client.post(confirm, {"valid_rows_only": True}, format="json")
    assert again.status_code == 400


def test_a_file_that_is_not_a_spreadsheet_is_a_rejected_batch(world, api_client_for):
    client = api_client_for(world.one.users[Role.OPERATOR])
    file = SimpleUploadedFile("foto.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    body = previewed(client, file)
    assert body["status"] == ImportStatus.REJECTED and "bukan spreadsheet" in body["message"]
    empty = upload(client, SimpleUploadedFile("kosong.csv", b""))
    assert empty.status_code == 400


def test_bad_input_answers_400(world, api_client_for, tmp_path):
    client = api_client_for(world.one.users[Role.OPERATOR])
    assert upload(client, roster_file(tmp_path, [BUDI]), kind="nilai").status_code == 400
    assert upload(client, roster_file(tmp_path, [BUDI]), term="2024").status_code == 400
    assert client.post("/api/v1/imports/", {"kind": "roster"}).status_code == 400


def test_a_guru_imports_grades_only_for_the_class_and_subject_taught(
    world, api_client_for, tmp_path
):
    one = world.one
    subject = one.student.grades.first().subject
    rows = [["NISN", "Nama", subject.name]]
    rows += [[one.student.nisn, one.student.name, 81], [one.outsider.nisn, one.outsider.name, 70]]
    file = SimpleUploadedFile("nilai.csv", write_csv(tmp_path / "nilai.csv", rows).read_bytes())
    body = previewed(api_client_for(one.users[Role.GURU]), file, kind="grades", term="2024-1")
    assert body["status"] == ImportStatus.PREVIEW and body["rejected"] == 1
    assert body["errors"][0]["row"] == 3
    assert "bukan siswa kelas yang Anda ampu" in " ".join(body["errors"][0]["errors"])


def test_batches_follow_the_import_pages_scope(world, tkj, api_client_for, tmp_path):
    """The operator sees every batch of the school; a walikelas only their own uploads; a
    school-2 operator or a teacher gets 404; roles without imports 403."""
    one, two = world.one, world.two
    body = upload(api_client_for(one.users[Role.OPERATOR]), roster_file(tmp_path, [BUDI])).json()
    url = f"/api/v1/imports/{body['id']}/"
    assert api_client_for(one.users[Role.OPERATOR]).get(url).status_code == 200
    for user in [two.users[Role.OPERATOR], one.users[Role.WALIKELAS], one.users[Role.GURU]]:
        client = api_client_for(user)
        assert client.get(url).status_code == 404, user
        assert client.post(url + "confirm/", {}, format="json").status_code == 404, user
    for user in [one.users[Role.BK], one.users[Role.KEPSEK], world.sudin]:
        assert api_client_for(user).get(url).status_code == 403
    walikelas = one.users[Role.WALIKELAS]
    own = upload(api_client_for(walikelas), roster_file(tmp_path, [BUDI])).json()
    assert api_client_for(walikelas).get(f"/api/v1/imports/{own['id']}/").status_code == 200


@pytest.mark.integration
def test_upload_confirm_and_a_real_worker_import_the_file(
    world, tkj, api_client_for, tmp_path, worker
):
    client = api_client_for(world.one.users[Role.OPERATOR])
    body = upload(client, roster_file(tmp_path, [BUDI])).json()
    assert body["status"] == ImportStatus.ANALYSING
    status = wait_for(client, body["status_url"], lambda s: s["status"] != "analysing")
    assert status["status"] == ImportStatus.PREVIEW and status["rows"] == 1, status
    assert client.post(body["confirm_url"], {}, format="json").status_code == 202
    status = wait_for(client, body["status_url"], lambda s: s["finished"])
    assert status["status"] == ImportStatus.DONE, status
    assert (status["created"], status["progress"], status["rejected"]) == (1, 100, 0)
    assert Student.objects.get(nisn=BUDI[0]).school_class == tkj
    assert AuditEvent.objects.filter(action="import.done", target_id=str(body["id"])).exists()


def wait_for(client, url, done, timeout=60) -> dict:
    deadline = time.monotonic() + timeout
    status = {}
    while time.monotonic() < deadline:
        status = client.get(url).json()
        if done(status):
            break
        time.sleep(0.3)
    return status


def test_a_stale_preview_says_so_and_its_confirm_answers_400_and_reads_the_file_again(
    world, tkj, api_client_for, tmp_path, django_capture_on_commit_callbacks
):
    client = api_client_for(world.one.users[Role.OPERATOR])
    body = previewed(client, roster_file(tmp_path, [BUDI]))
    assert body["stale"] is False
    StudentFactory(school=world.one.school, school_class=tkj)  # the school's data changed
    assert client.get(body["status_url"]).json()["stale"] is True
    with django_capture_on_commit_callbacks() as callbacks:
        refused = client.post(f"/api/v1/imports/{body['id']}/confirm/", {}, format="json")
    assert refused.status_code == 400 and "dibaca ulang" in refused.json()["detail"]
    assert len(task_callbacks(callbacks)) == 1  # the new analysis, not the import
    assert ImportBatch.objects.get(pk=body["id"]).status == ImportStatus.ANALYSING
    assert not Student.objects.filter(nisn=BUDI[0]).exists()
