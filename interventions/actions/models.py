"""One to-do for everything someone must do by a date (issue 24): a case-conference decision,
a parent contact's follow-up, a crossed point threshold, a referral to answer. Named
`ActionItem` so that it is not confused with Celery's `tasks.py`. Imported by
interventions.models."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.crypto import EncryptedTextField


class ActionSource(models.TextChoices):
    DECISION = "decision", _("Keputusan konferensi kasus")
    CONTACT = "contact", _("Tindak lanjut kontak orang tua")
    THRESHOLD = "threshold", _("Batas poin tercapai")
    REFERRAL = "referral", _("Jawaban rujukan")
    SESSION = "session", _("Sesi BK terlambat")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Belum selesai")
    DONE = "done", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class ActionItem(models.Model):
    """A to-do. `text` is what must be done (for a decision, the decision itself): encrypted at
    rest and shown only to those who may read its source (the owner always); never a
    counselling summary."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="action_items"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("penanggung jawab"),
    )
    source = models.CharField(_("asal"), max_length=10, choices=ActionSource.choices)
    text = EncryptedTextField(_("yang harus dilakukan"))
    due_date = models.DateField(_("batas waktu"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    # The record it came from (one of these, by `source`).
    decision = models.OneToOneField(
        "interventions.CaseDecision",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_item",
    )
    contact = models.ForeignKey(
        "interventions.ParentContact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    point_todo = models.ForeignKey(
        "interventions.PointTodo",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("tugas")
        verbose_name_plural = _("tugas")
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_status_due"),
            models.Index(fields=["school", "status"], name="action_school_status"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.student_id} {self.due_date} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()
