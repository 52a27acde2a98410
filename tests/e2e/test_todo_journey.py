"""Issue 24's journey: bk records a case conference with two decisions, one for the maths
teacher and one for the walikelas; each signs in and finds their to-do on their home page;
the walikelas marks theirs done; bk sees it done. With SMK_SHOTS_DIR set, the three home pages
are saved at 1366 and 390 px for a person to look at."""

import datetime as dt
import os
from pathlib import Path

import pytest

from interventions.actions.models import ActionItem
from interventions.cases import services
from interventions.cases.programmes import programme_catalogue_seed
from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.students.factories import (
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SMK_SHOTS_DIR")
TODAY = dt.date.today()


@pytest.fixture
def conference_setup():
    school = SchoolFactory()
    programme = programme_catalogue_seed(school=school)[0]
    bk = UserFactory(
        role=Role.BK, school=school, username="e2e_bk", first_name="Rina", last_name="Kusuma"
    )
    guru = UserFactory(
        role=Role.GURU, school=school, username="e2e_guru", first_name="Agus", last_name="Salim"
    )
    wali = UserFactory(
        role=Role.WALIKELAS,
        school=school,
        username="e2e_wali",
        first_name="Sri",
        last_name="Wahyuni",
    )
    klass = SchoolClassFactory(school=school, homeroom_teacher=wali, name="XI TKJ 2")
    TeachingAssignmentFactory(teacher=guru, school_class=klass)
    student = StudentFactory(school=school, school_class=klass, name="Dimas Pratama")
    intervention = services.intervention_create(
        user=bk, student=student, programme=programme, reason="Alpa dan nilai turun",
        start_date=TODAY,
    )  # fmt: skip
    return intervention, bk, guru, wali


def test_two_decisions_reach_the_guru_and_the_walikelas_and_bk_sees_one_done(
    browser, live_server, conference_setup
):
    intervention, bk, guru, wali = conference_setup

    def signed_in(username, width=390):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "rahasia-uji-123")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return context, page

    def shoot(username, name):
        if not SHOTS:
            return
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        for width in (1366, 390):
            context, page = signed_in(username, width)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
            context.close()

    # bk records the case conference on a phone: two decisions, a person from a select each.
    context, page = signed_in("e2e_bk")
    page.goto(f"{live_server.url}/interventions/{intervention.pk}/")
    page.get_by_test_id("add-case-conference").click()
    page.fill("#id_attendees", "BK, guru matematika, wali kelas, ibu")
    page.fill("#id_decisions-0-decision", "Remedial matematika setiap Selasa")
    page.select_option("#id_decisions-0-owner", label="Agus Salim (Guru mata pelajaran)")
    page.fill("#id_decisions-0-due_date", (TODAY + dt.timedelta(days=7)).isoformat())
    page.fill("#id_decisions-1-decision", "Telepon ibu tentang presensi")
    page.select_option("#id_decisions-1-owner", label="Sri Wahyuni (Wali kelas)")
    page.fill("#id_decisions-1-due_date", (TODAY + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Simpan sesi").click()
    page.wait_for_url(f"**/interventions/{intervention.pk}/")
    assert ActionItem.objects.count() == 2
    context.close()

    # The guru finds their to-do on the home page (and a notification in the bar).
    context, page = signed_in("e2e_guru")
    mine = page.get_by_test_id("my-todos")
    assert "Remedial matematika setiap Selasa" in mine.inner_text()
    assert "Telepon ibu" not in mine.inner_text()
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    context.close()
    shoot("e2e_guru", "home-guru")
    shoot("e2e_wali", "home-walikelas")

    # The walikelas marks theirs done with one click.
    context, page = signed_in("e2e_wali")
    mine = page.get_by_test_id("my-todos")
    assert "Telepon ibu tentang presensi" in mine.inner_text()
    # The guru's decision is about their class: listed, its words withheld.
    about_class = page.get_by_test_id("class-todos").inner_text()
    assert "Agus Salim" in about_class and "Remedial" not in about_class
    mine.get_by_test_id("todo-done").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Telepon ibu" not in page.get_by_test_id("my-todos").inner_text()
    context.close()
    assert AuditEvent.objects.filter(action="todo.done", user=wali).count() == 1

    # bk sees it done, on the home page and on the intervention.
    context, page = signed_in("e2e_bk")
    done = page.locator('[data-testid="given-todos"] [data-status="done"]')
    assert "Telepon ibu tentang presensi" in done.inner_text()
    assert "Sri Wahyuni" in done.inner_text()
    page.goto(f"{live_server.url}/interventions/{intervention.pk}/")
    assert page.get_by_test_id("decision-done").count() == 1
    context.close()
    shoot("e2e_bk", "home-bk")
