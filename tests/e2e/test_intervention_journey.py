"""A counsellor's journey in Chromium at phone width: a student predicted kurang → a new
intervention → a logged session → closed with an outcome → counted in the effectiveness
report."""

from decimal import Decimal

import pytest

from interventions.cases.programmes import programme_catalogue_seed
from interventions.models import Intervention, Outcome, Status
from smk_dashboard.core.models import AuditEvent
from students.models import GradeRecord, Role
from tests.predictions.factories import PredictionFactory
from tests.students.factories import (
    SchoolFactory,
    StudentFactory,
    SubjectFactory,
    TermFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTES = "Siswa terlambat karena membantu orang tua berjualan; disepakati jadwal belajar."


@pytest.fixture
def kurang_student():
    school = SchoolFactory()
    programme_catalogue_seed(school=school)
    UserFactory(role=Role.BK, school=school, username="e2e_bk")
    student = StudentFactory(school=school, name="Rina Wulandari")
    before, after = TermFactory(year=2024, semester=1), TermFactory(year=2024, semester=2)
    subject = SubjectFactory(school=school)
    GradeRecord.objects.create(student=student, subject=subject, term=before, score=Decimal(64))
    GradeRecord.objects.create(student=student, subject=subject, term=after, score=Decimal(72))
    prediction = PredictionFactory(
        student=student, term=after, based_on_term=before, category="kurang", p_kurang=0.83
    )
    return student, prediction


def test_bk_helps_a_kurang_student_and_sees_it_in_the_effectiveness_report(
    login, live_server, kurang_student
):
    student, prediction = kurang_student
    page = login("e2e_bk")
    assert page.get_by_test_id("home-title").inner_text() == "Beranda guru BK"

    # The student predicted kurang, not yet helped, is listed with a one-step create link.
    page.goto(f"{live_server.url}/interventions/caseload/")
    unserved = page.get_by_test_id("unserved")
    assert student.name in unserved.inner_text()
    page.get_by_test_id(f"create-for-{student.pk}").click()

    # Create: the student and the prediction are already filled in.
    assert page.get_by_test_id("student-name").inner_text() == student.name
    assert "sangat tinggi, 85%" in page.get_by_test_id("prediction").inner_text()
    assert "sangat tinggi, 85%" in page.locator("#id_reason").input_value()
    page.select_option("#id_programme", label="Konseling individual")
    page.fill("#id_goal", "Rata-rata kembali di atas KKM")
    page.get_by_role("button", name="Simpan intervensi").click()
    page.wait_for_url("**/interventions/*/")
    assert page.get_by_test_id("status").inner_text() == "Direncanakan"
    assert "Perlu perhatian" in page.get_by_test_id("trigger").inner_text()

    # Log a session: it starts the intervention and shows the notes to the counsellor.
    page.get_by_test_id("add-session").click()
    page.fill("#id_notes", NOTES)
    page.get_by_role("button", name="Simpan sesi").click()
    page.wait_for_url("**/interventions/*/")
    assert page.get_by_test_id("status").inner_text() == "Berjalan"
    assert page.get_by_test_id("session-notes").inner_text() == NOTES

    # Close without an outcome: a clear message, nothing changes. Then with one.
    page.get_by_test_id("close").click()
    page.get_by_role("button", name="Tutup", exact=True).click()
    assert (
        "Pilih hasil intervensi sebelum menutupnya."
        in page.get_by_test_id("form-errors").inner_text()
    )
    page.select_option("#id_outcome", label="Membaik")
    page.fill("#id_closing_note", "Nilai harian naik, kehadiran membaik.")
    page.get_by_role("button", name="Tutup", exact=True).click()
    page.wait_for_url("**/interventions/*/")
    assert page.get_by_test_id("status").inner_text() == "Selesai"
    assert "Membaik" in page.get_by_test_id("outcome").inner_text()

    intervention = Intervention.objects.get()
    assert (intervention.status, intervention.outcome) == (Status.COMPLETED, Outcome.IMPROVED)
    assert intervention.triggered_by_id == prediction.pk
    assert AuditEvent.objects.filter(action="note.read", username="e2e_bk").exists()

    # The effectiveness report counts it: one completed, one student before (64) / after (72).
    page.goto(f"{live_server.url}/interventions/")
    page.get_by_role("link", name="Efektivitas").click()
    assert page.get_by_test_id("completed-count").inner_text() == "1"
    row = page.get_by_test_id("row-kurang-intervened")
    assert row.get_by_test_id("students").inner_text() == "1"
    assert "8.0" in row.inner_text() or "8,0" in row.inner_text()
    assert page.get_by_test_id("small-group-warning").is_visible()
    # 1 of 1: a count, never "100,0%" of a single student (issue 24, item 6).
    assert page.get_by_test_id("coverage-share").inner_text() == "1 dari 1"
