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
    PARENT_CONTACT_ROLES,
    POINT_CATALOGUE_ROLES,
    POINT_RECORDER_ROLES,
    POINT_VOID_ROLES,
    PROGRAMME_CATALOGUE_ROLES,
    Role,
)
from students.models import Student, User

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


# --- Conduct points, parent contact, letters (issue 17) ---------------------------------------
# Rows are scoped by students.selectors.student_queryset_for_user; these say what a role may do.


def _school_role(user: User, allowed: frozenset[str]) -> bool:
    return _active(user) and user.role in allowed and user.school_id is not None


def can_record_points(user: User) -> bool:
    """guru, walikelas and bk record behaviours of students in their scope."""
    return _school_role(user, POINT_RECORDER_ROLES)


def can_void_points(user: User) -> bool:
    """Only bk and kepsek void an entry, with a reason that is audited."""
    return _school_role(user, POINT_VOID_ROLES)


def can_edit_point_catalogue(user: User) -> bool:
    return _school_role(user, POINT_CATALOGUE_ROLES)


def is_homeroom_teacher(user: User, student: Student) -> bool:
    school_class = student.school_class
    return bool(
        user.role == Role.WALIKELAS
        and school_class is not None
        and school_class.homeroom_teacher_id == user.id
    )


def can_act_on_todo(user: User, student: Student) -> bool:
    """A crossed threshold is bk's (the student's school) and the student's walikelas' to-do."""
    if not _active(user) or user.school_id != student.school_id:
        return False
    return user.role == Role.BK or is_homeroom_teacher(user, student)


def can_contact_parents(user: User, student: Student) -> bool:
    """Log a parent contact and generate letters: bk of the school, the student's walikelas."""
    if not _school_role(user, PARENT_CONTACT_ROLES) or user.school_id != student.school_id:
        return False
    return user.role == Role.BK or is_homeroom_teacher(user, student)


def can_view_contacts(user: User, student: Student) -> bool:
    """The contact log (dates, channels, letters; not the summaries): bk and kepsek of the
    school and the student's walikelas."""
    if not _active(user) or user.school_id != student.school_id:
        return False
    return user.role in (Role.BK, Role.KEPSEK) or is_homeroom_teacher(user, student)


def can_read_contact_summary(user: User, contact) -> bool:
    """A contact's summary is confidential like counselling notes: bk of the school and whoever
    recorded it."""
    if not _active(user) or user.school_id != contact.student.school_id:
        return False
    return user.role == Role.BK or contact.recorded_by_id == user.id


def can_edit_letter_templates(user: User) -> bool:
    return _school_role(user, POINT_CATALOGUE_ROLES)


def can_read_session(user: User, session: InterventionSession) -> bool:
    """What happened in a session (notes, findings, decisions, referral). A "sangat rahasia"
    session: only the intervention's owner and the kepala sekolah of the school; any other:
    as counselling notes (`can_read_notes`)."""
    intervention = session.intervention
    if not session.very_confidential:
        return can_read_notes(user, intervention)
    if not _active(user) or not _same_school(user, intervention):
        return False
    return intervention.owner_id == user.id or user.role == Role.KEPSEK


def can_mark_very_confidential(user: User, intervention: Intervention) -> bool:
    """Only the owning counsellor writes a "sangat rahasia" session (others could not read
    it back)."""
    return _active(user) and intervention.owner_id == user.id


def can_print_pack(user: User, student: Student) -> bool:
    """The one-page student pack: bk and kepsek of the school, the student's walikelas."""
    if not _active(user) or user.school_id != student.school_id:
        return False
    return user.role in (Role.BK, Role.KEPSEK) or is_homeroom_teacher(user, student)


# --- Referrals to bk (issue 14) -------------------------------------------------------------


def can_refer_to_bk(user: User) -> bool:
    """Subject teachers and walikelas refer students in their scope to the counsellor."""
    return _active(user) and user.role in (Role.GURU, Role.WALIKELAS) and user.school_id is not None


def can_handle_referrals(user: User) -> bool:
    """bk of the school accepts a referral into an intervention, or declines it."""
    return _active(user) and user.role == Role.BK and user.school_id is not None


def can_see_referral(user: User, referral) -> bool:
    """A referral (reason, status): whoever wrote it, bk of the school, the student's
    walikelas."""
    if not _active(user) or user.school_id != referral.school_id:
        return False
    if referral.referred_by_id == user.id or user.role == Role.BK:
        return True
    return is_homeroom_teacher(user, referral.student)
