"""A teacher's referral of a student to the counsellor ("Rujuk ke BK", issue 14). The teacher
writes a short reason; bk sees it in the caseload and on the home page and accepts it into an
intervention (or declines it); the teacher sees its status on the profile.
Imported by interventions.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.crypto import EncryptedTextField

REFERRAL_REASON_MAX = 500


class BkReferralStatus(models.TextChoices):
    OPEN = "open", _("Menunggu BK")
    ACCEPTED = "accepted", _("Diterima BK")
    DECLINED = "declined", _("Tidak dilanjutkan")


class DeclineReason(models.TextChoices):
    """Why bk does not take a referral on (issue 24): the teacher reads it on the profile."""

    HANDLED_ELSEWHERE = "elsewhere", _("Sudah ditangani di layanan lain")
    WALIKELAS_FIRST = "walikelas", _("Ditangani dulu oleh wali kelas")
    NOT_NEEDED = "not_needed", _("Belum perlu layanan BK saat ini")
    DUPLICATE = "duplicate", _("Rujukan ganda: siswa sudah dalam intervensi")
    OTHER = "other", _("Alasan lain")


DECLINE_NOTE_MAX = 500


class BkReferral(models.Model):
    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="bk_referrals"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Free text about a student: encrypted at rest.
    reason = EncryptedTextField(_("alasan rujukan"), max_length=REFERRAL_REASON_MAX)
    status = models.CharField(
        _("status"), max_length=10, choices=BkReferralStatus.choices, default=BkReferralStatus.OPEN
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bk_referrals",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(
        _("alasan tidak dilanjutkan"), max_length=12, choices=DeclineReason.choices, blank=True
    )
    # bk's words to the teacher who referred: encrypted at rest like the reason.
    decline_note = EncryptedTextField(_("keterangan untuk guru"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rujukan ke BK")
        verbose_name_plural = _("rujukan ke BK")
        indexes = [models.Index(fields=["school", "status"], name="bkreferral_school_status")]

    def __str__(self) -> str:
        return f"{self.student_id} → BK ({self.status})"
