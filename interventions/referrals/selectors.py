"""Reading referrals to bk (issue 14). Scoped: a referral outside the user's reach is 404."""

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.actions.models import ActionSource, ActionStatus
from interventions.actions.selectors import TodoRow
from interventions.cases import permissions
from students.models import Student, User
from students.selectors import student_queryset_for_user

from .models import BkReferral, BkReferralStatus


def open_referrals(*, user: User, limit: int | None = None) -> list[BkReferral]:
    """bk's to-do: open referrals of the school's students, oldest first."""
    if not permissions.can_handle_referrals(user):
        return []
    rows = (
        BkReferral.objects.filter(
            school_id=user.school_id,
            status=BkReferralStatus.OPEN,
            student__in=student_queryset_for_user(user=user),
        )
        .select_related("student__school_class", "referred_by")
        .order_by("created_at", "id")
    )
    return list(rows[:limit] if limit else rows)


def open_referral_get(*, user: User, pk: int) -> BkReferral:
    """An open referral bk may accept or decline, else 404."""
    if not permissions.can_handle_referrals(user):
        raise Http404("referral")
    referral = (
        BkReferral.objects.filter(pk=pk, status=BkReferralStatus.OPEN, school_id=user.school_id)
        .select_related("student__school_class", "referred_by")
        .first()
    )
    if referral is None:
        raise Http404("referral")
    return referral


def student_referrals(*, user: User, student: Student) -> list[BkReferral]:
    """The referrals of one student the user may see (their own; all for bk and the
    student's walikelas), newest first."""
    rows = BkReferral.objects.filter(student=student).select_related(
        "student__school_class", "referred_by", "handled_by", "intervention"
    )
    return [r for r in rows if permissions.can_see_referral(user, r)]


REFERRAL_ANSWER_DAYS = 3  # a teacher should hear back within a few school days


def referral_answer_rows(*, user: User) -> list[TodoRow]:
    """Open referrals as bk's to-do rows (issue 24): answer each within REFERRAL_ANSWER_DAYS
    days of it being sent. Names only; the reason is read on the caseload page."""
    today = timezone.localdate()
    rows = []
    for r in open_referrals(user=user):
        sent = timezone.localtime(r.created_at).date()
        due = sent + dt.timedelta(days=REFERRAL_ANSWER_DAYS)
        who = r.referred_by.get_full_name() or r.referred_by.username if r.referred_by else "-"
        rows.append(
            TodoRow(
                source=ActionSource.REFERRAL,
                source_label=ActionSource.REFERRAL.label,
                text=_("Jawab rujukan dari %(who)s") % {"who": who},
                student=r.student,
                owner=user,
                due_date=due,
                status=ActionStatus.OPEN,
                overdue=due < today,
                url=reverse("interventions:caseload"),
            )
        )
    return rows
