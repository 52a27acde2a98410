"""The import service end to end on the database: upsert, idempotency, all-or-nothing,
create-missing, scope, audit (the Celery task itself runs in test_views)."""

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files import File

from smk_dashboard.core.models import AuditEvent
from students.importing import attendance
from students.importing.command import import_file_run
from students.importing.lifecycle import (
    import_batch_analyse,
    import_batch_create,
    import_batch_process,
)
from students.models import (
    AcademicTerm,
    AttendanceRecord,
    AttendanceSummary,
    GradeRecord,
    ImportStatus,
    Major,
    Role,
    SchoolClass,
    Student,
    Subject,
)
from tests.students.factories import (
    MajorFactory,
    SchoolClassFactory,
    StudentFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
    TermFactory,
)
from tests.students.spreadsheets import roster_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def tkj(school):
    major = MajorFactory(school=school, code="TKJ", name="Teknik Komputer dan Jaringan")
    return SchoolClassFactory(school=school, major=major, name="XI TKJ 1")


def run(school, kind, path, **kwargs):
    return import_file_run(school=school, kind=kind, path=Path(path), **kwargs)


def roster(tmp_path, students, name="daftar.xlsx"):
    return write_xlsx(tmp_path / name, {"Siswa": roster_rows(students)})


BUDI = ("0081234567", "2425001", "Budi Santoso", "L", dt.date(2008, 5, 17), "XI TKJ 1")
SITI = ("0091234568", "2425002", "Siti Aminah", "P", dt.date(2009, 1, 2), "XI TKJ 1")


def test_roster_import_creates_students_in_their_class(school, tkj, tmp_path):
    summary = run(school, "roster", roster(tmp_path, [BUDI, SITI]))
    assert summary["ok"] and (summary["created"], summary["rows"]) == (2, 2)
    budi = Student.objects.get(school=school, nisn="0081234567")
    assert (budi.name, budi.gender, budi.school_class, budi.major) == (
        "Budi Santoso",
        "L",
        tkj,
        tkj.major,
    )
    assert budi.birth_date == dt.date(2008, 5, 17)


def test_the_same_file_twice_changes_nothing_the_second_time(school, tkj, tmp_path):
    path = roster(tmp_path, [BUDI, SITI])
    run(school, "roster", path)
    before = list(Student.objects.values_list("id", "updated_at").order_by("id"))
    summary = run(school, "roster", path)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 2)
    assert list(Student.objects.values_list("id", "updated_at").order_by("id")) == before


def test_a_corrected_file_updates_only_what_changed(school, tkj, tmp_path):
    run(school, "roster", roster(tmp_path, [BUDI, SITI]))
    fixed = (*SITI[:2], "Siti Aminah Putri", *SITI[3:])
    path = roster(tmp_path, [BUDI, fixed], "fixed.xlsx")
    held = run(school, "roster", path)  # a new name needs its own tick
    assert (held["updated"], held["unchanged"], held["identity_changes_held"]) == (0, 1, 1)
    assert Student.objects.get(nisn=SITI[0]).name == "Siti Aminah"
    summary = run(school, "roster", path, accept_identity_changes=True)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 1)
    assert Student.objects.get(nisn=SITI[0]).name == "Siti Aminah Putri"


def test_upsert_falls_back_to_nis_when_the_student_has_no_nisn_yet(school, tkj, tmp_path):
    student = StudentFactory(school=school, school_class=tkj, nisn="", nis="2425001", name=BUDI[2])
    summary = run(school, "roster", roster(tmp_path, [BUDI]))
    assert summary["updated"] == 1 and summary["identity_changes_held"] == 0
    student.refresh_from_db()
    assert student.nisn == "0081234567"
    assert Student.objects.count() == 1


def test_a_nis_of_a_student_with_another_nisn_is_a_conflict(school, tkj, tmp_path):
    student = StudentFactory(school=school, school_class=tkj, nisn="0000000001", nis="2425001")
    summary = run(school, "roster", roster(tmp_path, [BUDI]), valid_rows_only=True)
    assert summary["conflicts_count"] == 1 and summary["updated"] == 0
    student.refresh_from_db()
    assert student.nisn == "0000000001"


def test_blank_cells_never_erase_stored_values(school, tkj, tmp_path):
    StudentFactory(school=school, school_class=tkj, nisn=BUDI[0], nis=BUDI[1], name=BUDI[2])
    rows = [["NISN", "Nama", "Tanggal Lahir", "Kelas"], [BUDI[0], BUDI[2], None, None]]
    summary = run(school, "roster", write_csv(tmp_path / "r.csv", rows))
    assert summary["unchanged"] == 1
    assert Student.objects.get().birth_date == dt.date(2008, 5, 17)


