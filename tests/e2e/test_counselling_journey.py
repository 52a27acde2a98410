"""Issue 17 at phone width (390 px): a walikelas records a violation, the threshold is
crossed, bk generates the parent letter, logs the call, holds a case conference and refers
the student out."""

import datetime as dt

import pytest

from interventions.cases.programmes import programme_catalogue_seed
from interventions.conduct.services import point_catalogue_seed
from interventions.models import CaseDecision, InterventionSession, Letter, ParentContact
from students.models import Role
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school_with_student():
    school = SchoolFactory()
    programme_catalogue_seed(school=school)
    point_catalogue_seed(school=school)
    wali = UserFactory(role=Role.WALIKELAS, school=school, username="e2e_wali")
    UserFactory(role=Role.BK, school=school, username="e2e_bk")
    klass = SchoolClassFactory(school=school, homeroom_teacher=wali, name="XI TKJ 2")
    return StudentFactory(school=school, school_class=klass, name="Dimas Pratama")


def test_from_a_violation_to_a_referral_at_phone_width(browser, live_server, school_with_student):
    student = school_with_student

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

    # The walikelas records a fight: 50 points reaches the summons threshold.
    wali_context, page = signed_in("e2e_wali")
    page.goto(f"{live_server.url}/students/{student.pk}/")
    page.get_by_test_id("record-points").click()
    page.select_option("#id_behaviour", label="Berkelahi (+50)")
    page.fill("#id_description", "Berkelahi di bengkel praktik")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/students/{student.pk}/")
    assert page.get_by_test_id("points-total").inner_text() == "Total 50 poin"
    page.goto(f"{live_server.url}/")
    assert student.name in page.get_by_test_id("point-todo").inner_text()
    wali_context.close()

    # bk opens the to-do's drafted letter and saves it: numbered, logged as a contact.
    context, page = signed_in("e2e_bk")
    page.get_by_test_id("todo-letter").click()
    assert student.name in page.locator("#id_body").input_value()
    page.get_by_role("button", name="Simpan dan beri nomor").click()
    page.wait_for_url(f"**/students/{student.pk}/")
    letter = Letter.objects.get()
    assert letter.number in page.get_by_test_id("letter-pdf").inner_text()

    # bk logs the phone call.
    page.get_by_test_id("log-contact").click()
    page.select_option("#id_channel", "telepon")
    page.fill("#id_contact_person", "Ibu Wati (ibu)")
    page.fill("#id_summary", "Ibu bersedia datang hari Senin.")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/students/{student.pk}/")
    assert "Ibu bersedia datang hari Senin." in page.get_by_test_id("parent-contacts").inner_text()
    assert ParentContact.objects.count() == 2

    # An intervention with a case conference, then a referral out.
    page.goto(f"{live_server.url}/interventions/new/?student={student.pk}")
    page.select_option("#id_programme", label="Konseling individual")
    page.fill("#id_reason", "Poin pelanggaran 50: berkelahi")
    page.get_by_role("button", name="Simpan intervensi").click()
    page.wait_for_url("**/interventions/*/")
    page.get_by_test_id("add-case-conference").click()
    page.fill("#id_attendees", "BK, wali kelas, ibu, kepala sekolah")
    page.fill("#id_decisions-0-decision", "Pendampingan mingguan")
    page.select_option("#id_decisions-0-owner", label="e2e_bk (Guru BK)")
    page.fill("#id_decisions-0-due_date", str(dt.date.today() + dt.timedelta(days=200)))
    page.get_by_role("button", name="Simpan sesi").click()
    page.wait_for_url("**/interventions/*/")
    assert "Pendampingan mingguan" in page.get_by_test_id("decisions").inner_text()
    page.get_by_test_id("add-referral").click()
    page.fill("#id_referral_to", "Puskesmas Kecamatan (psikolog)")
    page.fill("#id_referral_reason", "Emosi sulit dikendalikan")
    page.get_by_role("button", name="Simpan sesi").click()
    page.wait_for_url("**/interventions/*/")
    assert page.get_by_test_id("referral-status").inner_text() == "Dikirim"
    assert CaseDecision.objects.count() == 1
    assert InterventionSession.objects.filter(kind="referral").exists()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px)"
    context.close()
