"""In-app notifications (issue 24): "what is new for me". The rows belong to the
`smk_dashboard` app, while the code lives in the lowest layer so that every app (predictions'
teacher's notes, interventions' referrals and to-dos) can notify without importing the others.
A notification holds names and a link only, never a note: what it points at is read on its
own page, under that page's rules."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TODO_ASSIGNED = "todo", _("Tugas untuk Anda")
    REFERRAL_ANSWERED = "referral", _("Rujukan dijawab")
    THRESHOLD = "threshold", _("Batas poin tercapai")
    TEACHER_NOTE = "note", _("Catatan guru")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=NotificationKind.choices)
    # Names and a link, never a note (the digest e-mail sends the same text).
    text = models.CharField(_("pemberitahuan"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "smk_dashboard"
        ordering = ["-created_at", "-id"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.created_at:%Y-%m-%d}"


class NotificationPreference(models.Model):
    """A person's choice of a daily e-mail digest (off unless they turn it on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref"
    )
    daily_digest = models.BooleanField(_("ringkasan harian lewat e-mail"), default=False)

    class Meta:
        app_label = "smk_dashboard"
        verbose_name = _("pilihan pemberitahuan")
        verbose_name_plural = _("pilihan pemberitahuan")

    def __str__(self) -> str:
        return f"{self.user_id} digest={self.daily_digest}"


def notify(*, users: Iterable, kind: str, text: str, url: str = "", exclude=None) -> int:
    """One notification per distinct active user of `users` (None skipped; `exclude`, usually
    whoever acted, gets none). `text` must hold names only. Returns how many were written."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind, text=str(text)[:300], url=url[:300]))
    with transaction.atomic():
        Notification.objects.bulk_create(rows)
        if seen:
            get_user_model().objects.filter(pk__in=seen).update(
                unread_notifications=F("unread_notifications") + 1
            )
    return len(rows)


def unread_count(*, user) -> int:
    """The count the bar shows: kept on the user row, so reading it costs no query."""
    return int(getattr(user, "unread_notifications", 0) or 0)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or those of `ids`); the count on the
    user row is recounted."""
    with transaction.atomic():
        qs = Notification.objects.filter(user=user, read_at__isnull=True)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        marked = qs.update(read_at=timezone.now())
        left = Notification.objects.filter(user=user, read_at__isnull=True).count()
        get_user_model().objects.filter(pk=user.pk).update(unread_notifications=left)
    user.unread_notifications = left
    return marked
