"""Issue 12, "survive any upload": crafted and oversized files are refused with a clear
message before any grid is built, a reader that blows up anyway only ends its own child
process, the web request never parses the file, and every failure leaves the batch with a
message (never a 500, never a half-built preview)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smk_dashboard.celery import app as celery_app
from smk_dashboard.celery import ping
from students.importers import FileRejected, parse_file, sniff_format
from students.importers.reading import read_sheets
from students.importers.report import error_report_xlsx, sheet_title
from students.importing import lifecycle
from students.models import ImportBatch, ImportStatus, Role
from students.tasks import import_batch_analyse_task
from tests.cache_keys import task_callbacks
from tests.conftest import celery_worker
from tests.students.crafted import (
    LIBREOFFICE_TAIL,
    ods_rows,
    repeated_ods,
    sparse_xlsx,
    write_raw_ods,
    write_raw_xlsx,
)
from tests.students.factories import MajorFactory, SchoolClassFactory
from tests.students.spreadsheets import roster_rows, write_csv, write_xlsx

BUDI = ("0081234567", "2425001", "Budi Santoso", "L", None, "XI TKJ 1")


def read(path: Path):
    return read_sheets(path, sniff_format(path), max_rows=200_000)


# --- bounded before any grid is built ------------------------------------------------------


def test_the_sparse_xlsx_of_issue_12_is_refused_with_the_sheet_and_its_size(tmp_path):
    path = sparse_xlsx(tmp_path / "kecil.xlsx")
    assert path.stat().st_size < 2048
    start = time.monotonic()
    with pytest.raises(FileRejected) as refused:
        read(path)
    message = refused.value.messages[0]
    assert message.startswith("File terlalu besar: lembar Data berisi 3.276.800.000 sel")
    assert "200.000 baris × 16.384 kolom" in message and "batas 3.000.000 sel" in message
    assert refused.value.code == "too_many_cells"
    assert time.monotonic() - start < 5


def test_a_false_dimension_does_not_refuse_a_small_sheet(tmp_path):
    path = write_raw_xlsx(tmp_path / "d.xlsx", [("A1", 1), ("B2", 2)], dimension="A1:XFD1048576")
    assert read(path)[0].rows == [[1, None], [None, 2]]


def test_the_cell_limit_is_a_setting_and_counts_all_sheets(tmp_path, settings):
    rows = [[f"r{r}c{c}" for c in range(10)] for r in range(30)]
    path = write_xlsx(tmp_path / "two.xlsx", {"A": rows, "B": rows})
    settings.IMPORT_MAX_CELLS = 400
    with pytest.raises(FileRejected) as refused:
        read(path)
    assert "semua lembarnya berisi 600 sel" in refused.value.messages[0]
    settings.IMPORT_MAX_CELLS = 600
    assert [len(s.rows) for s in read(path)] == [30, 30]


def test_an_ods_with_repeated_filled_cells_is_refused(tmp_path):
    with pytest.raises(FileRejected) as refused:
        read(repeated_ods(tmp_path / "ulang.ods"))
    assert "lembar Data berisi 3.276.800.000 sel" in refused.value.messages[0]


def test_a_sparse_xls_is_refused_before_the_reader_builds_its_grid(tmp_path):
    """A1 and IV65536 in a 6 KB xls: the reader would build a 0.5 GB grid when the file is
    opened (and abort its process); the cell records are measured first."""
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("Data").write(0, 0, "NISN")
    hidden = book.add_sheet("Rekap Tersembunyi")  # every sheet is built at open, hidden or not
    hidden.write(0, 0, 1)
    hidden.write(65535, 255, 2)
    hidden.visibility = 1
    path = tmp_path / "kecil.xls"
    book.save(str(path))
    assert path.stat().st_size < 8192
    start = time.monotonic()
    with pytest.raises(FileRejected) as refused:
        read(path)
    message = refused.value.messages[0]
    assert "lembar Rekap Tersembunyi berisi 16.777.216 sel" in message
    assert "65.536 baris × 256 kolom" in message and refused.value.code == "too_many_cells"
    assert time.monotonic() - start < 5


def test_an_xls_with_formatting_far_away_is_measured_as_the_reader_sees_it(tmp_path):
    """Blank formatted cells (BLANK/MULBLANK records) do not count; values do, in the
    sheet's own name even when it is not ASCII."""
    import xlwt

    from students.importers.grid import xls_extents

    book = xlwt.Workbook()
    ws = book.add_sheet("Kelas X Ñ")
    border = xlwt.easyxf("borders: left thin")
    for col in range(40, 60):
        ws.write(60_000, col, None, border)
    ws.write(0, 0, "NISN")
    ws.write(0, 1, "Nama")
    ws.write(2, 3, 5.5)
    ws.write(4, 1, "Budi")
    path = tmp_path / "format.xls"
    book.save(str(path))
    assert xls_extents(str(path)) == {"Kelas X Ñ": (5, 4)}
    assert read(path)[0].rows[0][:2] == ["NISN", "Nama"]


