"""An operator on a phone with the files schools really have: a many-sheet administration
workbook (the preview says which sheets were skipped and lets them choose another), an
attendance file that names only its school year (the page asks for the semester and keeps the
file), then the tidy-up page that moves an unassigned class to its major.

With SMK_SCREENSHOTS=<folder> the pages are also saved at 390 and 1366 px wide."""

import os
from pathlib import Path

import pytest

from students.importing.command import import_file_run
from students.models import ImportBatch, ImportStatus, Role, SchoolClass
from tests.students import layouts
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))


def shoot(page, name: str) -> None:
    folder = os.environ.get("SMK_SCREENSHOTS")
    if not folder:
        return
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def test_operator_imports_a_school_workbook_and_tidies_up(
    login, make_user, school, tmp_path, worker
):
    make_user(Role.OPERATOR, school=school, username="e2e_operator")
    page = login("e2e_operator")
    base = page.url.split("/", 3)[:3]
    imports_url = "/".join(base) + "/students/imports/"

    page.goto(imports_url)
    page.select_option("select[name=kind]", "roster")
    page.select_option("select[name=term]", "2025-1")
    page.check("input[name=create_missing]")
    page.set_input_files("input[name=file]", str(layouts.admin_workbook(tmp_path / "tu.xlsx")))
    shoot(page, "imports-upload")
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    # The worker reads the file; the page shows progress, then reloads with the preview.
    page.get_by_test_id("preview-counts").wait_for(timeout=60_000)
    assert "4 baris data terbaca" in page.get_by_test_id("preview-counts").inner_text()
    assert "Lembar Data Lulusan dilewati" in page.content()
    assert page.get_by_test_id("map-sheet").is_visible()
    shoot(page, "imports-preview-sheets")

    # an attendance file that names the school year only: the page asks for the semester
    major = MajorFactory(school=school, code="TKJ")
    school_class = SchoolClassFactory(school=school, major=major, name="XI TKJ 1")
    for nisn, nis, name, gender in layouts.PEOPLE:
        StudentFactory(
            school=school, nisn=nisn, nis=nis, name=name, gender=gender,
            major=major, school_class=school_class,
        )  # fmt: skip
    page.goto(imports_url)
    page.select_option("select[name=kind]", "attendance")
    page.set_input_files(
        "input[name=file]", str(layouts.erapor_attendance(tmp_path / "absensi.xlsx"))
    )
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    page.get_by_test_id("import-message").wait_for(timeout=60_000)
    assert "Genap 2025/2026" in page.get_by_test_id("import-message").inner_text()
    shoot(page, "imports-ask-semester")
    page.select_option("[data-testid=term-retry-form] select[name=term]", "2025-1")
    page.get_by_role("button", name="Pratinjau lagi dengan semester ini").click()
    page.get_by_test_id("preview-counts").wait_for(timeout=60_000)
    assert "4 baris data terbaca" in page.get_by_test_id("preview-counts").inner_text()
    batch = ImportBatch.objects.filter(kind="attendance").get()
    assert batch.status == ImportStatus.PREVIEW and batch.term_code == "2025-1"

    # a hand-made list puts "Lasara" under "Belum ditentukan"; the operator moves it
    import_file_run(
        school=school, kind="roster", path=layouts.handmade_list(tmp_path / "k.xlsx"),
        create_missing=True,
    )  # fmt: skip
    page.goto(imports_url)
    page.get_by_test_id("setup-link").click()
    assert "Lasara" in page.get_by_test_id("unassigned-classes").inner_text()
    shoot(page, "import-setup")
    lasara = SchoolClass.objects.get(school=school, name="Lasara")
    page.check(f"#class-{lasara.pk}")
    page.select_option("[data-testid=bulk-major]", label="TKJ · " + major.name)
    page.get_by_test_id("bulk-assign").click()
    page.get_by_text("1 kelas").wait_for()
    assert SchoolClass.objects.get(school=school, name="Lasara").major == major
