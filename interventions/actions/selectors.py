"""Reads for to-dos (issue 24), scoped to the user: mine (overdue first), my class's (the
walikelas), a student's (the pack), and the staff a to-do can be given to. Overdue BK
follow-ups of the interventions a user owns are listed through the same rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from smk_dashboard.core.roles import INTERVENTION_VIEWER_ROLES
from students.models import Role, Student, User

from . import permissions
from .models import ActionItem, ActionSource, ActionStatus

HOME_LIMIT = 20


def action_item_queryset_for_user(*, user: User) -> QuerySet[ActionItem]:
    """To-dos the user may see: their own and those they gave; bk and kepsek, the school's;
    walikelas, those about the students of their homeroom class."""
    if not permissions.can_use_todos(user):
        return ActionItem.objects.none()
    qs = ActionItem.objects.filter(school_id=user.school_id)
    if user.role in (Role.BK, Role.KEPSEK):
        return qs
    mine = Q(owner=user) | Q(created_by=user)
    if user.role == Role.WALIKELAS:
        mine |= Q(student__school_class__homeroom_teacher=user)
    return qs.filter(mine)


def action_item_get(*, user: User, pk: int) -> ActionItem:
    try:
        return (
            action_item_queryset_for_user(user=user)
            .select_related("student", "student__school", "owner", "decision__session")
            .get(pk=pk)
        )
    except ActionItem.DoesNotExist:
        raise Http404("todo")


@dataclass(frozen=True)
class TodoRow:
    """One line of a to-do list. `text` is None where the user may not read it."""

    source: str
    source_label: str
    text: str | None
    student: Student
    owner: User
    due_date: dt.date
    status: str
    overdue: bool
    url: str
    item: ActionItem | None = None  # None: an overdue follow-up (acted on at its page)
    can_act: bool = False


def todo_rows(user: User, items) -> list[TodoRow]:
    """Rows for `items`, each with its text only where `user` may read it."""
    return [
        TodoRow(
            source=i.source,
            source_label=ActionSource(i.source).label,
            text=i.text if permissions.can_read_text(user, i) else None,
            student=i.student,
            owner=i.owner,
            due_date=i.due_date,
            status=i.status,
            overdue=i.is_overdue,
            url=reverse("interventions:detail", args=[i.intervention_id])
            if i.intervention_id and user.role in INTERVENTION_VIEWER_ROLES
            else reverse("students:profile", args=[i.student_id]),
            item=i,
            can_act=permissions.can_act(user, i),
        )
        for i in items
    ]


def _with_related(qs: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return qs.select_related(
        "student", "student__school_class", "owner", "decision", "decision__session"
    )


def my_todos(
    *, user: User, limit: int = HOME_LIMIT, also: list[TodoRow] | None = None
) -> list[TodoRow]:
    """The user's open to-dos, overdue first then by due date. `also`: rows of other sources
    listed with them (the overdue BK follow-ups, cases.selectors.overdue_follow_up_rows)."""
    if not permissions.can_use_todos(user):
        return []
    items = _with_related(
        ActionItem.objects.filter(owner=user, status=ActionStatus.OPEN).order_by("due_date", "id")
    )[:limit]
    rows = todo_rows(user, items) + list(also or [])
    return sorted(rows, key=lambda r: (not r.overdue, r.due_date))[:limit]


def class_todos(*, user: User, limit: int = HOME_LIMIT) -> list[TodoRow]:
    """For the walikelas: open to-dos of others about the students of their class."""
    if user.role != Role.WALIKELAS or not permissions.can_use_todos(user):
        return []
    items = _with_related(
        ActionItem.objects.filter(
            school_id=user.school_id,
            student__school_class__homeroom_teacher=user,
            status=ActionStatus.OPEN,
        )
        .exclude(owner=user)
        .order_by("due_date", "id")
    )[:limit]
    return todo_rows(user, items)


def given_todos(*, user: User, limit: int = HOME_LIMIT) -> list[TodoRow]:
    """To-dos the user gave others, newest change first: open ones and those recently done,
    so bk sees a decision carried out."""
    if not permissions.can_use_todos(user):
        return []
    since = timezone.now() - dt.timedelta(days=14)
    items = _with_related(
        ActionItem.objects.filter(created_by=user)
        .exclude(owner=user)
        .filter(Q(status=ActionStatus.OPEN) | Q(done_at__gte=since))
        .order_by("-updated_at", "-id")
    )[:limit]
    return todo_rows(user, items)


def student_todos(*, user: User, student: Student) -> list[TodoRow]:
    """A student's to-dos (open, and the decisions of case conferences whatever their
    status), for the pack."""
    items = _with_related(
        action_item_queryset_for_user(user=user)
        .filter(student=student)
        .filter(Q(status=ActionStatus.OPEN) | Q(source=ActionSource.DECISION))
        .exclude(status=ActionStatus.CANCELLED)
        .order_by("status", "due_date", "id")
    )[:12]
    return todo_rows(user, items)


def staff_choices(*, school_id: int | None) -> QuerySet[User]:
    """The staff a to-do or a decision can be given to, by name."""
    return User.objects.filter(
        school_id=school_id, is_active=True, role__in=permissions.OWNER_ROLES
    ).order_by("first_name", "last_name", "username")


def todo_home_context(*, user: User, also: list[TodoRow] | None = None) -> dict:
    """For `templates/actions/_home_todos.html`."""
    if not permissions.can_use_todos(user):
        return {}
    return {
        "my_todos": my_todos(user=user, also=also),
        "class_todos": class_todos(user=user),
        "given_todos": given_todos(user=user),
        "todo_staff": list(staff_choices(school_id=user.school_id)),
        "today": timezone.localdate(),
    }


def staff_match(*, school_id: int | None, name: str | None) -> User | None:
    """The one staff member of the school whose username or full name is `name` (case and
    spacing aside); None when none or several match. For decisions typed as text."""
    key = " ".join((name or "").split()).casefold()
    if not key:
        return None
    found = [
        u
        for u in staff_choices(school_id=school_id)
        if key in (u.username.casefold(), " ".join(u.get_full_name().split()).casefold())
    ]
    return found[0] if len(found) == 1 else None


def todo_list(*, user: User, scope: str = "mine", status: str = "open") -> QuerySet[ActionItem]:
    """The to-dos of a list (the API): `scope` mine (owned), given (made by the user for
    others), class (the walikelas: about their class) or all (everything the user may see);
    `status` open, done, cancelled or all. Overdue first, then by due date."""
    qs = action_item_queryset_for_user(user=user)
    if scope == "mine":
        qs = qs.filter(owner=user)
    elif scope == "given":
        qs = qs.filter(created_by=user).exclude(owner=user)
    elif scope == "class":
        qs = qs.filter(student__school_class__homeroom_teacher=user)
    if status != "all":
        qs = qs.filter(status=status)
    return _with_related(qs).order_by("due_date", "id")
