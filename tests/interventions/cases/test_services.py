import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interventions.cases import services
from interventions.cases.programmes import programme_catalogue_seed, programme_create
from interventions.models import Intervention, InterventionSession, Outcome, Status
from smk_dashboard.core.models import AuditEvent
from students.models import Role
from tests.interventions.factories import InterventionFactory, SessionFactory
from tests.predictions.factories import PredictionFactory
from tests.students.factories import SchoolFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=30)


def create(user, student, programme, **kwargs):
    return services.intervention_create(
        user=user,
        student=student,
        programme=programme,
        reason=kwargs.pop("reason", "Nilai turun dan sering alpa"),
        start_date=kwargs.pop("start_date", START),
        **kwargs,
    )


def test_a_new_intervention_is_planned_and_due_on_its_start_date(bk, student, programme):
    intervention = create(bk, student, programme)
    assert intervention.status == Status.PLANNED
    assert intervention.owner == bk
    assert intervention.next_follow_up == START
    assert AuditEvent.objects.filter(
        action="intervention.create", target_id=str(intervention.pk), user=bk
    ).exists()


def test_workflow_runs_planned_to_in_progress_to_completed_with_an_outcome(bk, student, programme):
    intervention = create(bk, student, programme)
    services.intervention_start(intervention=intervention, user=bk)
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS
    services.intervention_close(
        intervention=intervention,
        user=bk,
        status=Status.COMPLETED,
        outcome=Outcome.IMPROVED,
        closing_note="Nilai naik",
    )
    intervention.refresh_from_db()
    assert (intervention.status, intervention.outcome) == (Status.COMPLETED, Outcome.IMPROVED)
    assert intervention.closed_at is not None and intervention.next_follow_up is None
    assert AuditEvent.objects.filter(action="intervention.close").count() == 1


def test_a_planned_intervention_may_be_stopped_but_not_completed(bk, student, programme):
    intervention = create(bk, student, programme)
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.intervention_close(
            intervention=intervention, user=bk, status=Status.COMPLETED, outcome=Outcome.IMPROVED
        )
    services.intervention_close(
        intervention=intervention, user=bk, status=Status.STOPPED, outcome=Outcome.UNKNOWN
    )
    intervention.refresh_from_db()
    assert intervention.status == Status.STOPPED


def test_a_closed_intervention_cannot_be_reopened_or_closed_again(bk, student, programme):
    intervention = InterventionFactory(student=student, programme=programme, owner=bk)
    Intervention.objects.filter(pk=intervention.pk).update(status=Status.COMPLETED)
    with pytest.raises(ValidationError):
        services.intervention_start(intervention=intervention, user=bk)
    with pytest.raises(ValidationError):
        services.intervention_close(
            intervention=intervention, user=bk, status=Status.STOPPED, outcome=Outcome.WORSE
        )


@pytest.mark.parametrize("outcome", [None, ""])
def test_closing_without_an_outcome_is_refused_and_nothing_changes(bk, student, programme, outcome):
    intervention = InterventionFactory(
        student=student, programme=programme, owner=bk, status=Status.IN_PROGRESS
    )
    with pytest.raises(ValidationError) as exc:
        services.intervention_close(
            intervention=intervention, user=bk, status=Status.COMPLETED, outcome=outcome
        )
    assert exc.value.messages == ["Pilih hasil intervensi sebelum menutupnya."]
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS and intervention.closed_at is None
    assert not AuditEvent.objects.filter(action="intervention.close").exists()


def test_the_first_session_starts_a_planned_intervention_and_sets_the_next_follow_up(
    bk, student, programme
):
    intervention = create(bk, student, programme)
    day = START + dt.timedelta(days=3)
    services.session_add(intervention=intervention, user=bk, date=day, notes="Bertemu siswa")
    intervention.refresh_from_db()
    assert intervention.status == Status.IN_PROGRESS
    assert intervention.next_follow_up == day + dt.timedelta(days=14)
    nxt = day + dt.timedelta(days=5)
    services.session_add(intervention=intervention, user=bk, date=day, next_follow_up=nxt)
    intervention.refresh_from_db()
    assert intervention.next_follow_up == nxt


def test_a_session_before_the_start_date_is_refused_and_nothing_is_written(bk, student, programme):
    intervention = create(bk, student, programme)
    with pytest.raises(ValidationError, match="sebelum tanggal mulai"):
        services.session_add(
            intervention=intervention, user=bk, date=START - dt.timedelta(days=1), notes="x"
        )
    assert not InterventionSession.objects.exists()
    intervention.refresh_from_db()
    assert intervention.status == Status.PLANNED


def test_a_next_follow_up_not_after_the_session_is_refused(bk, student, programme):
    intervention = create(bk, student, programme)
    with pytest.raises(ValidationError, match="sesudah tanggal sesi"):
        services.session_add(
            intervention=intervention, user=bk, date=START, next_follow_up=START, notes="x"
        )
    assert not InterventionSession.objects.exists()


def test_no_session_can_be_added_to_a_closed_intervention(bk, student, programme):
    intervention = InterventionFactory(
        student=student, programme=programme, owner=bk, status=Status.STOPPED
    )
    with pytest.raises(ValidationError, match="sudah ditutup"):
        services.session_add(intervention=intervention, user=bk, date=TODAY)
    assert not InterventionSession.objects.exists()


