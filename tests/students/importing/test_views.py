"""The import pages: permissions, upload → the preview task → preview → confirm → a real
worker → summary, error report and blank templates.

Since issue 12 the upload only stores the file and queues the preview task; tests about the
preview page run that task's code in-process (`build_previews`, standing in for the worker),
the integration test at the end runs the whole journey on a real worker."""

import io
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.importers import parse_file
from students.models import GradeRecord, ImportBatch, ImportStatus, Role, Student
from students.tasks import import_batch_analyse_task
from tests.students.factories import MajorFactory, SchoolClassFactory
from tests.students.spreadsheets import roster_rows, write_xlsx

BUDI = ("0081234567", "2425001", "Budi Santoso", "L", None, "XI TKJ 1")
EVIL = ("00912345X8", "2425002", '=HYPERLINK("http://x","klik")', None, None, "XI TKJ 1")


@pytest.fixture
def operator(db, make_user, school):
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    SchoolClassFactory(school=school, major=major, name="XI TKJ 1")
    return make_user(Role.OPERATOR, school=school)


def upload(client, tmp_path, students, kind="roster", **data):
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Siswa": roster_rows(students)})
    file = SimpleUploadedFile("daftar.xlsx", path.read_bytes())
    response = client.post(reverse("students:imports"), {"kind": kind, "file": file, **data})
    build_previews()
    return response


def build_previews() -> None:
    """What the worker does after an upload or a new mapping: the preview task, in-process."""
    for pk in ImportBatch.objects.filter(status=ImportStatus.ANALYSING).values_list(
        "pk", flat=True
    ):
        import_batch_analyse_task.apply(args=[pk])


def test_imports_url_is_fixed():
    assert reverse("students:imports") == "/students/imports/"


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/students/imports/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("role", [Role.BK, Role.KEPSEK, Role.SUDIN])
def test_roles_without_import_get_403(client, make_user, school, role):
    user = make_user(role, school=None if role == Role.SUDIN else school)
    client.force_login(user)
    assert client.get("/students/imports/").status_code == 403
    assert client.get(reverse("students:import_template", args=["roster"])).status_code == 403


def test_guru_may_not_upload_a_roster(client, make_user, school, tmp_path):
    client.force_login(make_user(Role.GURU, school=school))
    assert client.get("/students/imports/").status_code == 200
    assert upload(client, tmp_path, [BUDI]).status_code == 403
    assert not ImportBatch.objects.exists()


def test_import_page_lists_history_in_constant_queries(
    client, operator, tmp_path, django_assert_num_queries
):
    client.force_login(operator)
    upload(client, tmp_path, [BUDI])
    # the user with their school (one query), the batches; the session comes from the cache
    with django_assert_num_queries(2):
        response = client.get("/students/imports/")
    upload(client, tmp_path, [BUDI])
    with django_assert_num_queries(2):
        response = client.get("/students/imports/")
    assert response.content.decode().count("daftar.xlsx") == 2


