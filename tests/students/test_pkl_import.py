"""PKL (industry placement) records through the import flow: the template, the command (the
same service as the web upload), row errors, re-imports, and the profile."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from students.importers.report import blank_template_xlsx
from students.importing.command import import_file_run
from students.models import ImportBatch, PklPlacement, Role
from tests.students.factories import SchoolClassFactory, StudentFactory, UserFactory
from tests.students.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db
HEADER = ["No", "NISN", "Nama", "Tempat PKL", "Pembimbing Industri", "Hari Hadir", "Hari PKL",
          "Nilai Sikap", "Nilai Keterampilan"]  # fmt: skip


def command(*args):
    out = io.StringIO()
    call_command("import_spreadsheet", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def budi(school):
    return StudentFactory(school=school, nisn="0081234567", name="Budi Santoso")


@pytest.fixture
def contoh(school):
    """The student of the blank template's example row (NISN and name as the template has)."""
    return StudentFactory(school=school, nisn="0081234567", nis="2425001", name="Contoh Siswa")


def test_the_template_imports_as_it_is(school, contoh, tmp_path):
    path = tmp_path / "templat-pkl.xlsx"
    path.write_bytes(blank_template_xlsx("pkl"))
    summary = command(path, "--school", school.npsn, "--kind", "pkl")
    assert (summary["created"], summary["rejected"]) == (1, 0)
    placement = PklPlacement.objects.get()
    assert placement.student == contoh and placement.term.code == "2024-2"
    assert (placement.company, placement.mentor) == ("PT Contoh Teknik", "Bapak Contoh")
    assert (placement.days_present, placement.days_total) == (58, 60)
    assert (float(placement.rating_attitude), float(placement.rating_skills)) == (85.0, 80.0)


def test_a_reimport_updates_what_changed_and_counts_the_rest_unchanged(school, budi, tmp_path):
    other = StudentFactory(school=school, nisn="0081234568", name="Sari")
    rows = [HEADER, [1, budi.nisn, "Budi", "PT A", "Bu Rina", 40, 40, 90, 88],
            [2, other.nisn, "Sari", "CV B", "", 30, 40, 70, None]]  # fmt: skip
    args = ("--school", school.npsn, "--kind", "pkl", "--term", "2025-2")
    command(write_xlsx(tmp_path / "a.xlsx", {"PKL": rows}), *args)
    rows[2][7] = 75
    summary = command(write_xlsx(tmp_path / "b.xlsx", {"PKL": rows}), *args)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 1)
    assert float(PklPlacement.objects.get(student=other).rating_attitude) == 75
    assert PklPlacement.objects.get(student=other).rating_skills is None


def test_bad_rows_are_rejected_with_indonesian_messages(school, budi, tmp_path):
    rows = [HEADER, [1, budi.nisn, "Budi", "PT A", "", 45, 40, 120, 80],
            [2, "0099999999", "Tidak Ada", "PT B", "", 10, 10, 80, 80]]  # fmt: skip
    path = write_xlsx(tmp_path / "bad.xlsx", {"PKL": rows})
    summary = import_file_run(school=school, kind="pkl", path=path, term_code="2025-2")
    messages = " ".join(e["message"] if isinstance(e, dict) else str(e) for e in summary["errors"])
    assert summary["rejected"] == 2 and "lebih banyak dari hari PKL" in messages
    assert "0–100" in messages
    assert not PklPlacement.objects.exists()


def test_the_walikelas_import_page_offers_pkl_and_its_template(school):
    wali = UserFactory(role=Role.WALIKELAS, school=school)
    SchoolClassFactory(school=school, homeroom_teacher=wali)
    client = Client()
    client.force_login(wali)
    page = client.get("/students/imports/").content.decode()
    assert 'value="pkl"' in page
    response = client.get("/students/imports/template/pkl.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert not ImportBatch.objects.exists()


def test_the_profile_shows_pkl_placements(school, contoh, tmp_path):
    path = tmp_path / "templat-pkl.xlsx"
    path.write_bytes(blank_template_xlsx("pkl"))
    command(path, "--school", school.npsn, "--kind", "pkl")
    bk = UserFactory(role=Role.BK, school=school)
    client = Client()
    client.force_login(bk)
    page = client.get(f"/students/{contoh.pk}/").content.decode()
    assert 'data-testid="pkl-row"' in page and "PT Contoh Teknik" in page and "58/60" in page
