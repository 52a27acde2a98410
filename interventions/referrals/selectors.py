"""Reading referrals to bk (issue 14). Scoped: a referral outside the user's reach is 404."""

from django.http import Http404

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