def test_a_file_with_rejected_rows_writes_nothing(school, tkj, tmp_path):
    bad = ("00812345X7", "2425003", "Salah", "L", None, "XI TKJ 1")
    summary = run(school, "roster", roster(tmp_path, [BUDI, bad]))
    assert not summary["ok"] and summary["rejected"] == 1
    assert any("NISN tidak valid" in e for e in summary["errors"])
    assert not Student.objects.exists()


def test_import_valid_rows_only_skips_the_rejected_rows(school, tkj, tmp_path):
    bad = ("00812345X9", "2425003", "NISN Salah", "L", None, "XI TKJ 1")
    summary = run(school, "roster", roster(tmp_path, [BUDI, bad]), valid_rows_only=True)
    assert summary["ok"] and (summary["created"], summary["rejected"]) == (1, 1)
    assert list(Student.objects.values_list("nisn", flat=True)) == [BUDI[0]]


def test_unknown_class_is_rejected_unless_create_missing(school, tmp_path):
    student = ("0081234567", "1", "Budi", "L", None, "X TKR 2")
    rows = roster_rows([student])
    rows[2].append("Kompetensi Keahlian")
    rows[3].append("Teknik Kendaraan Ringan")
    path = write_xlsx(tmp_path / "r.xlsx", {"S": rows})
    summary = run(school, "roster", path)
    assert not summary["ok"]
    assert any("Kelas X TKR 2 belum terdaftar" in e for e in summary["errors"])
    assert not SchoolClass.objects.exists() and not Major.objects.exists()
    summary = run(school, "roster", path, create_missing=True)
    assert summary["ok"] and summary["created"] == 1
    created = SchoolClass.objects.get(school=school, name="X TKR 2")
    assert (created.grade_level, created.major.name, created.major.field) == (
        10,
        "Teknik Kendaraan Ringan",
        "teknik",
    )


def test_an_import_never_tells_whether_a_nisn_is_enrolled_at_another_school(
    school, other_school, graded, tmp_path
):
    # Issue 12: a NISN of another school is treated exactly like an unknown NISN.
    StudentFactory(school=other_school, nisn="0070000002", nis="99")
    rows = [["NISN", "Nama", "Matematika"], ["0070000002", "Lain", 88], ["0070000003", "X", 70]]
    summary = run(school, "grades", write_csv(tmp_path / "g.csv", rows), term_code="2024-1")
    assert [e.split(": ", 1)[1] for e in summary["errors"]] == [
        "Siswa 0070000002 belum terdaftar di sekolah ini: impor daftar siswa dulu.",
        "Siswa 0070000003 belum terdaftar di sekolah ini: impor daftar siswa dulu.",
    ]
    assert not any("sekolah lain" in e for e in summary["errors"])
    # On a roster an unknown NISN is a new student of this school, and so is this one;
    # the other school's student is not touched.
    moved = ("0070000002", "2425009", "Pindahan", "P", None, "XI TKJ 1")
    summary = run(school, "roster", roster(tmp_path, [moved]))
    assert summary["ok"] and summary["created"] == 1
    assert Student.objects.get(school=school, nisn="0070000002").name == "Pindahan"
    assert Student.objects.get(school=other_school, nisn="0070000002").nis == "99"


def test_a_file_of_another_npsn_is_refused(school, tkj, tmp_path):
    rows = [["NPSN : 99999999"], ["NISN", "Nama", "L/P"], [BUDI[0], BUDI[2], "L"]]
    summary = run(school, "roster", write_csv(tmp_path / "r.csv", rows))
    assert not summary["ok"] and "NPSN 99999999" in summary["message"]


def test_dry_run_reports_real_counts_and_writes_nothing(school, tkj, tmp_path):
    summary = run(school, "roster", roster(tmp_path, [BUDI, SITI]), dry_run=True)
    assert summary["ok"] and summary["created"] == 2
    assert not Student.objects.exists()


def leger(tmp_path, rows_by_student, title="Semester : Ganjil 2024/2025"):
    rows = [[title], ["No", "NISN", "Nama", "Matematika", None, "Bahasa Indonesia"]]
    rows.append([None, None, None, "P", "K", None])
    rows += [[i + 1, *r] for i, r in enumerate(rows_by_student)]
    return write_xlsx(tmp_path / "leger.xlsx", {"Leger": rows})


@pytest.fixture
def graded(school, tkj):
    budi = StudentFactory(school=school, school_class=tkj, nisn=BUDI[0], nis=BUDI[1], name=BUDI[2])
    siti = StudentFactory(school=school, school_class=tkj, nisn=SITI[0], nis=SITI[1], name=SITI[2])
    mtk = SubjectFactory(school=school, code="MTK", name="Matematika")
    bind = SubjectFactory(school=school, code="BIND", name="Bahasa Indonesia")
    return budi, siti, mtk, bind