def test_upload_shows_preview_with_columns_sample_and_row_errors(client, operator, tmp_path):
    client.force_login(operator)
    response = upload(client, tmp_path, [BUDI, EVIL])
    batch = ImportBatch.objects.get()
    assert response.url == reverse("students:import_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "Nama Peserta Didik" in page and "Budi Santoso" in page
    assert "NISN tidak valid: 00912345X8" in page
    assert batch.status == ImportStatus.PREVIEW and not Student.objects.exists()


def test_confirming_a_file_with_errors_needs_valid_rows_only(client, operator, tmp_path):
    client.force_login(operator)
    upload(client, tmp_path, [BUDI, EVIL])
    batch = ImportBatch.objects.get()
    response = client.post(reverse("students:import_confirm", args=[batch.pk]), follow=True)
    assert "baris bermasalah" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


def test_manual_mapping_assigns_an_unrecognised_column(client, operator, tmp_path):
    client.force_login(operator)
    rows = [["NISN", "Nama", "Sex", "Kelas"], [BUDI[0], BUDI[2], "L", BUDI[5]]]
    path = write_xlsx(tmp_path / "m.xlsx", {"S": rows})
    client.post(
        "/students/imports/",
        {"kind": "roster", "file": SimpleUploadedFile("m.xlsx", path.read_bytes())},
    )
    build_previews()
    batch = ImportBatch.objects.get()
    assert batch.rejected == 0  # gender unknown: created as "data belum lengkap"
    assert batch.preview["identity"]["incomplete_missing"] == {"gender": 1}
    page = client.get(reverse("students:import_detail", args=[batch.pk]))
    form = page.context["mapping_form"]
    name = next(n for n, c in form.columns if c["header"] == "Sex")
    client.post(reverse("students:import_mapping", args=[batch.pk]), {name: "gender"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.ANALYSING  # the request only queued a new preview
    build_previews()
    batch.refresh_from_db()
    assert batch.mapping == {"sex": "gender"} and batch.rejected == 0
    assert batch.preview["identity"]["incomplete_total"] == 0


def test_a_file_over_the_size_limit_is_refused_on_the_form(client, operator, tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    client.force_login(operator)
    response = upload(client, tmp_path, [BUDI])
    assert response.status_code == 200 and "File terlalu besar" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_batches_of_others_answer_404(client, operator, make_user, tmp_path, other_school):
    client.force_login(operator)
    upload(client, tmp_path, [BUDI])
    batch = ImportBatch.objects.get()
    client.force_login(make_user(Role.OPERATOR, school=other_school))
    assert client.get(reverse("students:import_detail", args=[batch.pk])).status_code == 404
    client.force_login(make_user(Role.WALIKELAS, school=operator.school))
    assert client.get(reverse("students:import_status", args=[batch.pk])).status_code == 404


def test_error_report_has_original_rows_an_error_column_and_escaped_formulas(
    client, operator, tmp_path
):
    client.force_login(operator)
    upload(client, tmp_path, [BUDI, EVIL])
    batch = ImportBatch.objects.get()
    response = client.get(reverse("students:import_errors", args=[batch.pk]))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows[2]
    assert header[-1] == "Kesalahan" and header[:4] == ["No", "NISN", "NIS", "Nama Peserta Didik"]
    assert len(rows) == 4  # two title rows, the header, the one rejected row
    assert rows[3][1] == EVIL[0]  # text, leading zeros kept
    assert rows[3][3] == "'" + EVIL[2]  # never a live formula
    assert "NISN tidak valid" in rows[3][-1]


@pytest.mark.parametrize("kind", ["roster", "grades", "attendance"])
def test_blank_templates_are_read_back_by_the_importer(client, operator, tmp_path, kind):
    client.force_login(operator)
    response = client.get(reverse("students:import_template", args=[kind]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(response.content)
    result = parse_file(Path(path), "xlsx", kind, max_rows=100)
    assert len(result.rows) == 1 and not result.rows[0].errors
    assert result.rows[0].data["nisn"] == "0081234567"


@pytest.mark.integration
def test_confirm_queues_the_task_and_a_real_worker_imports_the_file(
    client, operator, tmp_path, worker
):
    client.force_login(operator)
    path = write_xlsx(tmp_path / "daftar.xlsx", {"Siswa": roster_rows([BUDI])})
    file = SimpleUploadedFile("daftar.xlsx", path.read_bytes())
    client.post(reverse("students:imports"), {"kind": "roster", "file": file})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("students:import_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-progress"' in page  # the worker reads the file, not the page
    status = wait_for(client, batch, lambda s: s["status"] != ImportStatus.ANALYSING)
    assert status["status"] == ImportStatus.PREVIEW, status
    client.post(reverse("students:import_confirm", args=[batch.pk]))
    status = wait_for(client, batch, lambda s: s["finished"])
    assert status["status"] == ImportStatus.DONE, status
    assert (status["created"], status["progress"]) == (1, 100)
    assert Student.objects.get().nisn == "0081234567"
    page = client.get(reverse("students:import_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="count-created">1<' in page
    assert not GradeRecord.objects.exists()


def wait_for(client, batch, done, timeout=60) -> dict:
    deadline = time.monotonic() + timeout
    status = {}
    while time.monotonic() < deadline:
        status = client.get(reverse("students:import_status", args=[batch.pk])).json()
        if done(status):
            break
        time.sleep(0.3)
    return status