def test_an_ods_with_libreoffices_trailing_empty_rows_is_read(tmp_path):
    rows = [["NISN", "Nama"], ["0081234567", "Budi"]]
    path = write_raw_ods(tmp_path / "lo.ods", ods_rows(rows) + LIBREOFFICE_TAIL)
    assert read(path)[0].rows == rows


def test_a_reader_that_runs_out_of_memory_ends_its_child_not_this_process(tmp_path, settings):
    # With the measurement switched off (a huge cell limit), the Rust reader really asks for
    # 105 GB and aborts (SIGABRT): only the capped child dies, the upload gets a message.
    settings.IMPORT_MAX_CELLS = 10**12
    settings.IMPORT_READER_MEMORY_BYTES = 512 * 1024 * 1024
    with pytest.raises(FileRejected) as refused:
        read(sparse_xlsx(tmp_path / "kecil.xlsx"))
    assert refused.value.code == "too_much_memory"
    assert "lebih dari 512 MB memori" in refused.value.messages[0]


def test_a_csv_line_longer_than_the_field_limit_is_a_clear_refusal(tmp_path):
    path = tmp_path / "panjang.csv"
    path.write_text("NISN;Nama\n0081234567;Budi\n" + '0091234568;"' + "x" * 200_000 + "\n")
    with pytest.raises(FileRejected) as refused:
        read(path)
    assert refused.value.code == "csv_field_too_long"
    assert "lebih dari 131.072 karakter" in refused.value.messages[0]
    first_line = tmp_path / "satu.csv"
    first_line.write_text("a;" + "y" * 200_000 + "\n1;2\n")
    with pytest.raises(FileRejected):
        read(first_line)


# --- the error report -------------------------------------------------------------------


def test_sheet_titles_are_valid_and_unique():
    taken = {"history"}
    long = "Kelas XI Teknik Komputer dan Jaringan "
    titles = [
        sheet_title(name, taken)
        for name in ["a[b]:c*d?e/f\\g", long + "1", long + "2", "'kutip'", "", "History", "A"]
    ]
    assert titles[0] == "a_b__c_d_e_f_g"
    assert titles[1] == "Kelas XI Teknik Komputer dan Ja"
    assert titles[2] == "Kelas XI Teknik Komputer da (2)"
    assert titles[3:] == ["kutip", "Lembar", "History (2)", "A"]
    assert all(len(t) <= 31 for t in titles)


def test_error_report_survives_odd_and_colliding_sheet_names(tmp_path):
    # ODS allows sheet names Excel does not: longer than 31 characters, with brackets.
    long = "Kelas XI Teknik Komputer dan Jaringan "
    rows = ods_rows([[str(v or "") for v in row] for row in roster_rows([BUDI])])
    sheets = {long + "A": rows, long + "B": rows, "[Rekap]: 1/2": rows}
    result = parse_file(write_raw_ods(tmp_path / "dua.ods", sheets), "ods", "roster", max_rows=99)
    assert len(result.tables) == 3
    csv = write_csv(tmp_path / "daftar [final]: kelas*?.csv", roster_rows([BUDI]))
    odd = parse_file(csv, "csv", "roster", max_rows=99)
    for parsed in [*result.rows, *odd.rows]:
        parsed.add_error("contoh kesalahan")
    for report in (error_report_xlsx(result), error_report_xlsx(odd)):
        path = tmp_path / "laporan.xlsx"
        path.write_bytes(report)
        names = openpyxl.load_workbook(path).sheetnames
        assert len(set(names)) == len(names) and all(len(n) <= 31 for n in names)
        assert not any(ch in n for n in names for ch in "[]:*?/\\")


# --- the web request never parses; failures leave a message ------------------------------


@pytest.fixture
def operator(db, make_user, school):
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    SchoolClassFactory(school=school, major=major, name="XI TKJ 1")
    return make_user(Role.OPERATOR, school=school)


def post_file(client, path: Path, kind="roster"):
    file = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("students:imports"), {"kind": kind, "file": file})


