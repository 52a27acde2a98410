"""What the student profile and the home pages show of the counselling work (issue 17):
points, to-dos, parent contact, strengths. smk_dashboard/pages calls these two functions, so
its own files change by one line each."""

from students.models import Student, User

from . import conduct_selectors, contact_selectors


def counselling_profile_context(*, user: User, student: Student) -> dict:
    """For `templates/interventions/_counselling_profile.html`, on a profile the user may open."""
    return {
        **conduct_selectors.points_profile_context(user=user, student=student),
        **contact_selectors.contacts_profile_context(user=user, student=student),
    }


def counselling_home_context(*, user: User) -> dict:
    """For `templates/interventions/_home_counselling.html` (bk and walikelas home pages)."""
    if user.role not in ("bk", "walikelas"):
        return {}
    return {"point_todos": conduct_selectors.open_todos(user=user)}
