import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from interventions.cases import follow_ups, services
from interventions.models import FollowUpSweep, Intervention, Status, SweepStatus
from interventions.tasks import follow_up_sweep_task
from tests.interventions.factories import InterventionFactory, SessionFactory

TODAY = dt.date(2025, 3, 10)
SECRET = "Catatan rahasia yang tidak boleh dikirim lewat e-mail."


@pytest.fixture
def cases(bk, student, programme):
    def make(due, **kwargs):
        return InterventionFactory(
            student=student,
            programme=programme,
            owner=bk,
            start_date=dt.date(2025, 1, 6),
            next_follow_up=due,
            **kwargs,
        )

    return {
        "late": make(TODAY - dt.timedelta(days=1), status=Status.IN_PROGRESS),
        "late_planned": make(TODAY - dt.timedelta(days=9)),
        "due_today": make(TODAY, status=Status.IN_PROGRESS),
        "closed": make(None, status=Status.COMPLETED, overdue_since=TODAY),
        "deleted": make(TODAY - dt.timedelta(days=3), deleted_at=timezone.now()),
    }


def overdue_ids():
    return set(
        Intervention.objects.filter(overdue_since__isnull=False).values_list("id", flat=True)
    )


@pytest.mark.django_db
def test_the_daily_check_marks_open_past_due_follow_ups_and_clears_stale_marks(cases):
    marked, cleared = follow_ups.follow_ups_mark_overdue(today=TODAY)
    assert set(marked) == {cases["late"].pk, cases["late_planned"].pk}
    assert cleared == 1  # the closed one
    assert overdue_ids() == {cases["late"].pk, cases["late_planned"].pk}
    assert Intervention.objects.get(pk=cases["late"].pk).overdue_since == TODAY


@pytest.mark.django_db
def test_running_the_check_twice_a_day_marks_nothing_new(cases):
    follow_ups.follow_ups_mark_overdue(today=TODAY)
    assert follow_ups.follow_ups_mark_overdue(today=TODAY) == ([], 0)
    # The next day only the one due today is new; the first overdue day is kept.
    tomorrow = TODAY + dt.timedelta(days=1)
    assert follow_ups.follow_ups_mark_overdue(today=tomorrow) == ([cases["due_today"].pk], 0)
    assert Intervention.objects.get(pk=cases["late"].pk).overdue_since == TODAY


@pytest.mark.django_db
def test_logging_a_session_clears_the_overdue_mark(cases, bk):
    follow_ups.follow_ups_mark_overdue(today=timezone.localdate())
    late = cases["late"]
    assert late.pk in overdue_ids()
    services.session_add(intervention=late, user=bk, date=timezone.localdate())
    late.refresh_from_db()
    assert late.overdue_since is None and late.next_follow_up > timezone.localdate()


@pytest.mark.django_db
def test_owners_get_one_e_mail_for_newly_overdue_follow_ups_without_notes(cases, bk, settings):
    settings.INTERVENTION_REMINDER_EMAILS = True
    bk.email = "bk@smk.sch.id"
    bk.save()
    SessionFactory(intervention=cases["late"], notes=SECRET)
    sweep = follow_ups.follow_up_sweep_run(today=TODAY)
    assert (sweep.status, sweep.marked, sweep.emails_sent) == (SweepStatus.SUCCEEDED, 2, 1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bk@smk.sch.id"] and "2 siswa" in message.subject
    assert cases["late"].student.name in message.body and SECRET not in message.body
    again = follow_ups.follow_up_sweep_run(today=TODAY)
    assert (again.marked, again.emails_sent, len(mail.outbox)) == (0, 0, 1)


@pytest.mark.django_db
def test_no_e_mail_unless_switched_on(cases, bk, settings):
    settings.INTERVENTION_REMINDER_EMAILS = False
    bk.email = "bk@smk.sch.id"
    bk.save()
    assert follow_ups.follow_up_sweep_run(today=TODAY).emails_sent == 0
    assert mail.outbox == []


def test_the_check_is_scheduled_daily_in_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["interventions-follow-up-sweep"]
    assert entry["task"] == follow_up_sweep_task.name
    assert entry["schedule"].hour == {5} and entry["schedule"].minute == {30}


@pytest.mark.integration
def test_a_real_worker_runs_the_daily_check_and_records_it(worker, cases):
    result = follow_up_sweep_task.delay(TODAY.isoformat()).get(timeout=60)
    assert result["marked"] == 2 and result["cleared"] == 1
    assert overdue_ids() == {cases["late"].pk, cases["late_planned"].pk}
    sweep = FollowUpSweep.objects.get(pk=result["sweep"])
    assert sweep.status == SweepStatus.SUCCEEDED and sweep.task_id and sweep.finished_at
    second = follow_up_sweep_task.delay(TODAY.isoformat()).get(timeout=60)
    assert (second["marked"], second["cleared"]) == (0, 0)
