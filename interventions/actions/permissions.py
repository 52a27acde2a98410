"""Who may see, act on and read a to-do (issue 24)."""

from smk_dashboard.core.roles import RISK_VIEWER_ROLES
from students.models import Role, User

from .models import ActionItem, ActionSource

# The staff a to-do can be given to: the school's teachers, counsellors and principal.
OWNER_ROLES = RISK_VIEWER_ROLES


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.school_id is not None)


def can_use_todos(user: User) -> bool:
    return _active(user) and user.role in OWNER_ROLES


def can_act(user: User, item: ActionItem) -> bool:
    """Done, reassign, reschedule: its owner, whoever gave it, bk of the school."""
    if not _active(user) or user.school_id != item.school_id:
        return False
    return user.pk in (item.owner_id, item.created_by_id) or user.role == Role.BK


def can_read_text(user: User, item: ActionItem) -> bool:
    """What must be done: the owner and whoever gave it always; bk of the school unless the
    decision came from a "sangat rahasia" case conference. Others (the walikelas seeing their
    class's to-dos, the principal) read only its kind, student and date."""
    if not _active(user) or user.school_id != item.school_id:
        return False
    if user.pk in (item.owner_id, item.created_by_id):
        return True
    if user.role != Role.BK:
        return False
    if item.source == ActionSource.DECISION and item.decision_id:
        return not item.decision.session.very_confidential
    return True
