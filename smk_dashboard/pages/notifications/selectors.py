"""Reads of a person's own notifications."""

from django.db.models import QuerySet

from smk_dashboard.core.notifications import Notification, NotificationPreference
from students.models import User


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (only ever their own)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def digest_preference(*, user: User) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return bool(pref and pref.daily_digest)
