"""Headers people write (issue 23, item 4): one vocabulary (students/importers/vocabulary.py),
checked on each layout family schools send (tests/students/layouts.py): the class column
under any of its names, a parent's name never taken for the student's, and every column the
import leaves out with the reason the preview shows."""

from pathlib import Path

import pytest

from students.importers import parse_file, sniff_format
from students.importers.preview import sheets_preview
from students.importers.values import normalize_key
from students.importers.vocabulary import aliases_for, field_of
from tests.students import layouts

PARENT = "data orang tua"


def parse(path: Path, kind: str, **kwargs):
    return parse_file(path, sniff_format(path), kind, max_rows=1000, **kwargs)


def columns(result) -> dict[str, dict]:
    """header -> the column as the preview shows it (first sheet)."""
    return {c["header"]: c for c in sheets_preview(result)[0]["columns"]}


@pytest.mark.parametrize(
    "header",
    [
        "Rombel / Kelas", "Rombel", "KLS", "Kls.", "Kelas/Rombel", "Rombongan Belajar",
        "Nama Rombel", "Kelas (Rombel)", "ROMBEL SAAT INI", "Nama Kelas", "Kelas Siswa",
    ],
)  # fmt: skip
def test_the_class_column_is_found_under_the_names_people_give_it(tmp_path, header):
    result = parse(layouts.handmade_list(tmp_path / "kelas.xlsx", class_header=header), "roster")
    assert result.tables[0].fields["school_class"] == 6
    assert columns(result)[header]["used"] is True
    bunga = next(r for r in result.rows if r.data["nisn"] == "0091230002")
    assert bunga.data["school_class"] == "XI DKV"


@pytest.mark.parametrize(
    "header", ["Wali Kelas", "Nama Wali Kelas", "Tingkat Kelas", "Jumlah Kelas", "Kelas Asal"]
)
def test_headers_that_only_mention_a_class_are_not_the_class_column(header):
    assert field_of(normalize_key(header), aliases_for("roster")) != "school_class"


@pytest.mark.parametrize(
    "header",
    [
        "Nama Ayah", "Nama Ibu", "Nama Wali", "Nama Ayah Kandung", "Nama Ibu Kandung",
        "Nama Orang Tua", "Nama Orang Tua/Wali", "Nama Ortu", "nama_ayah", "NAMA BAPAK",
    ],
)  # fmt: skip
@pytest.mark.parametrize("kind", ["roster", "grades", "attendance"])
def test_a_parents_name_column_is_never_the_students_name(header, kind):
    """Left out of grades and attendance; a roster reads it as the parent's name (issue 24:
    parents reachable), never as the student's."""
    field = field_of(normalize_key(header), aliases_for(kind))
    if kind == "roster" and field != "ignore":
        assert field in {"father_name", "mother_name", "guardian_name"}
    else:
        assert field == "ignore"


def test_dapodik_export_66_columns_parents_names_left_out_and_said_why(tmp_path):
    result = parse(layouts.dapodik_xlsx(tmp_path / "dapodik.xlsx"), "roster")
    shown = sheets_preview(result)[0]["columns"]
    assert len(shown) == layouts.DAPODIK_COLUMNS == 66
    by_header = {c["header"]: c for c in shown}
    named = [c["header"] for c in shown if c["field"] == "name"]
    assert named == ["Nama"]  # not "Data Ayah / Nama", "Data Ibu / Nama", "Data Wali / Nama"
    for group, field in (
        ("Data Ayah", "father_name"), ("Data Ibu", "mother_name"), ("Data Wali", "guardian_name")
    ):  # fmt: skip
        parent = by_header[f"{group} / Nama"]
        assert parent["used"] is True and parent["field"] == field  # who to call (issue 24)
        assert parent["label"] != "Nama siswa"
        assert by_header[f"{group} / Tahun Lahir"]["why"] == PARENT
    assert by_header["Telepon"]["field"] == "parent_phone"  # the household's number
    assert by_header["HP"]["used"] is False  # the student's own mobile
    # the guardian's education is no mother's education, even though the words match
    assert by_header["Data Wali / Jenjang Pendidikan"]["why"] == PARENT
    assert by_header["Data Ibu / Jenjang Pendidikan"]["field"] == "mother_education"
    assert by_header["Rombel Saat Ini"]["field"] == "school_class"
    assert by_header["Penerima KIP"]["used"] is True
    assert by_header["NIK"]["why"] == "data pribadi yang tidak diperlukan"
    assert by_header["No"]["why"] == "nomor urut"
    assert by_header["Bank"]["why"] == "nomor dokumen atau bantuan lain"
    used = [c["header"] for c in shown if c["used"]]
    assert len(used) == 19, used  # 15, parents' three names and the home number
    assert all(c["why"] for c in shown if not c["used"])
    adi = next(r for r in result.rows if r.data["nisn"] == "0081230001")
    assert adi.data["name"] == "Adi Pratama Contoh"


