"""Writes for to-dos (issue 24): create one (from a case-conference decision or a parent
contact's follow-up), mark it done, give it to someone else, move its date. Every change is
audited; the new owner is notified. Bad input raises ValidationError and writes nothing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.notifications import NotificationKind, notify
from students.models import Student, User

from . import permissions
from .models import ActionItem, ActionSource, ActionStatus

TEXT_MAX = 1000


def _check_owner(*, owner: User | None, school_id: int) -> None:
    if (
        owner is None
        or not owner.is_active
        or owner.school_id != school_id
        or owner.role not in permissions.OWNER_ROLES
    ):
        raise ValidationError(_("Pilih penanggung jawab dari staf sekolah ini."))


def _notify_owner(item: ActionItem, *, actor: User | None) -> None:
    notify(
        users=[item.owner],
        kind=NotificationKind.TODO_ASSIGNED,
        text=_("Tugas baru: %(source)s · %(student)s · batas %(date)s")
        % {
            "source": ActionSource(item.source).label,
            "student": item.student.name,
            "date": item.due_date.strftime("%d-%m-%Y"),
        },
        url=reverse("home") + "#todos",
        exclude=actor,
    )


def action_item_create(
    *,
    student: Student,
    owner: User,
    source: str,
    text: str,
    due_date: dt.date,
    created_by: User | None,
    request: HttpRequest | None = None,
    **source_rows,
) -> ActionItem:
    """A to-do for `owner` (a staff member of the student's school) about `student`, due on
    `due_date`. `source_rows`: the record it came from (decision=, contact=, point_todo=,
    intervention=). The owner is notified unless they made it themselves."""
    _check_owner(owner=owner, school_id=student.school_id)
    text = (text or "").strip()
    if source not in ActionSource.values or not text or due_date is None:
        raise ValidationError(_("Tugas perlu isi, penanggung jawab dan batas waktu."))
    item = ActionItem.objects.create(
        school_id=student.school_id,
        student=student,
        owner=owner,
        source=source,
        text=text[:TEXT_MAX],
        due_date=due_date,
        created_by=created_by,
        **source_rows,
    )
    audit_log(
        action="todo.create",
        user=created_by,
        request=request,
        target=item,
        school=student.school,
        detail={"student_id": student.pk, "owner": owner.pk, "source": source},
    )
    _notify_owner(item, actor=created_by)
    return item


def _check_can_act(user: User, item: ActionItem) -> None:
    if not permissions.can_act(user, item):
        raise ValidationError(
            _("Hanya penanggung jawab, pemberi tugas dan guru BK yang dapat mengubah tugas ini.")
        )


def _sync_decision(item: ActionItem) -> None:
    """A decision's own `done_at` follows its to-do (the intervention page shows it)."""
    if item.decision_id:
        done = item.done_at.date() if item.status == ActionStatus.DONE and item.done_at else None
        type(item.decision).objects.filter(pk=item.decision_id).update(done_at=done)


def action_item_done(
    *, user: User, item: ActionItem, request: HttpRequest | None = None
) -> ActionItem:
    """Mark a to-do done (safe to repeat)."""
    return _status_set(user=user, item=item, done=True, request=request)


def action_item_reopen(
    *, user: User, item: ActionItem, request: HttpRequest | None = None
) -> ActionItem:
    """Open a to-do marked done by mistake."""
    return _status_set(user=user, item=item, done=False, request=request)


def _status_set(
    *, user: User, item: ActionItem, done: bool, request: HttpRequest | None
) -> ActionItem:
    """Done or open again, with its case-conference decision and an audit row; nothing when
    the to-do is already so (safe to repeat)."""
    _check_can_act(user, item)
    status = ActionStatus.DONE if done else ActionStatus.OPEN
    if item.status == status:
        return item
    with transaction.atomic():
        item.status = status
        item.done_at, item.done_by = (timezone.now(), user) if done else (None, None)
        item.save(update_fields=["status", "done_at", "done_by", "updated_at"])
        _sync_decision(item)
        audit_log(
            action="todo.done" if done else "todo.reopen",
            user=user,
            request=request,
            target=item,
            school=item.student.school,
            detail={"student_id": item.student_id},
        )
    return item


def action_item_reassign(
    *, user: User, item: ActionItem, owner: User | None, request: HttpRequest | None = None
) -> ActionItem:
    """Give an open to-do to another staff member of the school; they are notified."""
    _check_can_act(user, item)
    _check_owner(owner=owner, school_id=item.school_id)
    if not item.is_open:
        raise ValidationError(_("Tugas ini sudah selesai atau dibatalkan."))
    if owner.pk == item.owner_id:
        return item
    previous = item.owner_id
    with transaction.atomic():
        item.owner = owner
        item.save(update_fields=["owner", "updated_at"])
        if item.decision_id:
            name = (owner.get_full_name() or owner.username)[:120]
            type(item.decision).objects.filter(pk=item.decision_id).update(
                owner=owner, responsible=name
            )
        audit_log(
            action="todo.reassign",
            user=user,
            request=request,
            target=item,
            school=item.student.school,
            detail={"student_id": item.student_id, "from": previous, "to": owner.pk},
        )
    _notify_owner(item, actor=user)
    return item


def action_item_reschedule(
    *, user: User, item: ActionItem, due_date: dt.date | None, request: HttpRequest | None = None
) -> ActionItem:
    """Move an open to-do's due date (not into the past)."""
    _check_can_act(user, item)
    if due_date is None:
        raise ValidationError(_("Isi batas waktu yang baru."))
    if due_date < timezone.localdate():
        raise ValidationError(_("Batas waktu baru tidak boleh di masa lalu."))
    if not item.is_open:
        raise ValidationError(_("Tugas ini sudah selesai atau dibatalkan."))
    previous = item.due_date
    with transaction.atomic():
        item.due_date = due_date
        item.save(update_fields=["due_date", "updated_at"])
        if item.decision_id:
            type(item.decision).objects.filter(pk=item.decision_id).update(due_date=due_date)
        audit_log(
            action="todo.reschedule",
            user=user,
            request=request,
            target=item,
            school=item.student.school,
            detail={
                "student_id": item.student_id,
                "from": previous.isoformat(),
                "to": due_date.isoformat(),
            },
        )
    return item
