"""The audit trail: who did what to which record, when and from where; append-only.

The rows belong to the `smk_dashboard` Django app (its migrations and table names), while the
code lives in the lowest layer so that every app can write the trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry outside the retention purge."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Catatan audit tidak boleh diubah.")

    def delete(self):
        raise AppendOnlyError("Catatan audit hanya dihapus oleh purge_audit (masa simpan).")

    def _purge(self) -> int:
        """Only `audit_purge` calls this: rows past the retention period go."""
        return super().delete()[0]


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    school = models.ForeignKey(
        "students.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("tindakan"), max_length=40, db_index=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        app_label = "smk_dashboard"
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        indexes = [models.Index(fields=["school", "-at"], name="audit_school_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs):
        # Append-only: a row is written once. (PostgreSQL also refuses UPDATE by trigger.)
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Catatan audit tidak boleh diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Catatan audit hanya dihapus oleh purge_audit (masa simpan).")