def test_the_upload_request_only_stores_the_file_and_queues_the_preview(
    client, operator, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_file(client, sparse_xlsx(tmp_path / "kecil.xlsx"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert (batch.status, batch.preview, batch.file_format) == (ImportStatus.ANALYSING, {}, "")
    assert len(task_callbacks(callbacks)) == 1
    page = client.get(response.url).content.decode()
    assert "File sedang dibaca untuk pratinjau" in page
    assert 'data-import-status="analysing"' in page
    import_batch_analyse_task.apply(args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED and batch.progress == 100
    assert batch.message.startswith("File terlalu besar: lembar Data berisi")
    page = client.get(response.url)
    assert page.status_code == 200 and "File terlalu besar" in page.content.decode()


def test_a_too_long_csv_line_uploaded_on_the_page_is_a_message_not_a_500(
    client, operator, tmp_path
):
    client.force_login(operator)
    path = tmp_path / "panjang.csv"
    path.write_text('NISN;Nama\n0081234567;"' + "x" * 200_000 + "\n")
    response = post_file(client, path)
    batch = ImportBatch.objects.get()
    import_batch_analyse_task.apply(args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "terlalu panjang (lebih dari 131.072 karakter)" in page.content.decode()


def test_a_preview_that_crashes_half_way_leaves_a_failed_batch_with_a_message(
    client, operator, tmp_path, monkeypatch
):
    client.force_login(operator)
    response = post_file(client, write_xlsx(tmp_path / "d.xlsx", {"S": roster_rows([BUDI])}))
    batch = ImportBatch.objects.get()

    def crash(batch, analysis):
        batch.preview = {"sheets": "half"}  # a half-built preview that must never be saved
        raise RuntimeError("disk full")

    monkeypatch.setattr(lifecycle, "record_analysis", crash)
    import_batch_analyse_task.apply(args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.preview == {}
    assert "gagal dibaca karena kesalahan sistem" in batch.message
    assert not ImportBatch.objects.filter(status=ImportStatus.PREVIEW).exists()
    page = client.get(response.url)
    assert page.status_code == 200 and "gagal dibaca" in page.content.decode()
    # The task is safe to run twice: a failed batch is left alone.
    assert import_batch_analyse_task.apply(args=[batch.pk]).get() == ImportStatus.FAILED


def test_a_kept_file_that_disappeared_fails_the_batch_instead_of_hanging(
    client, operator, tmp_path
):
    client.force_login(operator)
    post_file(client, write_xlsx(tmp_path / "d.xlsx", {"S": roster_rows([BUDI])}))
    batch = ImportBatch.objects.get()
    Path(batch.file.path).unlink()
    import_batch_analyse_task.apply(args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.message


def test_the_error_report_download_reads_the_stored_report_not_the_upload(
    client, operator, tmp_path
):
    client.force_login(operator)
    evil = ("00912345X8", "2425002", "NISN Salah", None, None, "XI TKJ 1")
    post_file(client, write_xlsx(tmp_path / "d.xlsx", {"S": roster_rows([BUDI, evil])}))
    batch = ImportBatch.objects.get()
    url = reverse("students:import_errors", args=[batch.pk])
    assert client.get(url).status_code == 404  # no report before the worker has read it
    import_batch_analyse_task.apply(args=[batch.pk])
    Path(batch.file.path).unlink()  # the download needs only what the worker stored
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kesalahan-d.xlsx"'


# --- a real worker survives the crafted file ----------------------------------------------


@pytest.fixture
def media_for_the_worker(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))


def wait_until_settled(batch: ImportBatch, timeout=60) -> ImportBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status != ImportStatus.ANALYSING:
            break
        time.sleep(0.3)
    return batch


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "worker_env",
    [
        pytest.param({}, id="measured-and-refused"),
        # The measurement switched off: the reader child really aborts inside the worker.
        pytest.param(
            {"IMPORT_MAX_CELLS": str(10**12), "IMPORT_READER_MEMORY_BYTES": str(512 * 2**20)},
            id="reader-child-aborts",
        ),
    ],
)
def test_a_real_worker_survives_the_sparse_file_and_still_answers(
    client, make_user, school, tmp_path, media_for_the_worker, worker_env
):
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    SchoolClassFactory(school=school, major=major, name="XI TKJ 1")
    client.force_login(make_user(Role.OPERATOR, school=school))
    (Path(__file__).resolve().parents[2] / ".run").mkdir(exist_ok=True)
    with celery_worker(queues="default", extra_env=worker_env) as proc:
        post_file(client, sparse_xlsx(tmp_path / "kecil.xlsx"))
        crafted = wait_until_settled(ImportBatch.objects.get())
        assert crafted.status == ImportStatus.REJECTED, crafted.message
        assert crafted.message.startswith("File terlalu besar")
        assert proc.poll() is None  # the worker process is still alive
        assert ping.delay().get(timeout=30) == "pong"
        post_file(client, write_xlsx(tmp_path / "d.xlsx", {"S": roster_rows([BUDI])}))
        normal = wait_until_settled(ImportBatch.objects.latest("id"))
        assert normal.status == ImportStatus.PREVIEW and normal.rows == 1
    assert client.get("/healthz").status_code == 200


def test_an_upload_whose_preview_cannot_be_queued_is_failed_not_left_waiting(
    client, operator, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, write_xlsx(tmp_path / "d.xlsx", {"S": roster_rows([BUDI])}))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and "Antrean tugas" in batch.message
