"""Celery tasks for interventions: thin wrappers around one service each."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .cases.follow_ups import follow_up_sweep_run
from .conduct.services import point_thresholds_evaluate_all
from .contacts.unattended import unattended_check_run


@shared_task(name="interventions.tasks.follow_up_sweep_task", acks_late=True)
def follow_up_sweep_task(day: str | None = None) -> dict:
    """Daily (beat): mark overdue follow-ups and clear stale marks; e-mail owners when
    INTERVENTION_REMINDER_EMAILS is on. `day` (YYYY-MM-DD) defaults to today. Safe to run
    twice: a second run marks and mails nothing new. The FollowUpSweep row records the run."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    task_id = follow_up_sweep_task.request.id or ""
    sweep = follow_up_sweep_run(today=today, task_id=task_id)
    return {
        "sweep": sweep.pk,
        "marked": sweep.marked,
        "cleared": sweep.cleared,
        "emails_sent": sweep.emails_sent,
    }


@shared_task(name="interventions.tasks.unattended_check_task", acks_late=True)
def unattended_check_task(day: str | None = None) -> dict:
    """Daily (beat): list students in kurang or over a point threshold with no open
    intervention and no contact in UNATTENDED_CONTACT_DAYS days; the bk and walikelas home
    pages show the latest list. `day` (YYYY-MM-DD) defaults to today."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    check = unattended_check_run(today=today, task_id=unattended_check_task.request.id or "")
    return {"check": check.pk, "found": check.found}


@shared_task(name="interventions.tasks.point_thresholds_evaluate_task", acks_late=True)
def point_thresholds_evaluate_task() -> dict:
    """Daily (beat): every student whose total reaches a point threshold has its to-do, also
    when the total came from an import, a voided achievement or a threshold added later (issue
    24). Safe to run twice: a second run creates nothing."""
    return {"created": point_thresholds_evaluate_all()}
