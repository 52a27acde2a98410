"""Guidance and counselling (BK) interventions and their follow-up sessions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.catalogue import shipped_label
from smk_dashboard.core.crypto import EncryptedTextField


class Tier(models.IntegerChoices):
    UNIVERSAL = 1, _("1 – universal")
    TARGETED = 2, _("2 – terarah")
    INTENSIVE = 3, _("3 – intensif")


class Programme(models.Model):
    """A BK service offered by one school (konseling individual, kunjungan rumah, ...)."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nama layanan"), max_length=120)
    tier = models.PositiveSmallIntegerField(_("tingkat"), choices=Tier.choices)
    description = models.TextField(_("keterangan"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["school", "tier", "name"]
        verbose_name = _("layanan BK")
        verbose_name_plural = _("layanan BK")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="programme_unique_name")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name as read: a shipped service translated, a school's own as typed."""
        return shipped_label(self.name)


class Status(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    IN_PROGRESS = "in_progress", _("Berjalan")
    COMPLETED = "completed", _("Selesai")
    STOPPED = "stopped", _("Dihentikan")


class Outcome(models.TextChoices):
    IMPROVED = "improved", _("Membaik")
    NO_CHANGE = "no_change", _("Tidak berubah")
    WORSE = "worse", _("Memburuk")
    UNKNOWN = "unknown", _("Belum diketahui")


class Intervention(models.Model):
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="interventions"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    # Free text about a student: encrypted at rest like the session notes.
    reason = EncryptedTextField(_("alasan"))
    goal = EncryptedTextField(_("tujuan"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_interventions"
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="interventions"
    )
    start_date = models.DateField(_("tanggal mulai"))
    follow_up_days = models.PositiveSmallIntegerField(_("tindak lanjut setiap (hari)"), default=14)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.CharField(
        _("hasil"), max_length=10, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    triggered_by = models.ForeignKey(
        "predictions.Prediction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interventions",
        verbose_name=_("prediksi pemicu"),
    )
    # When the next meeting is due; kept by the services (start date, then each session).
    next_follow_up = models.DateField(_("tindak lanjut berikutnya"), null=True, blank=True)
    # Set by the daily check (tasks.follow_up_sweep_task) when next_follow_up has passed.
    overdue_since = models.DateField(_("terlambat sejak"), null=True, blank=True)
    closing_note = EncryptedTextField(_("catatan penutup"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("intervensi")
        verbose_name_plural = _("intervensi")
        indexes = [
            models.Index(fields=["student", "status"], name="intervention_student_status"),
            models.Index(fields=["status", "next_follow_up"], name="intervention_follow_up"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.student}"

    @property
    def is_open(self) -> bool:
        return self.status in (Status.PLANNED, Status.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        """Marked by the daily check, or already past due before the next check runs."""
        if not self.is_open:
            return False
        if self.overdue_since is not None:
            return True
        return self.next_follow_up is not None and self.next_follow_up < timezone.localdate()


class SessionKind(models.TextChoices):
    SESSION = "session", _("Sesi konseling")
    HOME_VISIT = "home_visit", _("Kunjungan rumah")
    CASE_CONFERENCE = "case_conference", _("Konferensi kasus")
    REFERRAL = "referral", _("Rujukan keluar (alih tangan kasus)")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Dikirim")
    ACCEPTED = "accepted", _("Diterima")
    DECLINED = "declined", _("Ditolak")
    COMPLETED = "completed", _("Selesai")


# Fields that hold what happened in a session: read under the same rule as the notes.
SESSION_CONTENT_FIELDS = (
    "notes",
    "attendees",
    "visit_address",
    "findings",
    "referral_reason",
    "referral_outcome",
)


class InterventionSession(models.Model):
    """One follow-up meeting. `notes` are confidential: encrypted at rest. A home visit, case
    conference or referral out carries its own fields; a "sangat rahasia" session (child
    protection) is readable only by the intervention's owner and the kepala sekolah."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("tanggal"))
    notes = EncryptedTextField(_("catatan konseling"), blank=True)
    attended = models.BooleanField(_("siswa hadir"), default=True)
    next_follow_up = models.DateField(_("tindak lanjut berikutnya"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(
        _("jenis sesi"), max_length=16, choices=SessionKind.choices, default=SessionKind.SESSION
    )
    very_confidential = models.BooleanField(_("sangat rahasia"), default=False)
    attendees = EncryptedTextField(_("yang hadir / peserta"), blank=True)
    visit_address = EncryptedTextField(_("alamat yang dikunjungi"), blank=True)
    findings = EncryptedTextField(_("temuan"), blank=True)
    referral_to = models.CharField(_("dirujuk ke"), max_length=200, blank=True)
    referral_reason = EncryptedTextField(_("alasan rujukan"), blank=True)
    referral_status = models.CharField(
        _("status rujukan"), max_length=10, choices=ReferralStatus.choices, blank=True
    )
    referral_outcome = EncryptedTextField(_("hasil rujukan"), blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("sesi")
        verbose_name_plural = _("sesi")

    def __str__(self) -> str:
        return f"{self.intervention_id} {self.date}"


class CaseDecision(models.Model):
    """A decision of a case conference, with who carries it out and by when."""

    session = models.ForeignKey(
        InterventionSession, on_delete=models.CASCADE, related_name="decisions"
    )
    decision = EncryptedTextField(_("keputusan"))
    # The person from the school's staff who carries it out; `responsible` keeps their name,
    # or the text typed before issue 24 where no staff member matched it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("penanggung jawab (staf)"),
    )
    responsible = models.CharField(_("penanggung jawab"), max_length=120)
    due_date = models.DateField(_("batas waktu"))
    done_at = models.DateField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("keputusan konferensi kasus")
        verbose_name_plural = _("keputusan konferensi kasus")

    def __str__(self) -> str:
        return f"{self.session_id} {self.due_date}"


class SweepStatus(models.TextChoices):
    RUNNING = "running", _("Berjalan")
    SUCCEEDED = "succeeded", _("Berhasil")
    FAILED = "failed", _("Gagal")


class FollowUpSweep(models.Model):
    """One run of the daily check for overdue follow-ups: a job row the task keeps up to date."""

    day = models.DateField(_("tanggal pemeriksaan"))
    status = models.CharField(
        max_length=10, choices=SweepStatus.choices, default=SweepStatus.RUNNING
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    marked = models.PositiveIntegerField(_("baru terlambat"), default=0)
    cleared = models.PositiveIntegerField(_("tidak lagi terlambat"), default=0)
    emails_sent = models.PositiveIntegerField(_("e-mail terkirim"), default=0)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("pemeriksaan tindak lanjut")
        verbose_name_plural = _("pemeriksaan tindak lanjut")

    def __str__(self) -> str:
        return f"{self.day} {self.status}"