def test_grade_ledger_import_is_idempotent_and_creates_the_term(school, graded, tmp_path):
    budi, siti, mtk, bind = graded
    path = leger(tmp_path, [[81234567, "Budi", 80, 85, 90], [91234568, "Siti", 70, None, 75]])
    summary = run(school, "grades", path)
    assert summary["ok"] and summary["created"] == 2
    term = AcademicTerm.objects.get(code="2024-1")
    assert (term.year, term.semester) == (2024, 1)
    scores = dict(
        GradeRecord.objects.filter(student=budi).values_list("component", "score").order_by()
    )
    assert scores == {"pengetahuan": Decimal(80), "keterampilan": Decimal(85), "akhir": 90}
    assert GradeRecord.objects.filter(student=siti).count() == 2  # blank = not graded
    again = run(school, "grades", path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert GradeRecord.objects.count() == 5


def test_corrected_ledger_updates_only_the_changed_score(school, graded, tmp_path):
    budi, *_ = graded
    run(school, "grades", leger(tmp_path, [[81234567, "Budi", 80, 85, 90]]))
    summary = run(school, "grades", leger(tmp_path, [[81234567, "Budi", 80, 86, None]]))
    assert summary["updated"] == 1 and summary["records"]["updated"] == 1
    assert GradeRecord.objects.get(student=budi, component="keterampilan").score == 86
    assert GradeRecord.objects.get(student=budi, component="akhir").score == 90  # kept


def test_scores_outside_0_100_write_nothing(school, graded, tmp_path):
    summary = run(
        school,
        "grades",
        leger(tmp_path, [[81234567, "Budi", 80, 85, 90], [91234568, "Siti", 101, 1, 1]]),
    )  # noqa: E501
    assert not summary["ok"] and not GradeRecord.objects.exists()


def test_unknown_subject_offers_create_missing(school, graded, tmp_path):
    rows = [["NISN", "Nama", "Bahasa Jawa"], [BUDI[0], "Budi", 88]]
    path = write_csv(tmp_path / "g.csv", rows)
    summary = run(school, "grades", path, term_code="2024-2")
    assert any("Bahasa Jawa belum terdaftar" in e for e in summary["errors"])
    summary = run(school, "grades", path, term_code="2024-2", create_missing=True)
    assert summary["ok"]
    assert GradeRecord.objects.get().subject == Subject.objects.get(name="Bahasa Jawa")


def test_grades_of_unknown_students_are_rejected(school, graded, tmp_path):
    rows = [["NISN", "Nama", "Matematika"], ["0000009999", "Siapa", 88]]
    summary = run(school, "grades", write_csv(tmp_path / "g.csv", rows), term_code="2024-1")
    assert any("belum terdaftar di sekolah ini" in e for e in summary["errors"])


def test_attendance_recap_creates_term_summaries(school, graded, tmp_path):
    rows = [["Semester : Genap 2024/2025"], ["NISN", "Nama", "S", "I", "A", "Hari Efektif"]]
    rows += [[BUDI[0], "Budi", 1, 2, 3, 110]]
    summary = run(school, "attendance", write_csv(tmp_path / "a.csv", rows))
    assert summary["ok"] and summary["created"] == 1
    recap = AttendanceSummary.objects.get(term__code="2024-2")
    assert (recap.sakit, recap.izin, recap.alpa, recap.school_days) == (1, 2, 3, 110)


def test_daily_grid_writes_days_and_refreshes_the_term_summary(school, graded, tmp_path):
    budi, *_ = graded
    header = ["NISN", "Nama", *range(1, 32)]
    july = [BUDI[0], "Budi", "H", "S", None, "I", "A", "A", *(["H"] * 25)]
    august = [BUDI[0], "Budi", *(["H"] * 31)]
    path = write_xlsx(
        tmp_path / "d.xlsx", {"Juli 2024": [header, july], "Agustus 2024": [header, august]}
    )  # noqa: E501
    summary = run(school, "attendance", path)
    assert summary["ok"] and summary["records"]["created"] == 30 + 31
    recap = AttendanceSummary.objects.get(student=budi, term__code="2024-1")
    assert (recap.sakit, recap.izin, recap.alpa, recap.school_days) == (1, 1, 2, 61)
    again = run(school, "attendance", path)
    assert again["unchanged"] == 2 and again["records"]["created"] == 0
    july[3] = "H"  # the sick day was a mistake
    path = write_xlsx(tmp_path / "d2.xlsx", {"Juli 2024": [header, july]})
    fixed = run(school, "attendance", path)
    assert fixed["updated"] == 1 and fixed["records"]["updated"] == 1
    recap.refresh_from_db()
    assert recap.sakit == 0 and AttendanceRecord.objects.count() == 61


def test_a_crash_mid_import_leaves_the_database_as_it_was(school, graded, tmp_path, monkeypatch):
    header = ["NISN", "Nama", *range(1, 32)]
    path = write_xlsx(
        tmp_path / "d.xlsx", {"Juli 2024": [header, [BUDI[0], "Budi", *(["H"] * 31)]]}
    )

    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(attendance, "attendance_summaries_refresh", crash)
    with pytest.raises(RuntimeError):
        run(school, "attendance", path)
    assert not AttendanceRecord.objects.exists() and not AcademicTerm.objects.exists()


def batch_for(user, kind, path, **kwargs):
    with open(path, "rb") as fh:
        batch = import_batch_create(
            school=user.school, kind=kind, file=File(fh, name=Path(path).name),
            file_name=Path(path).name, user=user, **kwargs,
        )  # fmt: skip
    # The preview is built by the Celery task; here its service runs in-process.
    return import_batch_analyse(batch_id=batch.pk)


def test_batch_keeps_the_original_file_and_its_sha256(school, tkj, make_user, tmp_path, settings):
    operator = make_user(Role.OPERATOR, school=school)
    path = roster(tmp_path, [BUDI])
    batch = batch_for(operator, "roster", path)
    assert batch.status == ImportStatus.PREVIEW and batch.rows == 1
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    stored = Path(batch.file.path)
    assert (
        stored.is_relative_to(Path(settings.MEDIA_ROOT))
        and stored.read_bytes() == path.read_bytes()
    )  # noqa: E501
    assert not Student.objects.exists()  # preview writes nothing
    batch.status = ImportStatus.QUEUED
    batch.save()
    batch = import_batch_process(batch_id=batch.pk)
    assert (batch.status, batch.created, batch.term) == (ImportStatus.DONE, 1, None)
    actions = set(
        AuditEvent.objects.filter(target_id=str(batch.pk)).values_list("action", flat=True)
    )  # noqa: E501
    assert {"import.upload", "import.done"} <= actions
    assert import_batch_process(batch_id=batch.pk).created == 1  # a second run is a no-op


def test_a_rejected_file_becomes_a_rejected_batch(school, make_user, tmp_path):
    operator = make_user(Role.OPERATOR, school=school)
    path = tmp_path / "foto.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    batch = batch_for(operator, "roster", path)
    assert batch.status == ImportStatus.REJECTED and "bukan spreadsheet" in batch.message


def test_guru_imports_grades_only_for_the_classes_and_subjects_taught(
    school, graded, tkj, make_user, tmp_path
):  # noqa: E501
    budi, siti, mtk, bind = graded
    guru = make_user(Role.GURU, school=school)
    TeachingAssignmentFactory(teacher=guru, school_class=tkj, subject=mtk, term=TermFactory())
    other_class = SchoolClassFactory(school=school, major=tkj.major)
    StudentFactory(school=school, school_class=other_class, nisn="0070000001", name="Lain")
    rows = [["Semester : Ganjil 2024/2025"], ["NISN", "Nama", "Matematika", "Bahasa Indonesia"]]
    rows += [[BUDI[0], "Budi", 80, None], ["0070000001", "Lain", 70, None], [SITI[0], "Siti", 1, 2]]
    batch = batch_for(guru, "grades", write_csv(tmp_path / "g.csv", rows))
    errors = {e["row"]: " ".join(e["errors"]) for e in batch.errors}
    assert 3 not in errors
    assert "bukan siswa kelas yang Anda ampu" in errors[4]
    assert "tidak mengajar Bahasa Indonesia" in errors[5]
    with pytest.raises(PermissionDenied):
        batch_for(guru, "roster", roster(tmp_path, [BUDI]))


def test_walikelas_imports_only_for_the_homeroom_class(school, tkj, make_user, tmp_path):
    walikelas = make_user(Role.WALIKELAS, school=school)
    tkj.homeroom_teacher = walikelas
    tkj.save()
    SchoolClassFactory(school=school, major=tkj.major, name="XI TKJ 2")
    other = (*SITI[:5], "XI TKJ 2")
    batch = batch_for(walikelas, "roster", roster(tmp_path, [BUDI, other]))
    assert [e["row"] for e in batch.errors] == [5]
    assert "bukan siswa kelas yang Anda ampu" in batch.errors[0]["errors"][0]


@pytest.mark.parametrize("role", [Role.BK, Role.KEPSEK, Role.SUDIN])
def test_other_roles_may_not_import(school, make_user, tmp_path, role):
    user = make_user(role, school=school if role != Role.SUDIN else None)
    user.school = school
    with pytest.raises(PermissionDenied):
        batch_for(user, "grades", roster(tmp_path, [BUDI]))
