"""Writes for notifications that belong to the top layer: a person's digest preference and
the daily e-mail digest (names and links only, never notes)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.notifications import Notification, NotificationPreference
from students.models import User


def digest_preference_set(*, user: User, daily_digest: bool, request=None) -> bool:
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": bool(daily_digest)}
    )
    audit_log(
        action="notification.preference",
        user=user,
        request=request,
        detail={"daily_digest": bool(daily_digest)},
    )
    return bool(daily_digest)


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def notifications_digest_send() -> int:
    """One e-mail per person who chose the daily digest, with an address, listing their unread
    notifications not yet e-mailed: the same names and links as the page, never a note.
    Each notification is e-mailed once, so a second run the same day sends nothing. Returns
    the number of e-mails sent."""
    wanted = NotificationPreference.objects.filter(daily_digest=True).values_list(
        "user_id", flat=True
    )
    pending = (
        Notification.objects.filter(
            user_id__in=wanted, read_at__isnull=True, emailed_at__isnull=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "-created_at")
    )
    by_user: dict[User, list[Notification]] = defaultdict(list)
    for n in pending:
        by_user[n.user].append(n)
    sent = 0
    for user, rows in by_user.items():
        lines = [f"- {n.text}" + (f"\n  {_absolute(n.url)}" if n.url else "") for n in rows]
        sent += send_mail(
            subject=_("SMK Dashboard: %(n)d pemberitahuan baru") % {"n": len(rows)},
            message=_("Pemberitahuan baru untuk Anda:") + "\n\n" + "\n".join(lines) + "\n\n"
            + _("Buka %(url)s untuk melihat semuanya.") % {"url": _absolute("/notifications/")},
            from_email=None,
            recipient_list=[user.email],
            fail_silently=False,
        )  # fmt: skip
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    return sent
