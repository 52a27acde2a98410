"""An operator uploads a class ledger as a student list. One row carries the NIS of a stored
student but another child's NISN and name: the preview shows it as a conflict, side by side
with the stored student; the operator skips it, confirms, and the stored student is exactly
as before while the ledger's other children are created (issue 23). A real Celery worker
reads and writes the file."""

import os
from pathlib import Path

import pytest

from students.models import Role, Student
from tests.students import layouts
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADI = layouts.PEOPLE[0]
WRONG = ("0099990001", ADI[1], "Rina Anak Lain", "P")
SHOTS = os.environ.get("SMK_SHOTS_DIR", "")  # where to keep screenshots of the preview


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def test_a_conflicting_ledger_row_is_skipped_and_the_stored_student_stays(
    login, make_user, school, tmp_path, worker
):
    major = MajorFactory(school=school, code="AKL", name="Akuntansi dan Keuangan Lembaga")
    akl = SchoolClassFactory(school=school, major=major, name="X AKL 1")
    adi = StudentFactory(
        school=school, nisn=ADI[0], nis=ADI[1], name=ADI[2], gender="L", school_class=akl,
        major=major,
    )  # fmt: skip
    before = Student.objects.filter(pk=adi.pk).values().get()
    make_user(Role.OPERATOR, school=school, username="e2e_operator")
    path = layouts.grade_ledger_with_attendance(
        tmp_path / "leger-x-akl-1.xlsx", people=[*layouts.PEOPLE[1:], WRONG]
    )

    page = login("e2e_operator")
    page.goto(page.url.rstrip("/") + "/students/imports/")
    page.select_option("select[name=kind]", "roster")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Unggah dan pratinjau").click()

    conflicts = page.get_by_test_id("identity-conflicts")
    conflicts.wait_for(timeout=60_000)
    text = conflicts.inner_text()
    assert "1 konflik identitas" in text
    assert WRONG[2] in text and ADI[2] in text  # the file row and the stored student
    assert "NIS 2526001 milik siswa dengan NISN lain" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shoot(page, "preview-conflict")

    conflicts.get_by_label("Lewati baris ini").check()
    page.get_by_test_id("resolve").click()
    page.get_by_test_id("skipped-rows").wait_for(timeout=60_000)
    assert page.get_by_test_id("identity-conflicts").count() == 0
    assert "Baru: 3" in page.get_by_test_id("row-outcomes").inner_text()
    assert "3 siswa baru akan dibuat dengan data belum lengkap" in (
        page.get_by_test_id("incomplete").inner_text()
    )
    shoot(page, "preview-resolved")
    page.get_by_test_id("confirm").click()

    page.get_by_test_id("import-summary").wait_for(timeout=60_000)
    assert page.get_by_test_id("count-created").inner_text() == "3"
    assert Student.objects.filter(pk=adi.pk).values().get() == before
    assert not Student.objects.filter(nisn=WRONG[0]).exists()
    assert Student.objects.count() == 4
