"""The operator tidies up after imports on a phone: a preview of a file already imported and
made out of date by a later import says both, is refreshed, then discarded ("Batalkan") and
shows as "Dibatalkan" in the history; the setup page moves a whole abbreviation group of
classes under one major with one tick, without JavaScript.

With SMK_SCREENSHOTS=<folder> the pages are also saved at 390 and 1366 px wide."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files import File

from students.importers.majors import UNASSIGNED_CODE, UNASSIGNED_NAME
from students.importing.lifecycle import (
    import_batch_analyse,
    import_batch_confirm,
    import_batch_create,
    import_batch_process,
)
from students.models import ImportBatch, ImportStatus, Role, SchoolClass
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory
from tests.students.spreadsheets import roster_rows, write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PEOPLE = [
    ("0081234567", "2425001", "Budi Santoso", "L", dt.date(2008, 5, 17), "XI TKJ 1"),
    ("0081234568", "2425002", "Siti Aminah", "P", dt.date(2008, 7, 2), "XI TKJ 1"),
]


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


def previewed(user, path: Path) -> ImportBatch:
    """Upload and analyse in this process (the worker's service), as the task would."""
    with open(path, "rb") as fh:
        batch = import_batch_create(
            school=user.school, kind="roster", file=File(fh, name=path.name),
            file_name=path.name, user=user, create_missing=True,
        )  # fmt: skip
    return import_batch_analyse(batch_id=batch.pk)


def test_operator_discards_a_stale_duplicate_preview_and_assigns_majors_in_bulk(
    login, make_user, school, tmp_path
):
    operator = make_user(
        Role.OPERATOR, school=school, username="e2e_operator", first_name="Sri",
        last_name="Wahyuni",
    )  # fmt: skip
    path = write_xlsx(tmp_path / "daftar-siswa.xlsx", {"Siswa": roster_rows(PEOPLE[:1])})
    first = previewed(operator, path)
    import_batch_confirm(batch=first, user=operator)
    assert import_batch_process(batch_id=first.pk).status == ImportStatus.DONE
    again = previewed(operator, path)  # the same file again
    other = write_xlsx(tmp_path / "susulan.xlsx", {"Siswa": roster_rows(PEOPLE[1:])})
    later = previewed(operator, other)
    import_batch_confirm(batch=later, user=operator)
    assert import_batch_process(batch_id=later.pk).status == ImportStatus.DONE

    page = login("e2e_operator")
    base = "/".join(page.url.split("/", 3)[:3])
    page.goto(f"{base}/students/imports/{again.pk}/")
    assert "File ini sudah diimpor pada" in page.get_by_test_id("already-imported").inner_text()
    assert "susulan.xlsx" in page.get_by_test_id("preview-stale").inner_text()
    shoot(page, "import-preview-stale")

    page.get_by_test_id("discard").click()
    page.get_by_text("Impor dibatalkan").wait_for()
    assert ImportBatch.objects.get(pk=again.pk).status == ImportStatus.CANCELLED
    shoot(page, "import-discarded")
    page.goto(f"{base}/students/imports/")
    assert "Dibatalkan" in page.get_by_test_id("import-history").inner_text()
    shoot(page, "import-history")

    unassigned = MajorFactory(school=school, code=UNASSIGNED_CODE, name=UNASSIGNED_NAME)
    tkj = MajorFactory(school=school, code="TKJT", name="Teknik Jaringan Komputer")
    for name in ("X TKJT 1", "X TKJT 2", "XI TKJT 1", "X Lasara", "XII Lasara A"):
        school_class = SchoolClassFactory(school=school, major=unassigned, name=name)
        StudentFactory(school=school, school_class=school_class, major=unassigned)
    page.goto(f"{base}/students/imports/setup/")
    shoot(page, "import-setup-bulk")
    page.get_by_label("Semua kelas TKJT (3)").check()
    ticked = page.locator("[data-testid=class-group]", has_text="TKJT").locator(
        "input[name=classes]:checked"
    )
    assert ticked.count() == 3  # the page shows what will move
    # leaving one class out unticks the group, so only the ticked classes move
    xi = SchoolClass.objects.get(school=school, name="XI TKJT 1")
    page.uncheck(f"#class-{xi.pk}")
    assert not page.get_by_label("Semua kelas TKJT (3)").is_checked()
    page.check(f"#class-{xi.pk}")
    assert page.get_by_label("Semua kelas TKJT (3)").is_checked()
    page.select_option("[data-testid=bulk-major]", label="TKJT · " + tkj.name)
    page.get_by_test_id("bulk-assign").click()
    page.get_by_text("3 kelas (3 siswa) kini di").wait_for()
    assert SchoolClass.objects.filter(major=tkj).count() == 3
    assert "Lasara" in page.get_by_test_id("unassigned-classes").inner_text()
    shoot(page, "import-setup-after")
    page.goto(f"{base}/students/imports/setup/?semua=1")
    shoot(page, "import-setup-all")
