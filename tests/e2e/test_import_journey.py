"""An operator on a phone: upload a roster, check the preview, confirm, watch the progress
bar, read the summary. A real Celery worker processes the file."""

import pytest

from students.models import Role, Student
from tests.students.factories import MajorFactory, SchoolClassFactory
from tests.students.spreadsheets import roster_rows, write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))


def test_upload_preview_confirm_summary(login, make_user, school, tmp_path, worker):
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    SchoolClassFactory(school=school, major=major, name="XI TKJ 1")
    make_user(Role.OPERATOR, school=school, username="e2e_operator")
    students = [
        (81234567, "2425001", "Budi Santoso", "L", "17/05/2008", "XI TKJ 1"),
        ("0091234568", "2425002", "Siti Aminah", "P", "02/01/2009", "XI TKJ 1"),
    ]
    path = write_xlsx(tmp_path / "daftar-siswa.xlsx", {"Siswa": roster_rows(students)})

    page = login("e2e_operator")
    page.goto(page.url.rstrip("/") + "/students/imports/")
    assert page.get_by_test_id("imports-title").is_visible()
    page.select_option("select[name=kind]", "roster")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Unggah dan pratinjau").click()

    # The worker reads the file; the page shows progress, then reloads with the preview.
    page.get_by_test_id("preview-counts").wait_for(timeout=60_000)
    assert (
        "2 baris data terbaca, 0 bermasalah." in page.get_by_test_id("preview-counts").inner_text()
    )
    assert "Nama Peserta Didik" in page.get_by_test_id("columns").inner_text()
    assert "Siti Aminah" in page.get_by_test_id("sample").inner_text()
    page.get_by_test_id("confirm").click()

    page.get_by_test_id("import-summary").wait_for(timeout=60_000)
    assert page.get_by_test_id("count-created").inner_text() == "2"
    assert page.get_by_test_id("import-status").inner_text() == "Selesai"
    assert sorted(Student.objects.values_list("nisn", flat=True)) == ["0081234567", "0091234568"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # no sideways scrolling on a phone
