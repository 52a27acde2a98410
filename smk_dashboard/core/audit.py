"""Writing and reading the audit trail. Call `audit_log` from services and views; rows are
never updated, and only `audit_purge` (the retention period) deletes them."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEvent
from .roles import AUDIT_READER_ROLES

# Fields whose change alters what a user may see or do.
PERMISSION_FIELDS = ("role", "school_id", "district", "is_active", "is_staff", "is_superuser")


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    action: str,
    user=None,
    request: HttpRequest | None = None,
    target: models.Model | None = None,
    school=None,
    detail: dict | None = None,
    anonymous_username: str = "",
) -> AuditEvent:
    """Append one entry. `action` is a dotted verb such as `student.view`, `note.read`,
    `export.csv`, `import.confirm`, `training.start`, `model.promote`, `login.failed`."""
    request_user = getattr(request, "user", None) if request is not None else None
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    if school is None:
        school = getattr(target, "school", None) or getattr(user, "school", None)
    return AuditEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=getattr(user, "username", "") or anonymous_username,
        school=school,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        detail=detail or {},
    )


def audit_student_list(
    *, request: HttpRequest, action: str, student_ids, detail: dict | None = None, target=None
) -> AuditEvent:
    """One entry for one page of a list of students (`student.list`, `intervention.list`):
    the ids of the students it showed, in order, each once."""
    ids = list(dict.fromkeys(int(i) for i in student_ids))
    return audit_log(
        action=action,
        request=request,
        target=target,
        detail={**(detail or {}), "student_ids": ids},
    )


def permission_snapshot(user) -> dict:
    """The permission-relevant fields of a user, to compare before and after a change."""
    return {field: getattr(user, field) for field in PERMISSION_FIELDS}


def audit_permission_change(
    *, actor, user, before: dict, request: HttpRequest | None = None, extra: dict | None = None
) -> AuditEvent | None:
    """Record a change of role, school, district, active or staff flags (or groups and
    permissions, passed in `extra`). Nothing is written when nothing changed."""
    after = permission_snapshot(user)
    changes = {
        field: [before.get(field), after[field]]
        for field in PERMISSION_FIELDS
        if before.get(field) != after[field]
    }
    changes.update(extra or {})
    if not changes:
        return None
    return audit_log(
        action="user.permissions",
        user=actor,
        request=request,
        target=user,
        school=user.school or getattr(actor, "school", None),
        detail={"changes": changes},
    )


def audit_events_for_user(*, user, filters: dict | None = None) -> QuerySet[AuditEvent]:
    """Audit entries a kepsek or operator may read: their own school's; all for superusers."""
    qs = AuditEvent.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if not user.is_superuser:
        if user.role not in AUDIT_READER_ROLES or user.school_id is None:
            return qs.none()
        qs = qs.filter(school_id=user.school_id)
    filters = filters or {}
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"])
    if filters.get("username"):
        qs = qs.filter(username__icontains=filters["username"])
    if filters.get("date_from"):
        qs = qs.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(at__date__lte=filters["date_to"])
    return qs.order_by("-at", "-id")


def audit_purge(*, now: dt.datetime | None = None, retention_days: int | None = None) -> int:
    """Delete entries older than the retention period (settings.AUDIT_RETENTION_DAYS) and
    record the purge itself. Returns how many entries went."""
    days = settings.AUDIT_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValueError("AUDIT_RETENTION_DAYS harus minimal 1 hari.")
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = AuditEvent.objects.filter(at__lt=cutoff)._purge()
    audit_log(
        action="audit.purge",
        detail={"deleted": deleted, "before": cutoff.isoformat(), "retention_days": days},
    )
    return deleted
