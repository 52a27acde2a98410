"""Writing the audit trail. Call `audit_log` from services and views; never update rows."""

from django.db import models
from django.http import HttpRequest

from .models import AuditEvent


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
) -> AuditEvent:
    """Append one entry. `action` is a dotted verb such as `student.view`, `note.read`,
    `export.csv`, `import.confirm`, `training.start`, `model.promote`, `login.failed`."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if school is None:
        school = getattr(target, "school", None) or getattr(user, "school", None)
    return AuditEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=getattr(user, "username", "") or "",
        school=school,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        detail=detail or {},
    )
