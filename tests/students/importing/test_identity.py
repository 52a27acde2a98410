"""Identity is sacred (issue 23): a row is matched by NISN, then NIS, never across a name
that clearly disagrees; a conflict is never written, with or without "valid rows only", for
the roster, grades and attendance; the operator resolves each one in the preview. And a file
brings its own students: a ledger without gender or NISN creates them as "data belum
lengkap", a buku klaper creates only the students still at school."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.urls import reverse

from students.importing.command import import_file_run
from students.importing.conflicts import import_batch_accept_identity_changes, import_batch_resolve
from students.importing.lifecycle import (
    import_batch_analyse,
    import_batch_create,
    import_batch_process,
)
from students.models import (
    AttendanceSummary,
    GradeRecord,
    ImportBatch,
    ImportStatus,
    Role,
    Student,
)
from tests.students import layouts
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory
from tests.students.spreadsheets import roster_rows, write_xlsx

pytestmark = pytest.mark.django_db

ADI = layouts.PEOPLE[0]  # ("0081230001", "2526001", "Adi Pratama Contoh", "L")
# Another child of another school year, written in a ledger with Adi's NIS: the wrong child.
WRONG = ("0099990001", ADI[1], "Rina Anak Lain", "P")
FIELDS = ("id", "nisn", "nis", "name", "gender", "school_class_id", "major_id", "birth_date")


def run(school, kind, path, **kwargs):
    return import_file_run(school=school, kind=kind, path=Path(path), **kwargs)


def snapshot(school):
    return list(Student.objects.filter(school=school).order_by("id").values_list(*FIELDS))


@pytest.fixture
def akl(school):
    major = MajorFactory(school=school, code="AKL", name="Akuntansi dan Keuangan Lembaga")
    return SchoolClassFactory(school=school, major=major, name="X AKL 1")


@pytest.fixture
def adi(school, akl):
    nisn, nis, name, gender = ADI
    return StudentFactory(
        school=school, nisn=nisn, nis=nis, name=name, gender=gender, school_class=akl,
        major=akl.major,
    )  # fmt: skip


@pytest.fixture
def enrolled(school, akl, adi):
    for nisn, nis, name, gender in layouts.PEOPLE[1:]:
        StudentFactory(
            school=school, nisn=nisn, nis=nis, name=name, gender=gender, school_class=akl,
            major=akl.major,
        )  # fmt: skip
    return akl


def wrong_ledger(tmp_path):
    return layouts.grade_ledger_with_attendance(
        tmp_path / "leger.xlsx", people=[*layouts.PEOPLE[1:], WRONG]
    )


# --- the wrong child --------------------------------------------------------------------------


@pytest.mark.parametrize("valid_rows_only", [False, True])
def test_a_ledger_as_roster_never_gives_adi_another_childs_identity(
    school, adi, tmp_path, valid_rows_only
):
    before = snapshot(school)
    summary = run(
        school, "roster", wrong_ledger(tmp_path), create_missing=True,
        valid_rows_only=valid_rows_only,
    )  # fmt: skip
    assert summary["conflicts_count"] == 1
    conflict = summary["conflicts"][0]
    assert (conflict["nis"], conflict["nisn"], conflict["name"]) == (ADI[1], WRONG[0], WRONG[2])
    assert conflict["student_ids"] == [adi.id] and conflict["row"] == 5
    assert "NIS 2526001 milik siswa dengan NISN lain" in conflict["reason"]
    assert snapshot(school)[0] == before[0]  # Adi: name, NISN, class as they were
    assert not Student.objects.filter(nisn=WRONG[0]).exists()
    if valid_rows_only:  # the three other children come in, without gender
        assert summary["ok"] and summary["created"] == 3 and summary["updated"] == 0
    else:
        assert not summary["ok"] and snapshot(school) == before


@pytest.mark.parametrize("valid_rows_only", [False, True])
def test_grades_and_ledger_attendance_of_the_wrong_child_never_reach_adi(
    school, enrolled, adi, tmp_path, valid_rows_only
):
    summary = run(
        school, "grades", wrong_ledger(tmp_path), term_code="2025-1", create_missing=True,
        valid_rows_only=valid_rows_only,
    )  # fmt: skip
    assert summary["conflicts_count"] == 1 and summary["conflicts"][0]["student_ids"] == [adi.id]
    assert not GradeRecord.objects.filter(student=adi).exists()
    assert not AttendanceSummary.objects.filter(student=adi).exists()
    assert summary["ok"] == valid_rows_only
    if valid_rows_only:
        assert GradeRecord.objects.filter(student__nisn=layouts.PEOPLE[1][0]).exists()


@pytest.mark.parametrize("valid_rows_only", [False, True])
def test_a_recap_row_of_the_wrong_child_never_reaches_adi(
    school, enrolled, adi, tmp_path, valid_rows_only
):
    path = layouts.walikelas_recap(tmp_path / "rekap.xlsx", people=[*layouts.PEOPLE[1:], WRONG])
    summary = run(school, "attendance", path, valid_rows_only=valid_rows_only)
    assert summary["conflicts_count"] == 1
    assert not AttendanceSummary.objects.filter(student=adi).exists()
    assert AttendanceSummary.objects.count() == (3 if valid_rows_only else 0)


def test_a_nisn_under_another_name_is_a_conflict_and_a_spelling_variant_is_not(
    school, adi, tmp_path
):
    rows = roster_rows([
        (ADI[0], ADI[1], "Moh. Adi Pratama", "L", None, "X AKL 1"),  # a spelling of Adi
        ("0081230002", "2526002", "Bunga", "P", None, "X AKL 1"),
    ])  # fmt: skip
    summary = run(school, "roster", write_xlsx(tmp_path / "a.xlsx", {"S": rows}))
    assert summary["conflicts_count"] == 0 and summary["identity_changes_held"] == 1
    rows = roster_rows([(ADI[0], "", "Bunga Lestari", "P", None, "X AKL 1")])
    summary = run(school, "roster", write_xlsx(tmp_path / "b.xlsx", {"S": rows}))
    assert summary["conflicts_count"] == 1
    assert "NISN 0081230001 terdaftar atas nama lain" in summary["conflicts"][0]["reason"]
    assert Student.objects.get(pk=adi.pk).name == ADI[2]


def test_no_stored_student_is_changed_by_a_file_about_other_children(school, enrolled, tmp_path):
    before = snapshot(school)
    others = [  # other children whose NIS or NISN collide with the enrolled ones
        ("0099990001", layouts.PEOPLE[0][1], "Rina Anak Lain", "P", None, "XI TKJ 1"),
        (layouts.PEOPLE[1][0], "9990002", "Sari Anak Lain", "P", None, "XI TKJ 1"),
        (layouts.PEOPLE[2][0], layouts.PEOPLE[3][1], "Tono Anak Lain", "L", None, "XI TKJ 1"),
        ("0099990004", "9990004", "Udin Anak Baru", "L", None, "XI TKJ 1"),
    ]
    path = write_xlsx(tmp_path / "lain.xlsx", {"S": roster_rows(others)})
    summary = run(school, "roster", path, create_missing=True, valid_rows_only=True)
    assert summary["conflicts_count"] == 3 and summary["created"] == 1
    assert snapshot(school)[: len(before)] == before


# --- within one file ---------------------------------------------------------------------------


def test_the_same_nisn_under_two_names_in_one_workbook_is_a_conflict(school, akl, tmp_path):
    one = [(ADI[0], ADI[1], ADI[2], "L", None, "X AKL 1")]
    two = [(ADI[0], "", "Bunga Lestari Contoh", "P", None, "X AKL 1")]
    path = write_xlsx(tmp_path / "dua.xlsx", {"A": roster_rows(one), "B": roster_rows(two)})
    summary = run(school, "roster", path, valid_rows_only=True)
    assert summary["conflicts_count"] == 2 and summary["created"] == 0
    assert "juga dipakai baris" in summary["conflicts"][0]["reason"]
    assert not Student.objects.exists()


def test_a_student_repeated_on_two_sheets_is_counted_once(school, akl, tmp_path):
    adi = [(ADI[0], ADI[1], ADI[2], "L", None, "X AKL 1")]
    path = write_xlsx(tmp_path / "dua.xlsx", {"A": roster_rows(adi), "B": roster_rows(adi)})
    summary = run(school, "roster", path)
    assert summary["ok"] and (summary["rows"], summary["created"], summary["repeats"]) == (1, 1, 1)
    assert Student.objects.count() == 1


# --- a file brings its own students -------------------------------------------------------------


def test_a_ledger_without_gender_creates_its_students_as_incomplete(
    school, make_user, client, tmp_path
):
    path = layouts.grade_ledger_with_attendance(tmp_path / "leger.xlsx")
    summary = run(school, "roster", path, create_missing=True)
    assert summary["ok"] and summary["created"] == 4 and summary["incomplete_count"] == 4
    assert summary["incomplete"][0]["missing"] == ["gender"]
    assert set(Student.objects.values_list("gender", flat=True)) == {""}
    client.force_login(make_user(Role.OPERATOR, school=school))
    page = client.get(reverse("students:import_setup"))
    assert page.context["incomplete"]["total"] == 4 and page.context["incomplete"]["gender"] == 4
    html = page.content.decode()
    assert "Data belum lengkap" in html and "4 tanpa jenis kelamin" in html


def test_a_per_kd_ledger_with_nis_only_creates_students_that_dapodik_completes(school, tmp_path):
    summary = run(school, "roster", layouts.kd_ledger(tmp_path / "kd.xlsx"), create_missing=True)
    assert summary["ok"] and summary["created"] == 4 and summary["incomplete_count"] == 4
    assert summary["incomplete"][0]["missing"] == ["nisn"]
    assert set(Student.objects.values_list("nisn", flat=True)) == {""}
    # the Dapodik export later fills the NISN in, matched by NIS and name: no conflict
    dapodik = layouts.dapodik_xlsx(tmp_path / "dapodik.xlsx")
    summary = run(school, "roster", dapodik, create_missing=True)
    assert summary["ok"] and summary["conflicts_count"] == 0 and summary["created"] == 0
    assert Student.objects.get(nis=ADI[1]).nisn == ADI[0]


def test_a_klaper_creates_only_current_students_and_counts_the_others(school, tmp_path):
    path = layouts.klaper_register(tmp_path / "klaper.xlsx")
    summary = run(school, "roster", path, term_code="2025-1", create_missing=True)
    assert summary["ok"] and summary["created"] == 4 and summary["former_skipped"] == 3
    assert set(Student.objects.values_list("nisn", flat=True)) == {p[0] for p in layouts.PEOPLE}
    batch = ImportBatch.objects.get()
    reasons = dict(batch.preview["identity"]["former"]["reasons"])
    assert reasons == {
        "sudah keluar atau lulus (tahun keluar terisi)": 1,
        "statusnya lulus, mutasi atau keluar": 1,
        "masuk tahun 2021, lebih dari 3 tahun lalu": 1,
    }


# --- the operator resolves each conflict --------------------------------------------------------


def preview(user, kind, path, **kwargs):
    with open(path, "rb") as fh:
        batch = import_batch_create(
            school=user.school, kind=kind, file=File(fh, name=Path(path).name),
            file_name=Path(path).name, user=user, **kwargs,
        )  # fmt: skip
    return import_batch_analyse(batch_id=batch.pk)


def answer(batch, choices, user):
    import_batch_resolve(batch=batch, choices=choices, user=user)
    return import_batch_analyse(batch_id=batch.pk)


def confirm_and_run(batch, valid_rows_only=True):
    batch.valid_rows_only, batch.status = valid_rows_only, ImportStatus.QUEUED
    batch.save()
    return import_batch_process(batch_id=batch.pk)


def test_skip_and_new_student_choices_leave_adi_unchanged(school, adi, make_user, tmp_path):
    operator = make_user(Role.OPERATOR, school=school)
    batch = preview(operator, "roster", wrong_ledger(tmp_path), create_missing=True)
    [conflict] = batch.preview["identity"]["conflicts"]
    assert conflict["file"]["name"] == WRONG[2] and conflict["stored"][0]["name"] == ADI[2]
    assert conflict["choices"] == [f"student:{adi.pk}", "new", "skip"]
    before = snapshot(school)[0]
    batch = answer(batch, {conflict["key"]: "skip"}, operator)
    assert batch.preview["identity"]["conflicts_total"] == 0 and batch.rejected == 0
    [skipped] = batch.preview["identity"]["skipped_rows"]
    assert (skipped["key"], skipped["row"]) == (conflict["key"], "5")
    batch = answer(batch, {conflict["key"]: ""}, operator)  # changed their mind: undo
    assert batch.preview["identity"]["conflicts_total"] == 1
    batch = answer(batch, {conflict["key"]: "new"}, operator)
    assert batch.preview["identity"]["outcomes"]["new"] == 4
    batch = confirm_and_run(batch, valid_rows_only=False)
    assert batch.status == ImportStatus.DONE and batch.created == 4
    assert snapshot(school)[0] == before
    rina = Student.objects.get(nisn=WRONG[0])
    assert (rina.name, rina.nis) == (WRONG[2], "")  # Adi's NIS stays Adi's


def test_this_student_is_refused_while_the_nisn_belongs_to_another(
    school, enrolled, adi, make_user, tmp_path
):
    operator = make_user(Role.OPERATOR, school=school)
    bunga = Student.objects.get(nisn=layouts.PEOPLE[1][0])
    row = (bunga.nisn, ADI[1], "Rina Anak Lain", "P", None, "X AKL 1")
    batch = preview(operator, "roster", write_xlsx(tmp_path / "r.xlsx", {"S": roster_rows([row])}))
    [conflict] = batch.preview["identity"]["conflicts"]
    assert {s["id"] for s in conflict["stored"]} == {adi.pk, bunga.pk}
    batch = answer(batch, {conflict["key"]: f"student:{adi.pk}"}, operator)
    [conflict] = batch.preview["identity"]["conflicts"]
    assert "milik siswa lain" in conflict["refused"] and batch.rejected == 1


def test_a_walikelas_never_reaches_another_class_through_a_conflict(
    school, adi, make_user, tmp_path
):
    walikelas = make_user(Role.WALIKELAS, school=school)
    own = SchoolClassFactory(school=school, major=adi.major, name="X AKL 2")
    own.homeroom_teacher = walikelas
    own.save()
    row = ("0099990001", ADI[1], "Rina Anak Lain", "P", None, "X AKL 2")
    batch = preview(walikelas, "roster", write_xlsx(tmp_path / "r.xlsx", {"S": roster_rows([row])}))
    [conflict] = batch.preview["identity"]["conflicts"]
    assert conflict["stored"] == [{"id": None, "hidden": True}]  # not Adi's name or NISN
    assert f"student:{adi.pk}" not in conflict["choices"]
    with pytest.raises(ValidationError):
        import_batch_resolve(
            batch=batch, choices={conflict["key"]: f"student:{adi.pk}"}, user=walikelas
        )


def test_a_name_change_is_applied_only_with_its_own_tick(school, adi, make_user, tmp_path):
    operator = make_user(Role.OPERATOR, school=school)
    rows = roster_rows([(ADI[0], ADI[1], "Adi Pratama Contoh Putra", "L", None, "X AKL 1")])
    path = write_xlsx(tmp_path / "r.xlsx", {"S": rows})
    batch = preview(operator, "roster", path)
    identity = batch.preview["identity"]
    assert identity["identity_total"] == 1
    change = identity["identity_changes"][0]["changes"]
    assert change == [["name", ADI[2], "Adi Pratama Contoh Putra"]]
    batch = confirm_and_run(batch)
    assert (batch.updated, batch.preview["identity"]["held"]) == (0, 1)
    assert Student.objects.get(pk=adi.pk).name == ADI[2]
    batch = preview(operator, "roster", path)
    import_batch_accept_identity_changes(batch=batch, accept=True)
    batch = confirm_and_run(batch)
    assert batch.updated == 1 and Student.objects.get(pk=adi.pk).name.endswith("Putra")


def test_the_preview_shows_conflicts_side_by_side_and_the_resolve_view_stores_the_choice(
    school, adi, make_user, client, tmp_path
):
    operator = make_user(Role.OPERATOR, school=school)
    batch = preview(operator, "roster", wrong_ledger(tmp_path), create_missing=True)
    client.force_login(operator)
    html = client.get(reverse("students:import_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="identity-conflicts"' in html
    assert WRONG[2] in html and ADI[2] in html and "Lewati baris ini" in html
    key = batch.preview["identity"]["conflicts"][0]["key"]
    client.post(reverse("students:import_resolve", args=[batch.pk]), {f"row:{key}": "skip"})
    batch.refresh_from_db()
    assert batch.mapping["_identity"] == {key: "skip"} and batch.status == ImportStatus.ANALYSING
