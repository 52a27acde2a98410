"""Issue 24, item 1: to-dos. A case conference's decisions become the to-dos of named staff,
shown on their home pages (overdue first); done, reassign and reschedule are one POST each
and audited; nobody reads a decision they may not read."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from interventions.actions import selectors, services
from interventions.actions.models import ActionItem, ActionStatus
from interventions.cases import session_services
from interventions.contacts import services as contact_services
from interventions.models import CaseDecision, InterventionSession
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.core.notifications import Notification
from tests.interventions.factories import InterventionFactory
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SECRET = "Ayah kehilangan pekerjaan; siswa bekerja malam"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def intervention(bk, student, programme):
    return InterventionFactory(
        student=student, programme=programme, owner=bk, start_date=TODAY, next_follow_up=TODAY
    )


@pytest.fixture
def conference(intervention, bk, guru, walikelas):
    """A case conference with a decision for the guru and one for the walikelas."""
    return session_services.session_record(
        intervention=intervention,
        user=bk,
        date=TODAY,
        kind="case_conference",
        attendees="BK, guru matematika, wali kelas, ibu",
        notes=SECRET,
        decisions=[
            {"decision": "Remedial matematika tiap Selasa", "owner": guru,
             "due_date": TODAY + dt.timedelta(days=7)},
            {"decision": "Telepon ibu tentang presensi", "owner": walikelas,
             "due_date": TODAY + dt.timedelta(days=3)},
        ],
    )  # fmt: skip


def todo_of(user) -> ActionItem:
    return ActionItem.objects.get(owner=user)


def test_each_decision_is_the_to_do_of_its_person_on_their_home_page(
    conference, guru, walikelas, bk
):
    for user, text in ((guru, "Remedial matematika"), (walikelas, "Telepon ibu")):
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="home-todos"' in page and text in page
        assert SECRET not in page  # the decision, never the counselling notes
    # Both were told.
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        guru.username,
        walikelas.username,
    }
    given = client_for(bk).get("/").content.decode()
    assert 'data-testid="given-todos"' in given and "Remedial matematika" in given


def test_the_walikelas_sees_their_class_to_dos_but_not_the_text_of_others_decisions(
    conference, walikelas, guru
):
    rows = selectors.class_todos(user=walikelas)
    assert [(r.owner, r.text, r.source_label) for r in rows] == [
        (guru, None, "Keputusan konferensi kasus")
    ]
    page = client_for(walikelas).get("/").content.decode()
    assert 'data-testid="class-todos"' in page and "Remedial matematika" not in page


def test_the_walikelas_marks_done_and_bk_sees_it_done_audited(conference, walikelas, bk):
    item = todo_of(walikelas)
    response = client_for(walikelas).post(f"/interventions/todos/{item.pk}/done/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE and item.done_by == walikelas
    assert CaseDecision.objects.get(pk=item.decision_id).done_at == TODAY
    assert AuditEvent.objects.filter(action="todo.done", user=walikelas).count() == 1
    detail = client_for(bk).get(f"/interventions/{item.intervention_id}/").content.decode()
    assert 'data-testid="decision-done"' in detail
    assert [
        (r.status, r.owner) for r in selectors.given_todos(user=bk) if r.owner == walikelas
    ] == [("done", walikelas)]
    assert "Telepon ibu" not in client_for(walikelas).get("/").content.decode()


def test_others_cannot_touch_a_to_do_and_get_on_with_get(conference, guru, walikelas):
    item = todo_of(walikelas)
    assert client_for(guru).post(f"/interventions/todos/{item.pk}/done/").status_code == 404
    assert client_for(walikelas).get(f"/interventions/todos/{item.pk}/done/").status_code == 405
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN


def test_reassign_notifies_the_new_owner_and_reschedule_refuses_the_past(
    conference, guru, walikelas, bk, kepsek
):
    item = todo_of(guru)
    client = client_for(bk)
    client.post(f"/interventions/todos/{item.pk}/reassign/", {"owner": kepsek.pk})
    item.refresh_from_db()
    assert item.owner == kepsek
    assert Notification.objects.filter(user=kepsek, kind="todo").count() == 1
    assert CaseDecision.objects.get(pk=item.decision_id).owner == kepsek
    past = (TODAY - dt.timedelta(days=1)).isoformat()
    client.post(f"/interventions/todos/{item.pk}/reschedule/", {"due_date": past})
    item.refresh_from_db()
    assert item.due_date == TODAY + dt.timedelta(days=7)
    later = TODAY + dt.timedelta(days=30)
    client.post(f"/interventions/todos/{item.pk}/reschedule/", {"due_date": later.isoformat()})
    item.refresh_from_db()
    assert item.due_date == later
    actions = set(
        AuditEvent.objects.filter(target_id=str(item.pk)).values_list("action", flat=True)
    )
    assert {"todo.create", "todo.reassign", "todo.reschedule"} <= actions


def test_a_to_do_cannot_go_to_someone_outside_the_school_staff(conference, guru, student):
    outsider = StudentFactory().school  # another school
    from tests.students.factories import UserFactory

    stranger = UserFactory(school=outsider, role="guru", username="gx")
    with pytest.raises(ValidationError, match="staf sekolah ini"):
        services.action_item_reassign(user=guru, item=todo_of(guru), owner=stranger)


def test_overdue_to_dos_come_first(bk, guru, student):
    for days in (5, -2, 1):
        services.action_item_create(
            student=student, owner=guru, source="contact", text=f"Hubungi {days}",
            due_date=TODAY + dt.timedelta(days=days), created_by=bk,
        )  # fmt: skip
    rows = selectors.my_todos(user=guru)
    assert [(r.text, r.overdue) for r in rows] == [
        ("Hubungi -2", True),
        ("Hubungi 1", False),
        ("Hubungi 5", False),
    ]


def test_a_contact_follow_up_date_is_a_to_do_without_the_summary(walikelas, student):
    contact_services.parent_contact_record(
        user=walikelas, student=student, date=TODAY, channel="telepon",
        contact_person="Ibu Wati", summary=SECRET, follow_up="Tanyakan hasil ke dokter",
        follow_up_date=TODAY + dt.timedelta(days=5),
    )  # fmt: skip
    item = todo_of(walikelas)
    assert (item.source, item.text, item.contact.follow_up_date) == (
        "contact",
        "Tanyakan hasil ke dokter",
        TODAY + dt.timedelta(days=5),
    )


def test_a_bad_decision_owner_writes_nothing(intervention, bk):
    with pytest.raises(ValidationError):
        session_services.session_record(
            intervention=intervention, user=bk, date=TODAY, kind="case_conference",
            attendees="BK", decisions=[{"decision": "X", "owner": 99999, "due_date": TODAY}],
        )  # fmt: skip
    assert not InterventionSession.objects.exists() and not ActionItem.objects.exists()


def test_decisions_typed_before_issue_24_become_to_dos_where_the_name_matches(
    intervention, bk, walikelas
):
    walikelas.first_name, walikelas.last_name = "Sri", "Wahyuni"
    walikelas.save()
    session = InterventionSession.objects.create(
        intervention=intervention, date=TODAY, kind="case_conference", created_by=bk
    )
    matched = CaseDecision.objects.create(
        session=session, decision="Kunjungan rumah", responsible="sri  wahyuni", due_date=TODAY
    )
    kept = CaseDecision.objects.create(
        session=session, decision="Jadwal belajar", responsible="Orang tua", due_date=TODAY
    )
    import_module("interventions.migrations.0013_case_decisions_to_action_items").forwards(
        apps, None
    )
    matched.refresh_from_db()
    kept.refresh_from_db()
    assert matched.owner == walikelas and kept.owner is None
    assert [(a.owner, a.text, a.created_by) for a in ActionItem.objects.all()] == [
        (walikelas, "Kunjungan rumah", bk)
    ]


def test_a_referral_waiting_for_bk_is_on_bks_to_do_list_overdue_after_three_days(
    bk, walikelas, student
):
    from interventions.models import BkReferral

    referral = BkReferral.objects.create(
        school=student.school, student=student, referred_by=walikelas, reason=SECRET
    )
    BkReferral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - dt.timedelta(days=4)
    )
    page = client_for(bk).get("/").content.decode()
    mine = page.split('data-testid="my-todos"')[1].split("</ul>")[0]
    assert "Jawab rujukan dari" in mine and 'data-testid="todo-overdue"' in mine
    assert SECRET not in mine  # the reason is read on the caseload page
