"""Parents' names and the household number come in with the Dapodik roster; the student's
own mobile ("HP") does not; a nonsense number is a row error in Indonesian."""

from pathlib import Path

import openpyxl
import pytest

from students.importing.command import import_file_run
from students.models import Student
from tests.students import layouts

pytestmark = pytest.mark.django_db


def run(school, path, **kwargs):
    return import_file_run(
        school=school, kind="roster", path=Path(path), create_missing=True, **kwargs
    )


def test_dapodik_roster_brings_parents_names_and_the_household_number(school, tmp_path):
    summary = run(school, layouts.dapodik_xlsx(tmp_path / "dapodik.xlsx"))
    assert summary["ok"], summary
    adi = Student.objects.get(school=school, nisn="0081230001")
    assert (adi.father_name, adi.mother_name) == ("Ayah 0", "Ibu 0")
    assert adi.parent_phone == "+6281234567890"  # "Telepon", not the student's "HP"
    assert "899" not in adi.parent_phone + adi.guardian_phone
    citra = Student.objects.get(school=school, nisn="0081230003")
    assert citra.guardian_name == "Bibi Contoh"


def test_flattened_headers_and_a_hand_made_list_bring_the_names(school, tmp_path):
    assert run(school, layouts.dapodik_gsheets_csv(tmp_path / "d.csv"))["ok"]
    assert Student.objects.get(school=school, nisn="0081230001").father_name == "Ayah 0"


def test_a_nonsense_number_rejects_its_row_in_indonesian(school, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["NISN", "Nama", "Kelas", "Nama Ibu", "No HP Orang Tua", "No HP Wali"])
    ws.append(["0081230001", "Adi Pratama", "X TKJ 1", "Sri", "0812-3456-7890", ""])
    ws.append(["0081230002", "Bunga Lestari", "X TKJ 1", "Ani", "12345", "+62 857 1111 2222"])
    path = tmp_path / "kelas.xlsx"
    book.save(path)
    summary = run(school, path)
    assert summary["created"] == 0 and summary["rejected"] == 1 and not summary["ok"]
    assert any("baris 3" in e and "tidak sah" in e for e in summary["errors"])
    assert not Student.objects.exists()  # the file is all or nothing
    summary = run(school, path, valid_rows_only=True)
    assert summary["created"] == 1 and summary["rejected"] == 1
    adi = Student.objects.get(school=school, nisn="0081230001")
    assert (adi.mother_name, adi.parent_phone) == ("Sri", "+6281234567890")
    assert not Student.objects.filter(nisn="0081230002").exists()
