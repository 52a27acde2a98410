"""/api/v1/interventions/…: the role rules of the pages (interventions/cases/permissions.py), the
services for every write, counselling notes only for bk of the school and the owner, each
read of notes audited as `note.read`, and 404 across schools."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from interventions.actions.models import ActionItem
from interventions.cases import services
from interventions.cases.programmes import programme_catalogue_seed
from interventions.models import Intervention, Status
from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.students.factories import UserFactory


@pytest.fixture
def case(world):
    """An intervention owned by the bk of school 1 for a student of the walikelas' class,
    with one session and its notes."""
    one = world.one
    bk = one.users[Role.BK]
    programmes = programme_catalogue_seed(school=one.school)
    intervention = services.intervention_create(
        user=bk,
        student=one.student,
        programme=programmes[0],
        reason="Nilai turun",
        start_date=dt.date(2025, 1, 6),
    )
    session = services.session_add(
        intervention=intervention, user=bk, date=dt.date(2025, 1, 7), notes="rahasia keluarga"
    )
    return SimpleNamespace(
        one=one,
        two=world.two,
        sudin=world.sudin,
        bk=bk,
        programmes=programmes,
        intervention=intervention,
        session=session,
        url=f"/api/v1/interventions/{intervention.pk}/",
    )


def note_reads(user) -> int:
    return AuditEvent.objects.filter(action="note.read", user=user).count()


def test_anonymous_callers_get_401(case, api_client_for):
    for url in ["/api/v1/interventions/", case.url, case.url + "sessions/"]:
        assert api_client_for().get(url).status_code == 401


@pytest.mark.parametrize("role", [Role.GURU, Role.OPERATOR])
def test_roles_outside_bk_work_get_403_and_never_notes(case, api_client_for, role):
    client = api_client_for(case.one.users[role])
    session_url = f"{case.url}sessions/{case.session.pk}/"
    for url in ["/api/v1/interventions/", case.url, case.url + "sessions/", session_url]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "rahasia" not in response.content.decode()
    assert api_client_for(case.sudin).get("/api/v1/interventions/").status_code == 403
    assert note_reads(case.one.users[role]) == 0


def test_the_owner_reads_the_notes_and_the_read_is_audited(case, api_client_for):
    body = api_client_for(case.bk).get(case.url).json()
    assert body["can_manage"] is True and body["can_read_notes"] is True
    assert [s["notes"] for s in body["sessions"]] == ["rahasia keluarga"]
    event = AuditEvent.objects.get(action="note.read", user=case.bk)
    assert event.target_id == str(case.intervention.pk)
    assert event.detail["sessions"] == [case.session.pk]
    api_client_for(case.bk).get(case.url + "sessions/")
    assert note_reads(case.bk) == 2


def test_another_bk_of_the_school_reads_the_notes_too(case, api_client_for):
    other_bk = UserFactory(role=Role.BK, school=case.one.school)
    sessions = api_client_for(other_bk).get(case.url + "sessions/").json()
    assert sessions[0]["notes"] == "rahasia keluarga" and sessions[0]["can_edit"] is False
    assert note_reads(other_bk) == 1


@pytest.mark.parametrize("role", [Role.KEPSEK, Role.WALIKELAS])
def test_viewers_who_are_not_owner_or_bk_see_the_sessions_without_notes(case, api_client_for, role):
    user = case.one.users[role]
    client = api_client_for(user)
    body = client.get(case.url).json()
    assert body["can_read_notes"] is False and body["can_manage"] is False
    assert body["sessions"][0]["notes"] is None
    assert client.get(case.url + "sessions/").json()[0]["notes"] is None
    assert client.get(f"{case.url}sessions/{case.session.pk}/").status_code == 403
    assert "rahasia" not in client.get(case.url).content.decode()
    assert note_reads(user) == 0


def test_reading_one_session_returns_its_notes_and_is_audited(case, api_client_for):
    body = api_client_for(case.bk).get(f"{case.url}sessions/{case.session.pk}/").json()
    assert body["notes"] == "rahasia keluarga" and body["can_edit"] is True
    event = AuditEvent.objects.get(action="note.read", user=case.bk)
    assert event.detail == {"sessions": [case.session.pk], "purpose": "edit"}


@pytest.mark.parametrize("role", [Role.BK, Role.KEPSEK, Role.WALIKELAS])
def test_school_two_users_get_404_for_a_school_one_intervention(case, api_client_for, role):
    client = api_client_for(case.two.users[role])
    session_url = f"{case.url}sessions/{case.session.pk}/"
    assert client.get(case.url).status_code == 404
    assert client.get(case.url + "sessions/").status_code == 404
    assert client.get(session_url).status_code == 404
    assert client.patch(case.url, {"reason": "x"}, format="json").status_code == 404
    assert client.patch(session_url, {"notes": "x"}, format="json").status_code == 404
    assert client.post(case.url + "start/").status_code == 404
    closing = {"status": "stopped", "outcome": "unknown"}
    assert client.post(case.url + "close/", closing, format="json").status_code == 404
    assert client.post(case.url + "sessions/", {"date": "2025-01-08"}).status_code == 404
    assert client.delete(case.url).status_code == 404
    ids = [row["id"] for row in client.get("/api/v1/interventions/").json()["results"]]
    assert case.intervention.pk not in ids
    assert note_reads(case.two.users[role]) == 0
    case.intervention.refresh_from_db()
    assert case.intervention.deleted_at is None and case.intervention.reason == "Nilai turun"


def test_the_list_filters_by_status_programme_and_class(case, api_client_for):
    one = case.one
    services.intervention_create(
        user=case.bk,
        student=one.outsider,
        programme=case.programmes[1],
        reason="Sering alpa",
        start_date=dt.date(2025, 2, 3),
    )
    client = api_client_for(case.bk)

    def ids(**params) -> list[int]:
        response = client.get("/api/v1/interventions/", params)
        assert response.status_code == 200, response.content
        return [row["student"]["id"] for row in response.json()["results"]]

    assert ids() == [one.outsider.pk, one.student.pk]
    assert ids(status="in_progress") == [one.student.pk]
    assert ids(status="planned") == [one.outsider.pk]
    assert ids(programme=case.programmes[1].pk) == [one.outsider.pk]
    assert ids(**{"class": one.school_class.pk}) == [one.student.pk]
    walikelas = api_client_for(one.users[Role.WALIKELAS]).get("/api/v1/interventions/").json()
    assert [row["student"]["id"] for row in walikelas["results"]] == [one.student.pk]
    assert client.get("/api/v1/interventions/", {"status": "x"}).status_code == 400


def test_the_list_runs_a_fixed_number_of_queries(
    case, api_client_for, django_assert_max_num_queries
):
    for student in case.one.students[1:]:
        services.intervention_create(
            user=case.bk,
            student=student,
            programme=case.programmes[0],
            reason="x",
            start_date=dt.date(2025, 1, 6),
        )
    client = api_client_for(case.bk)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/interventions/")
    assert response.json()["count"] == 3


def test_bk_creates_an_intervention_with_another_owner(case, api_client_for):
    walikelas = case.one.users[Role.WALIKELAS]
    payload = {
        "student": case.one.students[1].pk,
        "programme": case.programmes[2].pk,
        "reason": "Rata-rata di bawah KKM",
        "start_date": "2025-03-03",
        "owner": walikelas.pk,
        "participants": [case.one.users[Role.GURU].pk],
        "triggered_by": case.one.students[1].predictions.get().pk,
    }
    response = api_client_for(case.bk).post("/api/v1/interventions/", payload, format="json")
    assert response.status_code == 201, response.content
    created = Intervention.objects.get(pk=response.json()["id"])
    assert (created.owner, created.status) == (walikelas, Status.PLANNED)
    assert list(created.participants.all()) == [case.one.users[Role.GURU]]
    event = AuditEvent.objects.get(action="intervention.create", target_id=str(created.pk))
    assert event.user == case.bk


def test_walikelas_creates_only_for_their_own_class(case, api_client_for):
    client = api_client_for(case.one.users[Role.WALIKELAS])
    payload = {"programme": case.programmes[0].pk, "reason": "x", "start_date": "2025-03-03"}
    mine = client.post(
        "/api/v1/interventions/", {**payload, "student": case.one.students[2].pk}, format="json"
    )
    assert mine.status_code == 201
    other = client.post(
        "/api/v1/interventions/", {**payload, "student": case.one.outsider.pk}, format="json"
    )
    assert other.status_code == 400 and "student" in other.json()
    named = client.post(
        "/api/v1/interventions/",
        {**payload, "student": case.one.students[1].pk, "owner": case.bk.pk},
        format="json",
    )
    assert named.status_code == 400  # only bk may name another owner


def test_kepsek_may_not_create_and_school_two_bk_cannot_reach_school_one_students(
    case, api_client_for
):
    payload = {
        "student": case.one.students[1].pk,
        "programme": case.programmes[0].pk,
        "reason": "x",
        "start_date": "2025-03-03",
    }
    kepsek = api_client_for(case.one.users[Role.KEPSEK])
    assert kepsek.post("/api/v1/interventions/", payload, format="json").status_code == 403
    other_bk = api_client_for(case.two.users[Role.BK])
    assert other_bk.post("/api/v1/interventions/", payload, format="json").status_code == 400
    assert Intervention.objects.count() == 1


def test_bk_updates_the_editable_fields(case, api_client_for):
    payload = {
        "reason": "Nilai dan kehadiran turun",
        "goal": "Kembali di atas KKM",
        "follow_up_days": 7,
        "programme": case.programmes[3].pk,
        "participants": [case.one.users[Role.WALIKELAS].pk],
    }
    response = api_client_for(case.bk).patch(case.url, payload, format="json")
    assert response.status_code == 200, response.content
    case.intervention.refresh_from_db()
    assert case.intervention.reason == "Nilai dan kehadiran turun"
    assert case.intervention.programme == case.programmes[3]
    assert case.intervention.next_follow_up == dt.date(2025, 1, 14)  # session date + 7 days
    assert list(case.intervention.participants.all()) == [case.one.users[Role.WALIKELAS]]
    assert AuditEvent.objects.filter(action="intervention.update", user=case.bk).exists()
    bad = api_client_for(case.bk).patch(case.url, {"reason": "  "}, format="json")
    assert bad.status_code == 400


@pytest.mark.parametrize("role", [Role.OPERATOR, "guru_of_another_class"])
def test_participants_are_only_staff_who_may_see_the_students_counselling(
    case, api_client_for, role
):
    """Issue 14: like the form's checkboxes. The school operator sees the student's record but
    no counselling data; a guru of another class does not see the student at all."""
    if role == Role.OPERATOR:
        outsider = case.one.users[Role.OPERATOR]
    else:
        outsider = UserFactory(role=Role.GURU, school=case.one.school)
    client = api_client_for(case.bk)
    payload = {
        "student": case.one.students[1].pk,
        "programme": case.programmes[2].pk,
        "reason": "Rata-rata di bawah KKM",
        "start_date": "2025-03-03",
        "participants": [outsider.pk],
    }
    created = client.post("/api/v1/interventions/", payload, format="json")
    assert created.status_code == 400 and "participants" in created.json()
    assert Intervention.objects.count() == 1
    patched = client.patch(case.url, {"participants": [outsider.pk]}, format="json")
    assert patched.status_code == 400 and "participants" in patched.json()
    assert not case.intervention.participants.exists()
    # The service refuses them too, whoever calls it.
    with pytest.raises(ValidationError):
        services.intervention_create(
            user=case.bk,
            student=case.one.students[1],
            programme=case.programmes[2],
            reason="x",
            start_date=dt.date(2025, 3, 3),
            participants=[outsider],
        )
    # Staff who may see the student's counselling are accepted.
    allowed = client.patch(
        case.url,
        {"participants": [case.one.users[Role.GURU].pk, case.one.users[Role.KEPSEK].pk]},
        format="json",
    )
    assert allowed.status_code == 200, allowed.content


def test_viewers_who_may_not_manage_get_403_on_writes(case, api_client_for):
    client = api_client_for(case.one.users[Role.KEPSEK])
    assert client.patch(case.url, {"reason": "x"}, format="json").status_code == 403
    assert client.post(case.url + "sessions/", {"date": "2025-01-08"}).status_code == 403
    assert client.delete(case.url).status_code == 403
    closing = {"status": "completed", "outcome": "improved"}
    assert client.post(case.url + "close/", closing, format="json").status_code == 403


def test_closing_needs_an_outcome_and_follows_the_workflow(case, api_client_for):
    client = api_client_for(case.bk)
    assert client.post(case.url + "close/", {"status": "completed"}).status_code == 400
    response = client.post(
        case.url + "close/",
        {"status": "completed", "outcome": "improved", "closing_note": "Membaik"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["outcome"]) == ("completed", "improved")
    again = client.post(case.url + "close/", {"status": "stopped", "outcome": "unknown"})
    assert again.status_code == 400 and "Status tidak dapat diubah" in again.json()["detail"]
    assert client.patch(case.url, {"reason": "x"}, format="json").status_code == 400
    assert client.post(case.url + "sessions/", {"date": "2025-01-08"}).status_code == 400
    assert AuditEvent.objects.filter(action="intervention.close", user=case.bk).count() == 1


def test_a_planned_intervention_is_started(case, api_client_for):
    planned = services.intervention_create(
        user=case.bk,
        student=case.one.students[1],
        programme=case.programmes[0],
        reason="x",
        start_date=dt.date(2025, 1, 6),
    )
    client = api_client_for(case.bk)
    response = client.post(f"/api/v1/interventions/{planned.pk}/start/")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert client.post(f"/api/v1/interventions/{planned.pk}/start/").status_code == 400


def test_soft_delete_hides_the_intervention_and_keeps_the_row(case, api_client_for):
    client = api_client_for(case.bk)
    assert client.delete(case.url).status_code == 204
    assert client.get(case.url).status_code == 404
    assert Intervention.objects.get(pk=case.intervention.pk).deleted_at is not None
    assert AuditEvent.objects.filter(action="intervention.delete", user=case.bk).exists()


def test_sessions_are_logged_and_corrected_only_by_their_author(case, api_client_for):
    client = api_client_for(case.bk)
    response = client.post(
        case.url + "sessions/",
        {"date": "2025-01-21", "notes": "Orang tua hadir", "next_follow_up": "2025-02-04"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["notes"] is None and body["can_edit"] is True  # read notes through GET
    case.intervention.refresh_from_db()
    assert case.intervention.next_follow_up == dt.date(2025, 2, 4)
    session_url = f"{case.url}sessions/{body['id']}/"
    other_bk = api_client_for(UserFactory(role=Role.BK, school=case.one.school))
    assert other_bk.patch(session_url, {"notes": "diubah"}, format="json").status_code == 403
    fixed = client.patch(session_url, {"notes": "Orang tua dan kakak hadir"}, format="json")
    assert fixed.status_code == 200, fixed.content
    assert client.get(session_url).json()["notes"] == "Orang tua dan kakak hadir"
    assert AuditEvent.objects.filter(action="note.update", user=case.bk).count() == 1
    future = client.post(case.url + "sessions/", {"date": "2999-01-01"}, format="json")
    assert future.status_code == 400 and "masa depan" in future.json()["detail"]


# --------------------------------------------------------------------------- typed sessions


def _post_session(client, case, **fields):
    return client.post(case.url + "sessions/", {"date": "2025-01-21", **fields}, format="json")


def test_a_home_visit_and_a_case_conference_carry_their_fields_for_those_who_may_read(
    case, api_client_for
):
    client = api_client_for(case.bk)
    visit = _post_session(
        client, case, kind="home_visit", visit_address="Jl. Melati 7, Cengkareng",
        attendees="Ibu kandung", findings="Siswa membantu di warung",
    )  # fmt: skip
    assert visit.status_code == 201, visit.content
    assert visit.json()["kind"] == "home_visit" and visit.json()["visit_address"] is None
    conference = _post_session(
        client, case, kind="case_conference", attendees="BK, wali kelas, orang tua",
        decisions=[{"decision": "Jadwal belajar", "responsible": "Wali kelas",
                    "due_date": "2025-02-01"}],
    )  # fmt: skip
    assert conference.status_code == 201, conference.content
    rows = {r["kind"]: r for r in client.get(case.url + "sessions/").json()}
    assert rows["home_visit"]["visit_address"] == "Jl. Melati 7, Cengkareng"
    assert rows["home_visit"]["findings"] == "Siswa membantu di warung"
    decision = rows["case_conference"]["decisions"][0]
    assert (decision["decision"], decision["responsible"], decision["due_date"]) == (
        "Jadwal belajar",
        "Wali kelas",
        "2025-02-01",
    )
    assert decision["owner"] is None  # a typed name that is no staff member: text only
    # A decision given to a staff member by id is their to-do (issue 24).
    guru = case.one.users[Role.GURU]
    due = str(dt.date.today() + dt.timedelta(days=100))
    staffed = _post_session(
        client, case, kind="case_conference", attendees="BK, guru",
        decisions=[{"decision": "Remedial", "owner": guru.pk, "due_date": due}],
    )  # fmt: skip
    assert staffed.status_code == 201, staffed.content
    again = {r["id"]: r for r in client.get(case.url + "sessions/").json()}
    assert again[staffed.json()["id"]]["decisions"][0]["owner"] == guru.pk
    assert ActionItem.objects.get().owner == guru
    one = client.get(f"{case.url}sessions/{visit.json()['id']}/").json()
    assert one["visit_address"] == "Jl. Melati 7, Cengkareng"
    # The walikelas sees the intervention and the kinds, never the content.
    walikelas = case.one.users[Role.WALIKELAS]
    seen = api_client_for(walikelas).get(case.url + "sessions/").json()
    assert {r["kind"] for r in seen} == {"session", "home_visit", "case_conference"}
    assert all(r["visit_address"] is None and r["decisions"] is None for r in seen)
    assert "Melati" not in api_client_for(walikelas).get(case.url).content.decode()
    # The page's rules: a home visit needs its address, a conference a decision.
    bad = _post_session(client, case, kind="home_visit")
    assert bad.status_code == 400 and "alamat" in bad.json()["detail"]
    assert _post_session(client, case, kind="case_conference", attendees="x").status_code == 400


def test_a_sangat_rahasia_referral_is_read_only_by_its_owner_and_the_kepsek(case, api_client_for):
    other_bk = UserFactory(role=Role.BK, school=case.one.school)
    assert _post_session(
        api_client_for(other_bk), case, kind="referral", very_confidential=True,
        referral_to="Polisi (PPA)", referral_reason="x",
    ).status_code == 400  # fmt: skip  # only the owner marks a session sangat rahasia
    referral = _post_session(
        api_client_for(case.bk), case, kind="referral", very_confidential=True,
        referral_to="Polisi (PPA)", referral_reason="Dugaan kekerasan di rumah",
    )  # fmt: skip
    assert referral.status_code == 201, referral.content
    url = f"{case.url}sessions/{referral.json()['id']}/"
    kepsek = case.one.users[Role.KEPSEK]
    row = [r for r in api_client_for(kepsek).get(case.url + "sessions/").json() if r["id"]][-1]
    assert row["referral_to"] == "Polisi (PPA)" and row["referral_status"] == "sent"
    assert row["referral_reason"] == "Dugaan kekerasan di rumah"
    assert AuditEvent.objects.filter(action="note.read_sangat_rahasia", user=kepsek).exists()
    for user in (other_bk, case.one.users[Role.WALIKELAS]):
        client = api_client_for(user)
        listed = client.get(case.url + "sessions/").json()[-1]
        assert listed["very_confidential"] is True and listed["kind"] == "referral"
        assert listed["referral_to"] is None and listed["referral_reason"] is None
        assert "Polisi" not in client.get(case.url).content.decode()
        assert client.get(url).status_code == 403
        assert client.patch(url, {"referral_status": "completed"}, format="json").status_code == 403
        assert not AuditEvent.objects.filter(action="note.read_sangat_rahasia", user=user).exists()
    # The owner records where the referral stands, as on the page.
    done = api_client_for(case.bk).patch(
        url,
        {"referral_status": "completed", "referral_outcome": "Ditangani unit PPA"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["referral_to"] is None  # a write's answer carries no content
    body = api_client_for(case.bk).get(url).json()
    assert (body["referral_status"], body["referral_outcome"]) == (
        "completed",
        "Ditangani unit PPA",
    )
    assert AuditEvent.objects.filter(action="referral.update", user=case.bk).count() == 1
