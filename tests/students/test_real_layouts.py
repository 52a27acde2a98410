"""The nine layout families schools really send (issue 12), end to end through the import
service: each test builds a fixture in that layout (tests/students/layouts.py, made-up data)
and checks the students, grades, attendance and term that were stored."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from smk_dashboard.core.formats import term_label
from students.importers import FileRejected, parse_file, sniff_format
from students.importers.values import parse_term
from students.importing.command import import_file_run
from students.models import (
    AttendanceSummary,
    GradeRecord,
    Major,
    SchoolClass,
    SchoolTermStatus,
    Student,
)
from students.services import term_mark_complete
from students.term_status import exclude_unfinished_terms, incomplete_term_ids
from tests.students import layouts
from tests.students.factories import (
    MajorFactory,
    SchoolClassFactory,
    StudentFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def run(school, kind, path, **kwargs):
    return import_file_run(school=school, kind=kind, path=Path(path), **kwargs)


@pytest.fixture
def enrolled(school):
    """The four made-up students of layouts.PEOPLE, already in the roster (class X AKL 1)."""
    major = MajorFactory(school=school, code="AKL", name="Akuntansi dan Keuangan Lembaga")
    school_class = SchoolClassFactory(school=school, major=major, name="X AKL 1")
    for nisn, nis, name, gender in layouts.PEOPLE:
        StudentFactory(
            school=school, nisn=nisn, nis=nis, name=name, gender=gender,
            major=major, school_class=school_class,
        )  # fmt: skip
    return school_class


def test_dapodik_export_imports_every_student_and_infers_majors_from_rombel(school, tmp_path):
    summary = run(
        school, "roster", layouts.dapodik_xlsx(tmp_path / "dapodik.xlsx"), create_missing=True
    )
    assert summary["ok"], summary
    assert summary["created"] == 4 and summary["rejected"] == 0
    adi = Student.objects.get(school=school, nisn="0081230001")
    assert adi.nis == "2526001" and adi.gender == "L"
    assert adi.birth_date == dt.date(2009, 3, 14)
    assert adi.school_class.name == "XII RPL 2" and adi.school_class.grade_level == 12
    assert adi.major.code == "RPL" and adi.major.name == "Rekayasa Perangkat Lunak"
    assert adi.kip_recipient is True  # Penerima KIP, not Penerima KPS
    assert str(adi.distance_km) in ("2.5", "2.50")
    citra = Student.objects.get(school=school, nisn="0081230003")
    assert citra.school_class.name == "X Lasara"
    assert citra.major.code == "BELUM"  # no abbreviation in "X Lasara": unassigned major
    dodi = Student.objects.get(school=school, nisn="1001230004")
    assert dodi.major.code == "TKJ"
    # One bracket for the household: the higher parent's, else the guardian's (Data Wali).
    assert adi.income_bracket == "Rp 1.000.000 – Rp 1.999.999"  # mother "Tidak Berpenghasilan"
    assert dodi.income_bracket == "Rp 2.000.000 – Rp 4.999.999"  # father none, mother earns
    assert citra.income_bracket == "Rp 1.000.000 – Rp 1.999.999"  # from Data Wali
    assert citra.father_education == "" and citra.mother_education == ""


def test_dapodik_google_sheets_csv_restores_nisn_zeros_and_reads_flattened_headers(
    school, tmp_path
):
    summary = run(
        school, "roster", layouts.dapodik_gsheets_csv(tmp_path / "dapodik.csv"),
        create_missing=True,
    )  # fmt: skip
    assert summary["ok"], summary
    assert summary["created"] == 4
    adi = Student.objects.get(school=school, nisn="0081230001")  # "81230001" in the file
    assert adi.school_class.name == "XII RPL 2"
    assert adi.father_education == "SMA/SMK"
    assert adi.mother_education == "SMP"  # "Jenjang Pendidikan" with no suffix
    assert str(adi.distance_km) in ("2.5", "2.50")  # "2,5"


def test_hand_made_class_list_reads_nim_as_nis_and_long_gender_words(school, tmp_path):
    summary = run(
        school, "roster", layouts.handmade_list(tmp_path / "kelas.xlsx"), create_missing=True
    )
    assert summary["ok"], summary
    bunga = Student.objects.get(school=school, nisn="0091230002")
    assert bunga.nis == "2526002" and bunga.gender == "P"
    assert bunga.school_class.name == "XI DKV"  # double space folded
    assert bunga.major.code == "DKV"
    lasara = SchoolClass.objects.get(school=school, name="Lasara")
    assert lasara.major.code == "BELUM"
    assert Student.objects.filter(school_class=lasara).count() == 2


def test_erapor_roster_template_reads_snake_case_headers_and_level(school, tmp_path):
    summary = run(
        school, "roster", layouts.erapor_roster(tmp_path / "erapor.xlsx"), create_missing=True
    )
    assert summary["ok"], summary
    citra = Student.objects.get(school=school, nisn="0081230003")
    assert citra.nis == "2526003" and citra.birth_date == dt.date(2009, 3, 12)
    assert citra.school_class.name == "XI AKL 1" and citra.school_class.grade_level == 11
    assert citra.major.code == "AKL"


def test_class_ledger_imports_scores_and_attendance_and_ignores_letter_grades(
    school, enrolled, tmp_path
):
    path = layouts.grade_ledger_with_attendance(tmp_path / "leger.xlsx")
    summary = run(school, "grades", path, term_code="2025-1", create_missing=True)
    assert summary["ok"], summary
    assert summary["rejected"] == 0
    adi = Student.objects.get(nisn="0081230001")
    scores = {g.subject.name: g.score for g in GradeRecord.objects.filter(student=adi)}
    assert len(scores) == len(layouts.LEDGER_SUBJECTS)
    assert scores["MTK"] == Decimal("83.00") and "EKSTRA" not in scores
    recap = AttendanceSummary.objects.get(student=adi, term__code="2025-1")
    assert (recap.sakit, recap.izin, recap.alpa) == (2, 0, 0)  # blank I and A are 0
    dodi = AttendanceSummary.objects.get(student__nisn="1001230004")
    assert (dodi.sakit, dodi.izin, dodi.alpa) == (0, 3, 1)
    result = parse_file(path, sniff_format(path), "grades", term_code="2025-1", max_rows=100)
    assert [h for h, _why in result.ignored] == ["EKSTRA"]


def test_kd_ledger_imports_na_per_subject_for_several_classes(school, enrolled, tmp_path):
    summary = run(school, "grades", layouts.kd_ledger(tmp_path / "kd.xlsx"), create_missing=True)
    assert summary["ok"], summary
    assert summary["rows"] == 4 and summary["rejected"] == 0
    grades = GradeRecord.objects.filter(term__code="2024-2")
    assert grades.count() == 4 * len(layouts.KD_SUBJECTS)  # only NA, never A / B / C
    assert {g.subject.name for g in grades} == set(layouts.KD_SUBJECTS)
    dodi = grades.get(student__nis="2526004", subject__name="Informatika")
    assert dodi.score == layouts.kd_na(3, 2)


def test_erapor_leger_finds_the_term_in_a_label_value_block(school, enrolled, tmp_path):
    path = layouts.erapor_leger(tmp_path / "leger.xlsx", school.npsn)
    summary = run(school, "grades", path, create_missing=True)
    assert summary["ok"], summary
    bunga = GradeRecord.objects.get(student__nisn="0091230002", subject__name="Matematika")
    assert bunga.term.code == "2025-1" and bunga.score == Decimal("78.00")


def test_walikelas_recap_sums_months_and_takes_the_semester_from_them(school, enrolled, tmp_path):
    summary = run(school, "attendance", layouts.walikelas_recap(tmp_path / "rekap.xlsx"))
    assert summary["ok"], summary
    assert summary["rows"] == 4 and summary["rejected"] == 0  # RATA-RATA footer skipped
    for i, (nisn, _nis, _name, _jk) in enumerate(layouts.PEOPLE):
        recap = AttendanceSummary.objects.get(student__nisn=nisn)
        assert recap.term.code == "2025-1"  # JULI..DESEMBER of 2025-2026
        expected = [sum(layouts.recap_sia(i, m)[k] for m in range(6)) for k in range(3)]
        assert [recap.sakit, recap.izin, recap.alpa] == expected


def test_admin_workbook_uses_the_student_sheet_and_says_why_others_were_skipped(school, tmp_path):
    path = layouts.admin_workbook(tmp_path / "admin.xlsx")
    result = parse_file(path, sniff_format(path), "roster", max_rows=1000)
    assert [t.sheet for t in result.tables] == ["Master Siswa"]
    skipped = dict(result.skipped)
    assert set(skipped) == {"Data Lulusan", "Buku Klaper", "Absen Harian", "Rekap"}
    assert all(f"Lembar {name} dilewati" in " ".join(result.warnings) for name in skipped)
    summary = run(school, "roster", path, create_missing=True)
    assert summary["ok"], summary
    assert Student.objects.filter(school=school).count() == 4
    assert not Student.objects.filter(nisn="0071239999").exists()  # a graduate
    assert Major.objects.get(school=school, code="BDP").classes.get().name == "X BDP 1"


def test_admin_workbook_sheet_chosen_in_the_preview_wins(school, tmp_path):
    path = layouts.admin_workbook(tmp_path / "admin.xlsx")
    result = parse_file(
        path, sniff_format(path), "roster", mapping={"_sheet": "Buku Klaper"}, max_rows=1000
    )
    assert [t.sheet for t in result.tables] == ["Buku Klaper"]


def test_erapor_attendance_template_with_hidden_uuid_column(school, enrolled, tmp_path):
    path = layouts.erapor_attendance(tmp_path / "absensi.xlsx")
    summary = run(school, "attendance", path, term_code="2025-2")
    assert summary["ok"], summary
    citra = AttendanceSummary.objects.get(student__nisn="0081230003")
    assert (citra.term.code, citra.sakit, citra.izin, citra.alpa) == ("2025-2", 2, 1, 0)


def test_a_file_naming_the_year_but_not_the_semester_asks_for_the_semester(tmp_path):
    path = layouts.erapor_attendance(tmp_path / "absensi.xlsx")
    with pytest.raises(FileRejected) as caught:
        parse_file(path, sniff_format(path), "attendance", max_rows=1000)
    assert caught.value.code == "term_semester"
    message = " ".join(caught.value.messages)
    assert "Ganjil 2025/2026" in message and "Genap 2025/2026" in message


@pytest.mark.parametrize(
    "text, code",
    [
        ("2025-1", "2025-1"),
        ("Ganjil 2025/2026", "2025-1"),
        ("2025/2026 Ganjil", "2025-1"),
        ("Semester 1 2025/2026", "2025-1"),
        ("Semester Genap Tahun Pelajaran 2025/2026", "2025-2"),
        ("Juli 2025", "2025-1"),
        ("Januari 2026", "2025-2"),
    ],
)
def test_terms_are_read_however_a_school_writes_them(text, code):
    assert parse_term(text) == code


def test_terms_are_shown_in_one_vocabulary():
    assert term_label("2025-1") == "Ganjil 2025/2026"
    assert term_label("2024-2") == "Genap 2024/2025"


def test_a_partial_ledger_says_so_and_leaves_its_term_unfinished_until_marked(
    school, enrolled, tmp_path, make_user
):
    for n in range(7):  # the class's major has ten subjects; the ledger below holds three
        SubjectFactory(school=school, code=f"EXTRA{n}", name=f"Mapel Lain {n}", major=None)
    for name in layouts.LEGER_SUBJECTS:
        SubjectFactory(school=school, code=name[:6].upper(), name=name, major=None)
    path = layouts.erapor_leger(tmp_path / "leger.xlsx", school.npsn)
    result = parse_file(path, sniff_format(path), "grades", max_rows=100)
    summary = run(school, "grades", path)
    assert summary["ok"], summary
    assert GradeRecord.objects.filter(term__code="2025-1").count() == 6
    status = SchoolTermStatus.objects.get(school=school, term__code="2025-1")
    assert status.complete is False
    assert (school.id, status.term_id) in incomplete_term_ids(school_ids=[school.id])
    assert not exclude_unfinished_terms(GradeRecord.objects.filter(student__school=school)).exists()
    assert result.subjects == layouts.LEGER_SUBJECTS

    operator = make_user("operator", school=school)
    term_mark_complete(school=school, term_code="2025-1", user=operator)
    assert incomplete_term_ids(school_ids=[school.id]) == set()
    assert exclude_unfinished_terms(GradeRecord.objects.all()).count() == 6


def test_a_partial_ledger_preview_counts_its_subjects(school, enrolled, tmp_path):
    from students.importing.analysis import import_analyse

    for n in range(7):
        SubjectFactory(school=school, code=f"EXTRA{n}", name=f"Mapel Lain {n}", major=None)
    path = layouts.erapor_leger(tmp_path / "leger.xlsx", school.npsn)
    analysis = import_analyse(
        school=school, kind="grades", path=path, fmt="xlsx", create_missing=True
    )
    assert (analysis.plan.subjects_in_file, analysis.plan.subjects_expected) == (3, 10)
    assert any("3 dari 10 mapel" in w for w in analysis.result.warnings)
