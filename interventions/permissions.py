"""Who may do what with interventions. Plain predicates: views, services and templates ask
these, so the rules live in one place.

- see interventions: bk and kepsek (their school), walikelas (students in their scope);
- create one: bk and walikelas;
- manage one (start, log a session, close, delete): bk of the school and the owner;
- read counselling notes: bk of the school and the owner; never guru, never kepsek unless owner;
- edit a session's notes: only the person who wrote them;
- edit the programme catalogue: bk and operator;
- read the effectiveness report (aggregates, no names): bk, kepsek and operator.
"""

from smk_dashboard.core.roles import (
    INTERVENTION_CREATOR_ROLES,
    INTERVENTION_REPORT_ROLES,
    INTERVENTION_VIEWER_ROLES,
    PROGRAMME_CATALOGUE_ROLES,
    Role,
)
from students.models import User

from .models import Intervention, InterventionSession


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_interventions(user: User) -> bool:
    return _active(user) and (user.is_superuser or user.role in INTERVENTION_VIEWER_ROLES)


def can_create_interventions(user: User) -> bool:
    return _active(user) and user.role in INTERVENTION_CREATOR_ROLES and user.school_id is not None


def _same_school(user: User, intervention: Intervention) -> bool:
    return user.school_id is not None and user.school_id == intervention.student.school_id


def can_manage(user: User, intervention: Intervention) -> bool:
    if not _active(user):
        return False
    if intervention.owner_id == user.id:
        return True
    return user.role == Role.BK and _same_school(user, intervention)


def can_read_notes(user: User, intervention: Intervention) -> bool:
    """Counselling notes: bk of the student's school and the intervention's owner only."""
    if not _active(user) or user.role == Role.GURU:
        return False
    if intervention.owner_id == user.id:
        return True
    return user.role == Role.BK and _same_school(user, intervention)


def can_edit_session(user: User, session: InterventionSession) -> bool:
    return session.created_by_id == user.id and can_manage(user, session.intervention)


def can_edit_catalogue(user: User) -> bool:
    return _active(user) and user.role in PROGRAMME_CATALOGUE_ROLES and user.school_id is not None


def can_view_effectiveness(user: User) -> bool:
    return _active(user) and user.role in INTERVENTION_REPORT_ROLES and user.school_id is not None
