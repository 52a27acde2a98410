"""The pages around the real layouts: the term picked from a list, a file that names only its
school year asks for the semester and keeps the file, and the operator page that puts classes
under their real major and marks unfinished terms complete."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.importing.command import import_file_run
from students.models import ImportBatch, ImportStatus, Role, SchoolClass, SchoolTermStatus, Student
from students.tasks import import_batch_analyse_task
from tests.students import layouts
from tests.students.factories import MajorFactory, SchoolClassFactory, StudentFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user, school):
    return make_user(Role.OPERATOR, school=school)


def post_file(client, path: Path, kind: str, **data):
    file = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("students:imports"), {"kind": kind, "file": file, **data})


def analysed(batch: ImportBatch) -> ImportBatch:
    """The worker's half of an upload or a new mapping: the preview task, run here."""
    import_batch_analyse_task.apply(args=[batch.pk])
    batch.refresh_from_db()
    return batch


def test_upload_form_offers_terms_as_people_read_them(client, operator):
    client.force_login(operator)
    page = client.get(reverse("students:imports")).content.decode()
    assert '<option value="2024-1">Ganjil 2024/2025</option>' in page
    assert 'data-testid="setup-link"' in page


def test_upload_accepts_a_term_written_in_words(client, operator, tmp_path):
    client.force_login(operator)
    path = layouts.dapodik_xlsx(tmp_path / "dapodik.xlsx")
    response = post_file(client, path, "roster", term="Ganjil 2024/2025", create_missing="on")
    assert response.status_code == 302
    assert ImportBatch.objects.get().term_code == "2024-1"


def test_a_file_with_only_its_school_year_asks_for_the_semester_and_keeps_the_file(
    client, operator, school, tmp_path
):
    major = MajorFactory(school=school, code="TKJ")
    school_class = SchoolClassFactory(school=school, major=major, name="XI TKJ 1")
    for nisn, nis, name, gender in layouts.PEOPLE:
        StudentFactory(
            school=school, nisn=nisn, nis=nis, name=name, gender=gender,
            major=major, school_class=school_class,
        )  # fmt: skip
    client.force_login(operator)
    response = post_file(client, layouts.erapor_attendance(tmp_path / "a.xlsx"), "attendance")
    batch = analysed(ImportBatch.objects.get())
    assert batch.status == ImportStatus.REJECTED
    page = client.get(response.url).content.decode()
    assert "Genap 2025/2026" in batch.message and 'data-testid="term-retry-form"' in page

    client.post(reverse("students:import_mapping", args=[batch.pk]), {"term": "2025-2"})
    batch = analysed(batch)
    assert batch.status == ImportStatus.PREVIEW and batch.term_code == "2025-2"
    assert batch.rows == 4 and batch.rejected == 0
    assert "Genap 2025/2026" in client.get(response.url).content.decode()


def test_operator_moves_an_unassigned_class_and_its_students_to_a_major(
    client, operator, school, tmp_path
):
    path = layouts.handmade_list(tmp_path / "kelas.xlsx")
    assert import_file_run(school=school, kind="roster", path=path, create_missing=True)["ok"]
    lasara = SchoolClass.objects.get(school=school, name="Lasara")
    client.force_login(operator)
    page = client.get(reverse("students:import_setup")).content.decode()
    assert "Lasara" in page and 'data-testid="unassigned-classes"' in page

    client.post(
        reverse("students:import_setup"),
        {"action": "major", "code": "tkj", "name": "Teknik Komputer dan Jaringan",
         "field": "teknik"},
    )  # fmt: skip
    tkj = school.majors.get(code="TKJ")
    client.post(
        reverse("students:import_setup"),
        {"action": "assign", "school_class": lasara.pk, "major": tkj.pk},
    )
    lasara.refresh_from_db()
    assert lasara.major == tkj
    assert set(
        Student.objects.filter(school_class=lasara).values_list("major__code", flat=True)
    ) == {"TKJ"}
    page = client.get(reverse("students:import_setup")).content.decode()
    assert 'data-testid="no-unassigned"' in page


def test_operator_marks_an_unfinished_term_complete(client, operator, school):
    term = TermFactory(code="2025-1", year=2025, semester=1)
    SchoolTermStatus.objects.create(school=school, term=term, complete=False)
    client.force_login(operator)
    assert "Ganjil 2025/2026" in client.get(reverse("students:import_setup")).content.decode()
    client.post(reverse("students:import_setup"), {"action": "complete", "term": "2025-1"})
    status = SchoolTermStatus.objects.get()
    assert status.complete and status.marked_by == operator


@pytest.mark.parametrize("role", [Role.WALIKELAS, Role.GURU, Role.BK])
def test_only_operators_open_the_setup_page(client, make_user, school, role):
    client.force_login(make_user(role, school=school))
    assert client.get(reverse("students:import_setup")).status_code == 403
    response = client.post(reverse("students:import_setup"), {"action": "complete", "term": "x"})
    assert response.status_code == 403


def test_an_operator_never_moves_another_schools_class(client, operator, other_school):
    foreign = SchoolClassFactory(school=other_school)
    mine = MajorFactory(school=operator.school)
    client.force_login(operator)
    response = client.post(
        reverse("students:import_setup"),
        {"action": "assign", "school_class": foreign.pk, "major": mine.pk},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.major != mine


def test_the_user_chooses_the_sheet_in_the_preview(client, operator, tmp_path):
    client.force_login(operator)
    response = post_file(
        client, layouts.admin_workbook(tmp_path / "admin.xlsx"), "roster", create_missing="on"
    )
    batch = analysed(ImportBatch.objects.get())
    assert [s["name"] for s in batch.preview["sheets"]] == ["Master Siswa"]
    page = client.get(response.url).content.decode()
    assert 'data-testid="map-sheet"' in page and "Lembar Data Lulusan dilewati" in page
    client.post(
        reverse("students:import_mapping", args=[batch.pk]),
        {"sheet": "Buku Klaper", "create_missing": "on"},
    )
    batch = analysed(batch)
    assert [s["name"] for s in batch.preview["sheets"]] == ["Buku Klaper"]
    assert batch.mapping == {"_sheet": "Buku Klaper"}
