"""The daily check for overdue follow-ups: mark them, clear stale marks, optionally e-mail
the owners; each run is recorded on a FollowUpSweep row."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from students.models import User

from .models import FollowUpSweep, Intervention, SweepStatus
from .services import OPEN_STATUSES


def follow_ups_mark_overdue(*, today: dt.date) -> tuple[list[int], int]:
    """Mark open interventions whose next follow-up is before `today`; clear the mark where
    it no longer holds. Returns (ids newly marked, number cleared). Safe to run twice."""
    live = Intervention.objects.filter(deleted_at__isnull=True)
    due = live.filter(
        status__in=OPEN_STATUSES, next_follow_up__lt=today, overdue_since__isnull=True
    )
    marked = list(due.values_list("id", flat=True))
    Intervention.objects.filter(id__in=marked).update(overdue_since=today)
    stale = Intervention.objects.filter(overdue_since__isnull=False).exclude(
        status__in=OPEN_STATUSES, next_follow_up__lt=today, deleted_at__isnull=True
    )
    cleared = stale.update(overdue_since=None)
    return marked, cleared


def _overdue_emails(intervention_ids: list[int]) -> int:
    """One e-mail per owner listing their newly overdue follow-ups (never any notes)."""
    by_owner: dict[User, list[Intervention]] = defaultdict(list)
    rows = Intervention.objects.filter(id__in=intervention_ids).select_related(
        "owner", "student", "programme"
    )
    for intervention in rows:
        if intervention.owner.email:
            by_owner[intervention.owner].append(intervention)
    sent = 0
    for owner, items in by_owner.items():
        lines = [
            f"- {i.student.name} · {i.programme.name} · "
            + _("jatuh tempo %(date)s") % {"date": i.next_follow_up.strftime("%d-%m-%Y")}
            for i in items
        ]
        sent += send_mail(
            subject=_("Tindak lanjut BK terlambat: %(n)d siswa") % {"n": len(items)},
            message=_("Tindak lanjut berikut sudah lewat jatuh tempo:") + "\n\n" + "\n".join(lines),
            from_email=None,
            recipient_list=[owner.email],
            fail_silently=False,
        )
    return sent


def follow_up_sweep_run(*, today: dt.date, task_id: str = "") -> FollowUpSweep:
    """The daily check: mark overdue follow-ups, clear stale marks, optionally e-mail owners
    (settings.INTERVENTION_REMINDER_EMAILS). Recorded on a FollowUpSweep row."""
    sweep = FollowUpSweep.objects.create(day=today, task_id=task_id)
    try:
        with transaction.atomic():
            marked, cleared = follow_ups_mark_overdue(today=today)
        emails = 0
        if marked and getattr(settings, "INTERVENTION_REMINDER_EMAILS", False):
            emails = _overdue_emails(marked)
    except Exception as exc:
        sweep.status, sweep.error = SweepStatus.FAILED, f"{type(exc).__name__}: {exc}"
        sweep.finished_at = timezone.now()
        sweep.save()
        raise
    sweep.status = SweepStatus.SUCCEEDED
    sweep.marked, sweep.cleared, sweep.emails_sent = len(marked), cleared, emails
    sweep.finished_at = timezone.now()
    sweep.save()
    return sweep
