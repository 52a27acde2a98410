import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from interventions.models import Intervention, Outcome, Status
from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.interventions.factories import InterventionFactory, SessionFactory
from tests.predictions.factories import PredictionFactory
from tests.students.factories import SchoolFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTES = "Siswa bercerita orang tuanya sedang bercerai."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def intervention(bk, student, programme):
    intervention = InterventionFactory(
        student=student,
        programme=programme,
        owner=bk,
        status=Status.IN_PROGRESS,
        start_date=timezone.localdate() - dt.timedelta(days=20),
    )
    SessionFactory(intervention=intervention, notes=NOTES, created_by=bk)
    return intervention


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.BK, 200),
        (Role.WALIKELAS, 200),
        (Role.KEPSEK, 200),
        (Role.GURU, 403),
        (Role.OPERATOR, 403),
        (Role.SUDIN, 403),
    ],
)
def test_the_intervention_list_is_for_bk_walikelas_and_kepsek(make_user, school, role, status):
    user = make_user(role, school=None if role == Role.SUDIN else school)
    assert client_for(user).get("/interventions/").status_code == status


def test_the_list_requires_login(client):
    response = client.get("/interventions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bk_reads_notes_on_the_detail_page_and_the_read_is_audited(bk, intervention):
    response = client_for(bk).get(f"/interventions/{intervention.pk}/")
    assert response.status_code == 200
    assert NOTES in response.content.decode()
    event = AuditEvent.objects.get(action="note.read")
    assert event.user == bk and event.target_id == str(intervention.pk)
    assert event.school == intervention.student.school
    assert event.detail["sessions"] == [intervention.sessions.get().pk]


def test_every_read_of_notes_writes_its_own_audit_entry(bk, intervention):
    client = client_for(bk)
    client.get(f"/interventions/{intervention.pk}/")
    client.get(f"/interventions/{intervention.pk}/")
    assert AuditEvent.objects.filter(action="note.read", user=bk).count() == 2


def test_a_guru_can_never_read_counselling_notes(guru, intervention):
    intervention.participants.add(guru)
    response = client_for(guru).get(f"/interventions/{intervention.pk}/")
    assert response.status_code == 403
    assert NOTES not in response.content.decode()
    assert not AuditEvent.objects.filter(action="note.read").exists()


def test_kepsek_sees_the_intervention_but_not_the_notes(kepsek, intervention):
    response = client_for(kepsek).get(f"/interventions/{intervention.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert intervention.student.name in body and NOTES not in body
    assert 'data-testid="notes-hidden"' in body
    assert not AuditEvent.objects.filter(action="note.read").exists()


def test_a_walikelas_who_owns_the_intervention_reads_its_notes(walikelas, student, programme):
    intervention = InterventionFactory(student=student, programme=programme, owner=walikelas)
    SessionFactory(intervention=intervention, notes=NOTES, created_by=walikelas)
    response = client_for(walikelas).get(f"/interventions/{intervention.pk}/")
    assert NOTES in response.content.decode()
    assert AuditEvent.objects.filter(action="note.read", user=walikelas).count() == 1


def test_a_walikelas_sees_their_class_but_no_notes_when_not_owner(walikelas, intervention):
    client = client_for(walikelas)
    detail = client.get(f"/interventions/{intervention.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert intervention.student.name in html and intervention.programme.name in html
    assert NOTES not in html
    # The class's interventions are in the walikelas's list too.
    listing = client.get("/interventions/").content.decode()
    assert f"/interventions/{intervention.pk}/" in listing


def test_a_walikelas_gets_404_for_a_student_outside_their_class(
    walikelas, bk, other_class_student, programme
):
    foreign = InterventionFactory(student=other_class_student, programme=programme, owner=bk)
    client = client_for(walikelas)
    assert client.get(f"/interventions/{foreign.pk}/").status_code == 404
    assert foreign.student.name not in client.get("/interventions/").content.decode()


def test_bk_of_school_2_sees_nothing_of_school_1_and_gets_404(intervention, student):
    bk2 = UserFactory(role=Role.BK, school=SchoolFactory())
    client = client_for(bk2)
    pk = intervention.pk
    session = intervention.sessions.get()
    for url in [
        f"/interventions/{pk}/",
        f"/interventions/{pk}/sessions/new/",
        f"/interventions/{pk}/sessions/{session.pk}/",
        f"/interventions/{pk}/close/",
        f"/interventions/{pk}/delete/",
        f"/interventions/new/?student={student.pk}",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/interventions/{pk}/start/").status_code == 404
    assert client.post(f"/interventions/{pk}/close/", {"status": "completed"}).status_code == 404
    listing = client.get("/interventions/").content.decode()
    assert student.name not in listing
    home = client.get("/").content.decode()
    assert student.name not in home
    assert not AuditEvent.objects.filter(action="note.read").exists()
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS


def test_soft_deleted_interventions_disappear_from_pages_but_stay_in_the_database(bk, intervention):
    client = client_for(bk)
    response = client.post(f"/interventions/{intervention.pk}/delete/")
    assert response.status_code == 302
    assert client.get(f"/interventions/{intervention.pk}/").status_code == 404
    assert Intervention.objects.filter(pk=intervention.pk, deleted_at__isnull=False).exists()


def test_kepsek_may_not_change_an_intervention(kepsek, intervention):
    client = client_for(kepsek)
    assert client.get(f"/interventions/{intervention.pk}/sessions/new/").status_code == 403
    assert client.get(f"/interventions/{intervention.pk}/close/").status_code == 403
    assert client.get("/interventions/new/").status_code == 403


def test_create_is_prefilled_from_the_student_and_prediction_and_links_them(bk, student, programme):
    prediction = PredictionFactory(student=student, p_kurang=0.81)
    client = client_for(bk)
    url = f"/interventions/new/?student={student.pk}&prediction={prediction.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert student.name in page.content.decode()
    assert "(risiko sangat tinggi, 80%)" in page.context["form"].initial["reason"]
    response = client.post(
        url,
        {
            "programme": programme.pk,
            "reason": page.context["form"].initial["reason"],
            "goal": "Rata-rata naik",
            "owner": bk.pk,
            "start_date": timezone.localdate().isoformat(),
            "follow_up_days": 7,
        },
    )
    intervention = Intervention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interventions/{intervention.pk}/"
    assert intervention.triggered_by == prediction and intervention.student == student


def test_logging_a_session_before_the_start_shows_the_message_and_writes_nothing(bk, intervention):
    before = intervention.start_date - dt.timedelta(days=2)
    response = client_for(bk).post(
        f"/interventions/{intervention.pk}/sessions/new/",
        {"date": before.isoformat(), "notes": "x", "attended": "on"},
    )
    assert response.status_code == 200
    assert "sebelum tanggal mulai intervensi" in response.content.decode()
    assert intervention.sessions.count() == 1


def test_closing_without_an_outcome_shows_a_clear_message(bk, intervention):
    response = client_for(bk).post(
        f"/interventions/{intervention.pk}/close/", {"status": "completed", "outcome": ""}
    )
    assert "Pilih hasil intervensi sebelum menutupnya." in response.content.decode()
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS


def test_closing_with_an_outcome_redirects_to_the_closed_intervention(bk, intervention):
    response = client_for(bk).post(
        f"/interventions/{intervention.pk}/close/",
        {"status": "completed", "outcome": Outcome.IMPROVED, "closing_note": "Membaik"},
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.status, intervention.outcome) == (Status.COMPLETED, Outcome.IMPROVED)


def test_editing_notes_shows_them_to_the_author_with_an_audit_entry(bk, intervention):
    session = intervention.sessions.get()
    response = client_for(bk).get(f"/interventions/{intervention.pk}/sessions/{session.pk}/")
    assert NOTES in response.content.decode()
    assert AuditEvent.objects.filter(action="note.read", detail__purpose="edit").count() == 1


def test_another_bk_cannot_overwrite_someone_elses_notes(other_bk, intervention):
    session = intervention.sessions.get()
    response = client_for(other_bk).post(
        f"/interventions/{intervention.pk}/sessions/{session.pk}/",
        {"date": session.date.isoformat(), "notes": "ditimpa", "attended": "on"},
    )
    assert "yang Anda tulis sendiri" in response.content.decode()
    session.refresh_from_db()
    assert session.notes == NOTES


def test_list_filters_by_status_programme_class_and_overdue(
    bk, student, other_class_student, programmes
):
    a = InterventionFactory(student=student, programme=programmes[0], owner=bk)
    b = InterventionFactory(
        student=other_class_student,
        programme=programmes[1],
        owner=bk,
        status=Status.IN_PROGRESS,
        next_follow_up=timezone.localdate() + dt.timedelta(days=3),
    )
    client = client_for(bk)

    def ids(query):
        return {i.pk for i in client.get("/interventions/?" + query).context["page_obj"]}

    assert ids("") == {a.pk, b.pk}
    assert ids("status=in_progress") == {b.pk}
    assert ids(f"programme={programmes[0].pk}") == {a.pk}
    assert ids(f"school_class={student.school_class_id}") == {a.pk}
    assert ids("overdue=on") == {a.pk}  # a was due on its start date, long ago
    page = client.get("/interventions/").content.decode()
    assert page.count('data-testid="overdue"') == 1


def test_mine_shows_only_my_interventions(bk, other_bk, student, programme):
    InterventionFactory(student=student, programme=programme, owner=other_bk)
    mine = InterventionFactory(student=student, programme=programme, owner=bk)
    page = client_for(bk).get("/interventions/?scope=mine")
    assert [i.pk for i in page.context["page_obj"]] == [mine.pk]


def test_the_list_page_runs_a_fixed_number_of_queries(
    bk, school, programme, django_assert_num_queries
):
    client = client_for(bk)
    InterventionFactory.create_batch(2, student__school=school, programme=programme, owner=bk)
    client.get("/interventions/")  # warm the session
    # 6 = 5 reads (the session comes from the cache, the signed-in user with their school)
    # + the one audit row naming the students listed.
    with django_assert_num_queries(6):
        client.get("/interventions/")
    InterventionFactory.create_batch(8, student__school=school, programme=programme, owner=bk)
    with django_assert_num_queries(6):
        response = client.get("/interventions/")
    assert len(response.context["page_obj"]) == 10


def test_home_pages_show_follow_ups_due(bk, kepsek, guru, intervention):
    Intervention.objects.filter(pk=intervention.pk).update(
        next_follow_up=timezone.localdate() - dt.timedelta(days=1),
        overdue_since=timezone.localdate(),
    )
    for user in (bk, kepsek):
        body = client_for(user).get("/").content.decode()
        assert 'data-testid="home-follow-ups"' in body and intervention.student.name in body
        assert 'data-testid="home-overdue-count"' in body
    assert 'data-testid="home-follow-ups"' not in client_for(guru).get("/").content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.BK, 200), (Role.KEPSEK, 200), (Role.OPERATOR, 200), (Role.WALIKELAS, 403)],
)
def test_the_effectiveness_page_is_for_bk_kepsek_and_operator(school, make_user, role, status):
    assert client_for(make_user(role, school=school)).get(
        "/interventions/effectiveness/"
    ).status_code == (status)


def test_the_caseload_lists_my_open_interventions_and_unserved_kurang_students(
    bk, intervention, school
):
    unserved = StudentFactory(school=school, name="Dewi Anggraini")
    PredictionFactory(student=unserved, p_kurang=0.9)
    PredictionFactory(student=intervention.student)  # has an open intervention: served
    response = client_for(bk).get("/interventions/caseload/")
    assert [i.pk for i in response.context["mine"]] == [intervention.pk]
    assert [r["student"].pk for r in response.context["unserved"]] == [unserved.pk]


def test_the_catalogue_is_editable_by_bk_and_operator_only(school, bk, kepsek, make_user):
    operator = make_user(Role.OPERATOR, school=school)
    assert client_for(kepsek).get("/interventions/programmes/").status_code == 403
    response = client_for(operator).post(
        "/interventions/programmes/", {"name": "Bimbingan karier", "tier": 1, "active": "on"}
    )
    assert response.status_code == 302
    client_for(bk).post("/interventions/programmes/seed/")
    names = client_for(bk).get("/interventions/programmes/").content.decode()
    assert "Bimbingan karier" in names and "Kunjungan rumah" in names


def test_the_admin_never_shows_notes_and_never_hard_deletes(intervention, school):
    admin_user = UserFactory(
        role="", school=None, is_superuser=True, is_staff=True, username="root1"
    )
    client = client_for(admin_user)
    session = intervention.sessions.get()
    page = client.get(f"/admin/interventions/interventionsession/{session.pk}/change/")
    assert page.status_code == 200 and NOTES not in page.content.decode()
    gone = client.get(f"/admin/interventions/intervention/{intervention.pk}/delete/")
    assert gone.status_code == 403
    assert Intervention.objects.filter(pk=intervention.pk).exists()


def test_a_participant_outside_the_class_sees_the_intervention_but_not_the_notes(
    school, intervention
):
    colleague = UserFactory(role=Role.WALIKELAS, school=school, username="wali_lain")
    client = client_for(colleague)
    assert client.get(f"/interventions/{intervention.pk}/").status_code == 404
    intervention.participants.add(colleague)
    response = client.get(f"/interventions/{intervention.pk}/")
    assert response.status_code == 200 and NOTES not in response.content.decode()


def test_pages_are_indonesian_first_and_english_on_request(bk, intervention):
    client = client_for(bk)
    assert "Riwayat sesi" in client.get(f"/interventions/{intervention.pk}/").content.decode()
    client.cookies["django_language"] = "en"  # the language switch; never Accept-Language
    english = client.get(f"/interventions/{intervention.pk}/")
    assert "Session history" in english.content.decode()
