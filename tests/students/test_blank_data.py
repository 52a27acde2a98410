"""No data is not zero (issue 23, item 3): a wali kelas recap nobody filled in, a month left
empty, the S / I / A or a subject column of a ledger left blank import nothing, and the
preview says so with the students concerned. A blank cell counts as 0 only where the same
sheet has numbers for other students in the same month. Through the real import service,
the real preview task and the preview page."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.importers import parse_file, sniff_format
from students.importers.preview import sheets_preview
from students.importing.command import import_file_run
from students.models import (
    AttendanceRecord,
    AttendanceSummary,
    GradeRecord,
    ImportBatch,
    ImportStatus,
    Role,
)
from tests.students import layouts
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory
from tests.students.importing.test_views import build_previews
from tests.students.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(school):
    """The four made-up students of layouts.PEOPLE, already in the roster."""
    major = MajorFactory(school=school, code="AKL", name="Akuntansi dan Keuangan Lembaga")
    school_class = SchoolClassFactory(school=school, major=major, name="X AKL 1")
    for nisn, nis, name, gender in layouts.PEOPLE:
        StudentFactory(
            school=school, nisn=nisn, nis=nis, name=name, gender=gender,
            major=major, school_class=school_class,
        )  # fmt: skip
    return school_class


def run(school, kind, path, **kwargs):
    return import_file_run(school=school, kind=kind, path=Path(path), **kwargs)


ALL_MONTHS = tuple(range(6))


def test_a_recap_nobody_filled_in_imports_nothing_and_says_so(school, enrolled, tmp_path):
    path = layouts.walikelas_recap(tmp_path / "rekap.xlsx", blank_months=ALL_MONTHS)
    summary = run(school, "attendance", path)
    assert summary["ok"], summary
    assert summary["rows"] == 0 and summary["created"] == 0
    assert not AttendanceSummary.objects.exists()  # never 0 / 0 / 0 for a blank form
    assert [n["sheet"] for n in summary["no_data"]] == ["X KA 1", "X KA 2"]
    first = summary["no_data"][0]
    assert first["message"].startswith("Lembar X KA 1 tidak berisi data kehadiran")
    assert first["students"] == [
        "Adi Pratama Contoh (0081230001)",
        "Bunga Lestari Contoh (0091230002)",
    ]
    assert first["dropped"] is True


def test_a_blank_month_is_left_out_and_the_filled_ones_imported(school, enrolled, tmp_path):
    blank = (1, 2)  # AGUSTUS and SEPTEMBER never filled in
    path = layouts.walikelas_recap(tmp_path / "rekap.xlsx", blank_months=blank)
    summary = run(school, "attendance", path)
    assert summary["ok"], summary
    assert summary["rows"] == 4 and summary["created"] == 4
    for i, (nisn, _nis, _name, _jk) in enumerate(layouts.PEOPLE):
        recap = AttendanceSummary.objects.get(student__nisn=nisn)
        filled = [m for m in range(6) if m not in blank]
        expected = [sum(layouts.recap_sia(i, m)[k] for m in filled) for k in range(3)]
        assert [recap.sakit, recap.izin, recap.alpa] == expected
    messages = [n["message"] for n in summary["no_data"]]
    assert len(messages) == 2
    assert "bulan Agustus dan September tidak berisi data kehadiran" in messages[0]
    assert all(n["dropped"] is False for n in summary["no_data"])


def test_a_month_where_nobody_filled_in_still_reads_as_blank_when_only_one_month_is_filled(
    school, enrolled, tmp_path
):
    path = layouts.walikelas_recap(tmp_path / "rekap.xlsx", blank_months=(0, 1, 2, 3, 4))
    result = parse_file(path, sniff_format(path), "attendance", max_rows=1000)
    assert len(result.rows) == 4
    assert "bulan Juli, Agustus, September, Oktober dan November" in result.no_data[0].message
    shown = {c["header"]: c for c in sheets_preview(result)[0]["columns"]}
    assert shown["BULAN / JULI / S"]["why"] == "kosong untuk semua siswa"
    assert shown["BULAN / DESEMBER / S"]["used"] is True


def test_blank_cells_count_0_where_other_students_have_numbers(school, enrolled, tmp_path):
    path = layouts.erapor_attendance(tmp_path / "absensi.xlsx", blank_rows=(3,))
    summary = run(school, "attendance", path, term_code="2025-2")
    assert summary["ok"], summary
    assert summary["no_data"] == []
    dodi = AttendanceSummary.objects.get(student__nisn="1001230004")
    assert (dodi.sakit, dodi.izin, dodi.alpa) == (0, 0, 0)
    citra = AttendanceSummary.objects.get(student__nisn="0081230003")
    assert (citra.sakit, citra.izin, citra.alpa) == (2, 1, 0)


def test_a_ledger_with_blank_attendance_imports_its_scores_only(school, enrolled, tmp_path):
    path = layouts.grade_ledger_with_attendance(tmp_path / "leger.xlsx", blank_attendance=True)
    summary = run(school, "grades", path, term_code="2025-1", create_missing=True)
    assert summary["ok"], summary
    assert GradeRecord.objects.count() == 4 * len(layouts.LEDGER_SUBJECTS)
    assert not AttendanceSummary.objects.exists()
    (note,) = summary["no_data"]
    assert "kolom SAKIT, IZIN, ALPA tidak berisi data kehadiran" in note["message"]
    assert len(note["students"]) == 4 and note["dropped"] is False


def test_a_subject_column_left_blank_imports_nothing_for_it(school, enrolled, tmp_path):
    path = layouts.grade_ledger_with_attendance(tmp_path / "leger.xlsx", blank_subject="IPAS")
    result = parse_file(path, sniff_format(path), "grades", term_code="2025-1", max_rows=100)
    assert "IPAS" not in result.subjects  # nor counted in "3 dari 10 mapel"
    summary = run(school, "grades", path, term_code="2025-1", create_missing=True)
    assert summary["ok"], summary
    assert not GradeRecord.objects.filter(subject__name="IPAS").exists()
    assert GradeRecord.objects.count() == 4 * (len(layouts.LEDGER_SUBJECTS) - 1)
    assert "kolom IPAS tidak berisi nilai" in summary["no_data"][0]["message"]


def test_a_blank_cell_in_a_graded_column_stays_ungraded(school, enrolled, tmp_path):
    rows = [
        ["NISN", "Nama", "Matematika", "Sakit", "Izin", "Alpa"],
        [layouts.PEOPLE[0][0], layouts.PEOPLE[0][2], 80, 1, None, None],
        [layouts.PEOPLE[1][0], layouts.PEOPLE[1][2], None, None, None, None],
    ]
    path = write_xlsx(tmp_path / "leger.xlsx", {"Leger": rows})
    summary = run(school, "grades", path, term_code="2025-1", create_missing=True)
    assert summary["ok"] and summary["no_data"] == []
    assert GradeRecord.objects.get().student.nisn == layouts.PEOPLE[0][0]  # no fake score
    bunga = AttendanceSummary.objects.get(student__nisn=layouts.PEOPLE[1][0])
    assert (bunga.sakit, bunga.izin, bunga.alpa) == (0, 0, 0)  # others have numbers


def test_a_daily_sheet_never_filled_in_imports_nothing(school, enrolled, tmp_path):
    header = ["No", "NISN", "Nama", *range(1, 11)]
    people = layouts.PEOPLE[:2]
    filled = [header] + [[i + 1, p[0], p[2], *["H"] * 10] for i, p in enumerate(people)]
    empty = [header] + [[i + 1, p[0], p[2]] for i, p in enumerate(people)]
    path = write_xlsx(tmp_path / "harian.xlsx", {"Juli 2025": filled, "Agustus 2025": empty})
    summary = run(school, "attendance", path)
    assert summary["ok"], summary
    assert AttendanceRecord.objects.count() == 20
    assert {r.date.month for r in AttendanceRecord.objects.all()} == {7}
    (note,) = summary["no_data"]
    assert note["message"].startswith("Lembar Agustus 2025 tidak berisi data kehadiran")


def test_the_preview_of_a_blank_recap_lists_the_students_and_offers_no_import(
    client, make_user, school, enrolled, tmp_path
):
    client.force_login(make_user(Role.OPERATOR, school=school))
    path = layouts.walikelas_recap(tmp_path / "rekap.xlsx", blank_months=ALL_MONTHS)
    file = SimpleUploadedFile("rekap.xlsx", path.read_bytes())
    client.post(reverse("students:imports"), {"kind": "attendance", "file": file})
    build_previews()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.PREVIEW and batch.rows == 0
    page = client.get(reverse("students:import_detail", args=[batch.pk])).content.decode()
    assert "Lembar X KA 1 tidak berisi data kehadiran" in page
    assert "Lembar X KA 2 tidak berisi data kehadiran" in page
    for _nisn, _nis, name, _jk in layouts.PEOPLE:
        assert name in page
    assert 'data-testid="nothing-to-import"' in page
    assert 'data-testid="confirm"' not in page
    assert not AttendanceSummary.objects.exists()


def test_the_preview_folds_the_columns_a_dapodik_export_does_not_use(
    client, make_user, school, tmp_path
):
    client.force_login(make_user(Role.OPERATOR, school=school))
    path = layouts.dapodik_xlsx(tmp_path / "dapodik.xlsx")
    file = SimpleUploadedFile("dapodik.xlsx", path.read_bytes())
    client.post(reverse("students:imports"), {"kind": "roster", "file": file})
    build_previews()
    batch = ImportBatch.objects.get()
    page = client.get(reverse("students:import_detail", args=[batch.pk])).content.decode()
    used, _sep, folded = page.partition('data-testid="unused-columns"')
    assert "47 kolom tidak dipakai" in folded
    assert "<details" in used[-200:] and "<details open" not in page
    # parents' names are read (issue 24: who to call); their years of birth, NIK... are not
    assert "Data Ayah / Nama" in used and "Data Ayah / Tahun Lahir" in folded
    assert "Data orang tua (8)" in folded  # grouped by reason
    assert used.count("Nama siswa</td>") == 1  # only the student's own Nama column
    assert "19 kolom dipakai" in used
