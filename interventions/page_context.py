"""What the student profile and the home pages show of the counselling work (issue 17):
points, to-dos, parent contact, strengths. smk_dashboard/pages calls these two functions, so
its own files change by one line each."""

from smk_dashboard.core.fields import FieldGroup, can_see
from students.models import PklPlacement, Student, User

from . import strengths
from .actions import selectors as action_selectors
from .cases import permissions
from .cases import selectors as case_selectors
from .conduct import selectors as conduct_selectors
from .contacts import selectors as contact_selectors
from .contacts import unattended
from .referrals import selectors as referral_selectors


def counselling_profile_context(
    *,
    user: User,
    student: Student,
    scores: list[dict] | None = None,
    summaries: list | None = None,
    interventions: list | None = None,
) -> dict:
    """For `templates/interventions/_counselling_profile.html`, on a profile the user may open.
    The profile passes what it has read already (subject scores, attendance summaries, the
    student's interventions) so that the strengths read nothing twice."""
    points = conduct_selectors.points_profile_context(user=user, student=student)
    return {
        **points,
        **contact_selectors.contacts_profile_context(user=user, student=student),
        "can_print_pack": permissions.can_print_pack(user, student),
        "can_refer": permissions.can_refer_to_bk(user),
        "bk_referrals": referral_selectors.student_referrals(user=user, student=student),
        "strengths": strengths.student_strengths(
            student=student,
            scores=scores,
            achievements=points["points"]["achievements"],
            summaries=summaries,
            interventions=interventions,
            counselling=can_see(user, FieldGroup.COUNSELLING, student),
        ),
        "pkl_placements": list(
            PklPlacement.objects.filter(student=student)
            .select_related("term")
            .order_by("-term__year", "-term__semester")
        ),
    }


def counselling_home_context(*, user: User) -> dict:
    """For `templates/interventions/_home_counselling.html` (bk and walikelas home pages)."""
    if user.role not in ("bk", "walikelas"):
        return {}
    return {
        "open_referrals": referral_selectors.open_referrals(user=user, limit=10)
        if permissions.can_handle_referrals(user)
        else None,
        "point_todos": conduct_selectors.open_todos(user=user),
        "point_todos_done": conduct_selectors.recently_done_todos(user=user),
        "improving": strengths.improving_students(user=user),
        "unattended": unattended.unattended_for_user(user=user),
        "unattended_days": unattended.contact_days(),
    }


def todo_home_context(*, user: User) -> dict:
    """For `templates/actions/_home_todos.html` (every staff home page): the user's to-dos
    with their overdue BK follow-ups and (bk) the referrals waiting for an answer, their
    class's, those they gave."""
    also = case_selectors.overdue_follow_up_rows(user=user)
    also += referral_selectors.referral_answer_rows(user=user)
    return action_selectors.todo_home_context(user=user, also=also)
