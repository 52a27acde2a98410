"""Issue 14 at phone width (390 px): a subject teacher notes something on the profile and
refers the student to bk; the counsellor sees the referral on the home page, accepts it into
a pre-filled intervention, logs the first session (which starts it); the teacher sees the
status. Set SMK_E2E_SHOTS=DIR to keep screenshots of each step."""

import os

import pytest

from interventions.cases.programmes import programme_catalogue_seed
from interventions.models import BkReferral, Intervention, Status
from students.models import Role
from tests.predictions.factories import PredictionFactory
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Alpa tiga kali minggu ini, bilang bantu orang tua jualan."


@pytest.fixture
def school_with_student():
    school = SchoolFactory()
    programme_catalogue_seed(school=school)
    wali = UserFactory(role=Role.WALIKELAS, school=school, username="e2e_wali")
    guru = UserFactory(role=Role.GURU, school=school, username="e2e_guru")
    UserFactory(role=Role.BK, school=school, username="e2e_bk")
    klass = SchoolClassFactory(school=school, homeroom_teacher=wali, name="XI TKJ 2")
    TeachingAssignmentFactory(teacher=guru, school_class=klass)
    student = StudentFactory(school=school, school_class=klass, name="Dimas Pratama")
    PredictionFactory(student=student)
    return student


def test_a_teacher_refers_and_the_counsellor_accepts_at_phone_width(
    browser, live_server, school_with_student
):
    student = school_with_student
    shots = os.environ.get("SMK_E2E_SHOTS")

    def shot(page, name):
        if shots:
            page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)

    def signed_in(username):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "rahasia-uji-123")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return context, page

    def no_sideways_scroll(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width

    # The subject teacher refers the student from the risk list.
    guru_context, page = signed_in("e2e_guru")
    page.goto(f"{live_server.url}/students/risk/")
    page.get_by_test_id("row-refer-to-bk").first.click()
    page.fill("#id_reason", REASON)
    shot(page, "1-guru-referral-form")
    no_sideways_scroll(page)
    page.get_by_test_id("referral-submit").click()
    page.wait_for_url(f"**/students/{student.pk}/")
    status = page.get_by_test_id("bk-referral-status")
    assert status.inner_text() == "Menunggu BK"
    shot(page, "2-guru-profile-waiting")

    # The counsellor sees it on the home page and accepts it into an intervention.
    context, page = signed_in("e2e_bk")
    todo = page.get_by_test_id("open-referral")
    assert student.name in todo.inner_text() and REASON in todo.inner_text()
    shot(page, "3-bk-home")
    no_sideways_scroll(page)
    todo.get_by_test_id("accept-referral").click()
    assert REASON in page.input_value("#id_reason")
    page.select_option("#id_programme", label="Konseling individual")
    page.fill("#id_goal", "Hadir setiap hari")
    shot(page, "4-bk-accept-form")
    page.get_by_role("button", name="Simpan intervensi").click()
    page.wait_for_url("**/interventions/*/")
    assert not page.get_by_role("button", name="Mulai").count()
    page.get_by_test_id("add-session").click()
    assert "Hadir setiap hari" in page.get_by_test_id("session-goal").inner_text()
    shot(page, "5-bk-session-form")
    page.fill("#id_notes", "Siswa bercerita membantu orang tua berjualan pagi hari.")
    page.get_by_role("button", name="Simpan sesi").click()
    page.wait_for_url("**/interventions/*/")
    intervention = Intervention.objects.get()
    assert intervention.status == Status.IN_PROGRESS
    assert BkReferral.objects.get().intervention == intervention
    context.close()

    # The teacher sees the referral accepted.
    page = guru_context.new_page()
    page.goto(f"{live_server.url}/students/{student.pk}/")
    assert page.get_by_test_id("bk-referral-status").inner_text() == "Diterima BK"
    shot(page, "6-guru-profile-accepted")
    guru_context.close()