def test_dapodik_through_google_sheets_flattened_parent_headers(tmp_path):
    result = parse(layouts.dapodik_gsheets_csv(tmp_path / "dapodik.csv"), "roster")
    by_header = columns(result)
    assert by_header["Nama"]["field"] == "name"
    assert by_header["Nama Ayah"]["field"] == "father_name"
    assert by_header["Nama Ibu"]["field"] == "mother_name"
    assert by_header["Tahun Lahir A"]["used"] is False
    assert by_header["Rombel Saat Ini"]["field"] == "school_class"  # "Rombel\nSaat Ini"


def test_erapor_roster_snake_case_parent_names_are_left_out(tmp_path):
    result = parse(layouts.erapor_roster(tmp_path / "erapor.xlsx"), "roster")
    by_header = columns(result)
    assert by_header["nama"]["field"] == "name" and by_header["rombel"]["used"]
    assert by_header["nama_ayah"]["field"] == "father_name"
    assert by_header["nama_ibu"]["field"] == "mother_name"
    assert by_header["agama"]["why"] == "data pribadi yang tidak diperlukan"


def test_hand_made_list_with_parents_names_keeps_the_students_name(tmp_path):
    path = layouts.handmade_list(tmp_path / "kelas.xlsx", class_header="KLS", parents=True)
    result = parse(path, "roster")
    by_header = columns(result)
    for header, field in (
        ("Nama Ayah Kandung", "father_name"),
        ("Nama Ibu Kandung", "mother_name"),
        ("Nama Wali", "guardian_name"),
    ):
        assert by_header[header]["field"] == field
    assert {r.data["name"] for r in result.rows} == {p[2] for p in layouts.PEOPLE}


def test_erapor_leger_recognises_name_and_subjects(tmp_path):
    result = parse(layouts.erapor_leger(tmp_path / "leger.xlsx", "20100001"), "grades")
    by_header = columns(result)
    assert by_header["NAMA PESERTA DIDIK"]["field"] == "name"
    assert [h for h, c in by_header.items() if c["field"] == "grade"] == layouts.LEGER_SUBJECTS
    assert by_header["No"]["used"] is False


def test_class_ledger_says_why_its_extra_columns_are_left_out(tmp_path):
    path = layouts.grade_ledger_with_attendance(tmp_path / "leger.xlsx")
    result = parse(path, "grades", term_code="2025-1")
    by_header = columns(result)
    assert by_header["EKSTRA"]["why"] == "nilai huruf, bukan angka"
    assert by_header["KELAS"]["why"] == "tidak diperlukan untuk impor ini"
    assert by_header["SAKIT"]["used"] and by_header["ALPA"]["used"]


def test_walikelas_recap_counts_the_months_and_not_their_totals(tmp_path):
    result = parse(layouts.walikelas_recap(tmp_path / "rekap.xlsx"), "attendance")
    shown = columns(result)
    assert shown["BULAN / JULI / S"]["used"] is True
    assert shown["JUMLAH / S"]["why"] == "jumlah, dihitung dari kolom per bulan"
    assert (
        shown["BULAN / JULI / JML"]["why"] == "jumlah atau rata-rata, dihitung ulang oleh aplikasi"
    )


def test_kd_ledger_reads_class_and_leaves_out_exam_numbers(tmp_path):
    result = parse(layouts.kd_ledger(tmp_path / "kd.xlsx"), "grades")
    by_header = columns(result)
    assert by_header["No.Pest."]["why"] == "nomor dokumen atau bantuan lain"
    assert by_header["Kelas"]["field"] == "school_class"
    assert by_header["Matematika / NA"]["used"] is True
