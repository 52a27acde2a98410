"""Conduct points from a spreadsheet through the students import flow (kind "points")."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from interventions.conduct.models import PointEntry, PointTodo
from interventions.conduct.services import point_catalogue_seed
from students.importers.report import blank_template_xlsx
from students.importing.command import import_file_run
from tests.students.factories import StudentFactory
from tests.students.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db
HEADER = ["No", "NISN", "Nama", "Tanggal", "Perilaku", "Poin", "Uraian"]
TODAY = timezone.localdate()


def command(*args):
    out = io.StringIO()
    call_command("import_spreadsheet", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def budi(school):
    point_catalogue_seed(school=school)
    return StudentFactory(school=school, nisn="0081234567", name="Budi Santoso")


@pytest.fixture
def template_student(school):
    """The student the points template's example row names (NISN and name agree: issue 23
    never matches a row whose name disagrees with the stored student's)."""
    point_catalogue_seed(school=school)
    return StudentFactory(school=school, nisn="0081234567", name="Contoh Siswa")


def test_the_template_imports_with_the_catalogue_points(school, template_student, tmp_path):
    path = tmp_path / "templat-poin.xlsx"
    path.write_bytes(blank_template_xlsx("points"))
    summary = command(path, "--school", school.npsn, "--kind", "points")
    assert (summary["created"], summary["rejected"]) == (1, 0)
    entry = PointEntry.objects.get()
    assert (entry.student, entry.behaviour.name, entry.points) == (
        template_student,
        "Terlambat",
        5,
    )
    assert entry.date == dt.date(2025, 3, 12) and entry.description == "Datang pukul 07.30"
    # The same file again changes nothing.
    again = command(path, "--school", school.npsn, "--kind", "points")
    assert (again["created"], again["unchanged"]) == (0, 1) and PointEntry.objects.count() == 1


def test_imported_points_crossing_a_threshold_create_the_to_do(school, budi, tmp_path):
    day = (TODAY - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    rows = [HEADER, [1, budi.nisn, "Budi", day, "Bolos", None, ""],
            [2, budi.nisn, "Budi", day, "berkelahi", None, "di kantin"]]  # fmt: skip
    command(write_xlsx(tmp_path / "p.xlsx", {"Poin": rows}), "--school", school.npsn,
            "--kind", "points")  # fmt: skip
    assert PointEntry.objects.filter(student=budi).count() == 2
    assert [t.threshold.points for t in PointTodo.objects.filter(student=budi)] == [50]


def test_unknown_behaviour_wrong_sign_and_future_date_are_row_errors(school, budi, tmp_path):
    future = (TODAY + dt.timedelta(days=5)).strftime("%d/%m/%Y")
    rows = [HEADER, [1, budi.nisn, "Budi", "01/03/2025", "Menyontek", None, ""],
            [2, budi.nisn, "Budi", "01/03/2025", "Juara lomba", 20, ""],
            [3, budi.nisn, "Budi", future, "Terlambat", None, ""]]  # fmt: skip
    path = write_xlsx(tmp_path / "bad.xlsx", {"Poin": rows})
    summary = import_file_run(school=school, kind="points", path=path)
    text = json.dumps(summary["errors"], ensure_ascii=False)
    assert summary["rejected"] == 3 and "tidak ada di katalog poin" in text
    assert "tidak cocok" in text and "masa depan" in text
    assert not PointEntry.objects.exists()


def test_the_import_page_offers_points_to_the_walikelas(school, walikelas, school_class):
    from django.test import Client

    client = Client()
    client.force_login(walikelas)
    assert 'value="points"' in client.get("/students/imports/").content.decode()
    response = client.get("/students/imports/template/points.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_points_imported_through_the_web_flow_are_recorded_by_the_importing_user(
    school, walikelas, student, bk, tmp_path
):
    from django.core.files import File
    from django.test import Client

    from students.importing.lifecycle import (
        import_batch_analyse,
        import_batch_create,
        import_batch_process,
    )
    from students.models import ImportStatus

    point_catalogue_seed(school=school)
    walikelas.first_name, walikelas.last_name = "Wati", "Wali"
    walikelas.save()
    day = (TODAY - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    rows = [HEADER, [1, student.nisn, student.name, day, "Terlambat", None, "07.40"]]
    path = write_xlsx(tmp_path / "poin-kelas.xlsx", {"Poin": rows})
    with open(path, "rb") as fh:
        batch = import_batch_create(
            school=school, kind="points", file=File(fh, name=path.name), file_name=path.name,
            user=walikelas,
        )  # fmt: skip
    batch = import_batch_analyse(batch_id=batch.pk)
    assert batch.status == ImportStatus.PREVIEW, batch.errors
    batch.status = ImportStatus.QUEUED
    batch.save()
    assert import_batch_process(batch_id=batch.pk).status == ImportStatus.DONE
    entry = PointEntry.objects.get(student=student)
    assert (entry.recorded_by, entry.imported, entry.import_batch) == (walikelas, True, batch)

    client = Client()
    client.force_login(bk)
    page = client.get(f"/students/{student.pk}/").content.decode()
    assert "diimpor oleh Wati Wali" in page and "poin-kelas.xlsx" in page


def test_points_imported_from_the_command_line_say_so_without_a_user(
    school, template_student, tmp_path
):
    path = tmp_path / "templat-poin.xlsx"
    path.write_bytes(blank_template_xlsx("points"))
    command(path, "--school", school.npsn, "--kind", "points")
    entry = PointEntry.objects.get(student=template_student)
    assert entry.imported and entry.recorded_by is None and entry.import_batch.source == "cli"


def test_points_recorded_on_the_form_are_not_marked_imported(school, walikelas, student):
    from interventions.conduct.models import Behaviour
    from interventions.conduct.services import point_entry_record

    point_catalogue_seed(school=school)
    entry, _todos = point_entry_record(
        user=walikelas,
        student=student,
        behaviour=Behaviour.objects.get(school=school, name="Terlambat"),
        date=TODAY,
    )
    assert not entry.imported and entry.import_batch is None and entry.recorded_by == walikelas


def test_the_template_row_is_a_conflict_for_a_student_of_that_nisn_with_another_name(
    school, budi, tmp_path
):
    """The wrong child (issue 23): the template names "Contoh Siswa", the school's student of
    that NISN is Budi Santoso. Nothing is written."""
    path = tmp_path / "templat-poin.xlsx"
    path.write_bytes(blank_template_xlsx("points"))
    summary = import_file_run(school=school, kind="points", path=path)
    assert summary["conflicts"] and not PointEntry.objects.exists()
