"""Issue 24, parents reachable, in Chromium: a wali kelas whose phone is set to English opens
a student's profile and finds it in Indonesian, with the parents' names and number; the
"WhatsApp" button leads to a neutral message, and sending it logs the contact before
WhatsApp opens. A subject teacher's profile of the same student has no parents block. At
1366 and 390 px; set SMK_E2E_SHOTS=DIR to keep screenshots."""

import os

import pytest

from interventions.contacts.models import ParentContact
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
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def student():
    school = SchoolFactory(name="SMK Negeri 9 Contoh")
    wali = UserFactory(
        role=Role.WALIKELAS, school=school, username="e2e_wali", first_name="Rina", last_name="W"
    )
    guru = UserFactory(role=Role.GURU, school=school, username="e2e_guru")
    klass = SchoolClassFactory(school=school, homeroom_teacher=wali, name="XI TKJ 2")
    TeachingAssignmentFactory(teacher=guru, school_class=klass)
    student = StudentFactory(
        school=school,
        school_class=klass,
        name="Dimas Pratama",
        father_name="Slamet Riyadi",
        mother_name="Sri Wahyuni",
        parent_phone="+6281234567890",
        guardian_name="Bibi Ani",
        guardian_phone="+62217654321",
    )
    PredictionFactory(student=student)
    return student


def signed_in(browser, live_server, username, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-uji-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


@pytest.mark.parametrize("layout", list(WIDTHS))
def test_the_walikelas_calls_the_parents_and_the_teacher_never_sees_them(
    browser, live_server, student, layout
):
    shots = os.environ.get("SMK_E2E_SHOTS")

    def shot(page, name):
        if shots:
            page.screenshot(path=os.path.join(shots, f"{name}-{layout}.png"), full_page=True)

    context, page = signed_in(browser, live_server, "e2e_wali", WIDTHS[layout])
    page.goto(f"{live_server.url}/students/{student.pk}/")
    assert page.locator("html").get_attribute("lang") == "id"  # the browser asks for English
    page.get_by_test_id("jump-parents").click()  # near the top: the parents are far below
    block = page.get_by_test_id("parents")
    assert block.is_visible()
    assert "Slamet Riyadi" in block.inner_text() and "0812-3456-7890" in block.inner_text()
    assert "021-7654321" in block.inner_text()
    assert block.get_by_test_id("whatsapp").count() == 1  # the landline has none
    shot(page, "profile-walikelas")

    block.get_by_test_id("whatsapp").click()
    message = page.locator("textarea[name=message]")
    draft = message.input_value()
    assert "Slamet Riyadi" in draft and "Dimas Pratama" in draft and "kurang" not in draft
    shot(page, "whatsapp-form")
    assert not ParentContact.objects.exists()
    message.fill(draft + " Boleh besok pukul 10?")
    # the POST answers with a redirect to WhatsApp (unreachable here: the request is enough)
    with page.expect_request(lambda r: r.url.startswith("https://wa.me/")) as wa:
        page.get_by_test_id("whatsapp-open").click()
    assert wa.value.url.startswith("https://wa.me/6281234567890?text=")
    assert wa.value.redirected_from is not None  # after the POST that logged the contact
    contact = ParentContact.objects.get()
    assert contact.channel == "whatsapp" and "Boleh besok" in contact.summary
    page = context.new_page()  # the first tab went on to (unreachable) WhatsApp
    page.goto(f"{live_server.url}/students/{student.pk}/")
    assert page.get_by_test_id("parent-contact").count() == 1
    context.close()

    context, page = signed_in(browser, live_server, "e2e_guru", WIDTHS[layout])
    page.goto(f"{live_server.url}/students/{student.pk}/")
    assert page.get_by_test_id("student-name").inner_text() == "Dimas Pratama"
    assert page.get_by_test_id("parents").count() == 0
    assert page.get_by_test_id("jump-parents").count() == 0
    text = page.content()
    assert "Slamet" not in text and "3456" not in text and "wa.me" not in text
    shot(page, "profile-guru")
    context.close()