def test_an_intervention_for_a_student_of_another_school_is_refused_and_nothing_written(
    bk, programme
):
    stranger = StudentFactory(school=SchoolFactory())
    with pytest.raises(ValidationError, match="di luar sekolah atau kelas Anda"):
        create(bk, stranger, programme)
    assert not Intervention.objects.exists()
    assert not AuditEvent.objects.filter(action="intervention.create").exists()


def test_walikelas_may_only_open_interventions_for_students_of_their_class(
    walikelas, student, other_class_student, programme
):
    assert create(walikelas, student, programme).owner == walikelas
    with pytest.raises(ValidationError, match="di luar sekolah atau kelas Anda"):
        create(walikelas, other_class_student, programme)


@pytest.mark.parametrize("role", [Role.GURU, Role.KEPSEK, Role.OPERATOR])
def test_other_roles_cannot_open_interventions(school, student, programme, role):
    user = UserFactory(role=role, school=school)
    with pytest.raises(ValidationError, match="Hanya guru BK dan wali kelas"):
        create(user, student, programme)


def test_only_bk_may_name_another_owner_who_must_be_bk_or_walikelas(
    bk, walikelas, guru, student, programme
):
    assert create(bk, student, programme, owner=walikelas).owner == walikelas
    with pytest.raises(ValidationError, match="Penanggung jawab harus"):
        create(bk, student, programme, owner=guru)
    with pytest.raises(ValidationError, match="Hanya guru BK yang dapat menunjuk"):
        create(walikelas, student, programme, owner=bk)


def test_the_triggering_prediction_must_be_the_students_own(bk, student, programme):
    others = PredictionFactory(student=StudentFactory(school=student.school))
    with pytest.raises(ValidationError, match="Prediksi pemicu"):
        create(bk, student, programme, triggered_by=others)
    mine = PredictionFactory(student=student)
    assert create(bk, student, programme, triggered_by=mine).triggered_by == mine


def test_a_programme_of_another_school_is_refused(bk, student):
    foreign = programme_catalogue_seed(school=SchoolFactory())[0]
    with pytest.raises(ValidationError, match="katalog sekolah ini"):
        create(bk, student, foreign)


def test_editing_someone_elses_confidential_notes_is_refused_and_nothing_changes(
    bk, other_bk, student, programme
):
    session = SessionFactory(
        intervention__student=student,
        intervention__programme=programme,
        intervention__owner=bk,
        intervention__status=Status.IN_PROGRESS,
        notes="Catatan asli",
    )
    with pytest.raises(ValidationError, match="yang Anda tulis sendiri"):
        services.session_update(
            session=session,
            user=other_bk,
            date=session.date,
            notes="Diubah orang lain",
            attended=True,
            next_follow_up=None,
        )
    session.refresh_from_db()
    assert session.notes == "Catatan asli"
    services.session_update(
        session=session,
        user=bk,
        date=session.date,
        notes="Diperbaiki penulisnya",
        attended=False,
        next_follow_up=None,
    )
    session.refresh_from_db()
    assert session.notes == "Diperbaiki penulisnya" and session.attended is False
    assert AuditEvent.objects.filter(action="note.update", user=bk).count() == 1


def test_bk_of_the_school_may_manage_an_intervention_owned_by_a_walikelas(
    bk, walikelas, student, programme
):
    intervention = create(walikelas, student, programme)
    services.session_add(intervention=intervention, user=bk, date=START)
    assert intervention.sessions.count() == 1


def test_a_guru_cannot_log_sessions(guru, bk, student, programme):
    intervention = create(bk, student, programme)
    with pytest.raises(ValidationError, match="Hanya guru BK dan penanggung jawab"):
        services.session_add(intervention=intervention, user=guru, date=START, notes="x")
    assert not InterventionSession.objects.exists()


def test_deleting_is_soft_and_the_record_is_kept(bk, student, programme):
    intervention = create(bk, student, programme)
    SessionFactory(intervention=intervention, created_by=bk)
    services.intervention_delete(intervention=intervention, user=bk)
    kept = Intervention.objects.get(pk=intervention.pk)
    assert kept.deleted_at is not None and kept.sessions.count() == 1
    assert AuditEvent.objects.filter(action="intervention.delete", user=bk).exists()
    with pytest.raises(Intervention.DoesNotExist):
        services.intervention_start(intervention=intervention, user=bk)


def test_programme_names_are_unique_per_school(bk, programmes):
    with pytest.raises(ValidationError, match="sudah ada"):
        programme_create(user=bk, name=programmes[0].name, tier=1)
    created = programme_create(user=bk, name="Bimbingan karier", tier=1)
    assert created.school == bk.school


def test_the_catalogue_seed_gives_seven_services_with_tiers_and_is_idempotent(school):
    first = programme_catalogue_seed(school=school)
    again = programme_catalogue_seed(school=school)
    assert len(first) == 7 and [p.pk for p in first] == [p.pk for p in again]
    assert {p.tier for p in first} == {1, 2, 3}
