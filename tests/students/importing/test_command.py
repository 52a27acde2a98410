"""`manage.py import_spreadsheet` (CONTRACTS §2): JSON summary, exit 1 and nothing written
when the file is rejected."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from students.models import AcademicTerm, GradeRecord, ImportBatch, Student, Subject
from tests.conftest import ROOT, database_url_for_subprocess
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory
from tests.students.spreadsheets import roster_rows, write_csv, write_xls, write_xlsx

BUDI = ("0081234567", "2425001", "Budi Santoso", "L", "17/05/2008", "XI TKJ 1")
KEYS = {"rows", "created", "updated", "unchanged", "rejected", "errors"}


@pytest.fixture
def tkj(school):
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    return SchoolClassFactory(school=school, major=major, name="XI TKJ 1")


def command(*args):
    out = io.StringIO()
    call_command("import_spreadsheet", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_imports_a_roster_and_prints_the_json_summary(school, tkj, tmp_path):
    path = write_xls(tmp_path / "daftar.xls", roster_rows([BUDI]))
    summary = command(path, "--school", school.npsn, "--kind", "roster")
    assert set(summary) >= KEYS and isinstance(summary["errors"], list)
    assert (summary["rows"], summary["created"], summary["rejected"]) == (1, 1, 0)
    assert Student.objects.get().nisn == "0081234567"
    assert ImportBatch.objects.get().source == "cli"


@pytest.mark.django_db
def test_term_and_create_missing_options(school, tkj, tmp_path):
    StudentFactory(school=school, school_class=tkj, nisn=BUDI[0], name=BUDI[2])
    rows = [["NISN", "Nama", "Matematika", "Projek Kreatif"], [BUDI[0], "Budi", 80, 90]]
    path = write_csv(tmp_path / "leger.csv", rows, sep=",")
    args = (path, "--school", school.npsn, "--kind", "grades", "--term", "2024-2")
    with pytest.raises(CommandError, match="tidak ada data yang ditulis"):
        command(*args)
    summary = command(*args, "--create-missing")
    assert summary["created"] == 1 and summary["term"] == "2024-2"
    assert Subject.objects.filter(name="Projek Kreatif").exists()
    assert AcademicTerm.objects.filter(code="2024-2").exists()
    assert GradeRecord.objects.count() == 2


@pytest.mark.django_db
def test_dry_run_writes_nothing(school, tkj, tmp_path):
    path = write_xlsx(tmp_path / "d.xlsx", {"S": roster_rows([BUDI])})
    summary = command(path, "--school", school.npsn, "--kind", "roster", "--dry-run")
    assert summary["created"] == 1 and summary["dry_run"] is True
    assert not Student.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rejected_file_exits_1_with_an_indonesian_message(school, tkj, tmp_path):
    bad = tmp_path / "bukan.xlsx"
    bad.write_bytes(b"%PDF-1.4\x00\x01\x02")
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess()}
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_spreadsheet", str(bad), "--school", school.npsn,
         "--kind", "roster"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "bukan spreadsheet" in proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["created"] == 0 and summary["errors"]
    assert not Student.objects.exists()


@pytest.mark.django_db
def test_sheet_option_imports_only_that_sheet_of_a_workbook(school, tmp_path):
    from students.models import AttendanceSummary
    from tests.students import layouts

    klass = SchoolClassFactory(school=school, name="X KA 1")
    for nisn, nis, name, gender in layouts.PEOPLE:
        StudentFactory(school=school, school_class=klass, nisn=nisn, nis=nis, name=name,
                       gender=gender)  # fmt: skip
    path = layouts.walikelas_recap(tmp_path / "rekap.xlsx")
    args = (path, "--school", school.npsn, "--kind", "attendance")
    dry = command(*args, "--sheet", "X KA 2", "--dry-run")
    assert dry["rows"] == 2 and not AttendanceSummary.objects.exists()
    summary = command(*args, "--sheet", "X KA 2")
    assert (summary["rows"], summary["created"]) == (2, 2)
    assert set(AttendanceSummary.objects.values_list("student__nisn", flat=True)) == {
        p[0] for p in layouts.PEOPLE[2:]
    }
    with pytest.raises(CommandError, match="Lembar X KA 9 tidak ada di file ini"):
        command(*args, "--sheet", "X KA 9")
