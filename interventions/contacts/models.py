"""Parent contact log and letters to parents (surat panggilan, pemberitahuan, rujukan) from
editable per-school templates. Imported by interventions.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from interventions.conduct.models import LetterKind, PointTodo
from smk_dashboard.core.crypto import EncryptedTextField


class ContactChannel(models.TextChoices):
    PHONE = "telepon", _("Telepon")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "surat", _("Surat")
    MEETING = "tatap_muka", _("Tatap muka")
    HOME_VISIT = "kunjungan_rumah", _("Kunjungan rumah")


class LetterTemplate(models.Model):
    """A school's wording of one kind of letter. `body` may use the placeholders listed in
    interventions.contacts.letters.PLACEHOLDERS, e.g. {nama} and {kelas}."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("jenis surat"), max_length=14, choices=LetterKind.choices)
    letterhead = models.TextField(
        _("kop surat"), help_text=_("Nama sekolah di baris pertama, lalu alamat dan telepon.")
    )
    subject = models.CharField(_("perihal"), max_length=200)
    body = models.TextField(_("isi surat"))
    signer_name = models.CharField(_("nama penanda tangan"), max_length=120, blank=True)
    signer_title = models.CharField(_("jabatan penanda tangan"), max_length=120)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "kind"]
        verbose_name = _("templat surat")
        verbose_name_plural = _("templat surat")
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="letter_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.kind}"


class Letter(models.Model):
    """One generated letter, kept so the same PDF can be printed again. The text is stored as
    written (encrypted: it names the student and the reason)."""

    school = models.ForeignKey("students.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="letters"
    )
    kind = models.CharField(_("jenis surat"), max_length=14, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("nomor surat"), max_length=60)
    date = models.DateField(_("tanggal surat"))
    letterhead = models.TextField()
    subject = models.CharField(_("perihal"), max_length=200)
    body = EncryptedTextField(_("isi surat"))
    signer_name = models.CharField(max_length=120, blank=True)
    signer_title = models.CharField(max_length=120)
    todo = models.ForeignKey(
        PointTodo, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("surat")
        verbose_name_plural = _("surat")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "sequence"], name="letter_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ParentContact(models.Model):
    """One contact with a parent or guardian. `summary` is confidential like counselling notes:
    encrypted at rest, read only by bk of the school and whoever recorded it."""

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="parent_contacts"
    )
    date = models.DateField(_("tanggal"))
    channel = models.CharField(_("cara"), max_length=16, choices=ContactChannel.choices)
    contact_person = models.CharField(_("yang dihubungi"), max_length=120)
    summary = EncryptedTextField(_("ringkasan (rahasia)"), blank=True)
    follow_up = models.CharField(_("tindak lanjut"), max_length=300, blank=True)
    follow_up_date = models.DateField(_("tanggal tindak lanjut"), null=True, blank=True)
    letter = models.OneToOneField(
        Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("kontak orang tua")
        verbose_name_plural = _("kontak orang tua")
        indexes = [models.Index(fields=["student", "date"], name="parent_contact_student_date")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.date} {self.channel}"


class UnattendedCheck(models.Model):
    """One run of the daily "nobody falls through" check: a job row the task keeps up to date.
    Its rows are the students in kurang or over a point threshold with no open intervention
    and no contact (parent contact or session) in the last `contact_days` days."""

    day = models.DateField(_("tanggal pemeriksaan"))
    status = models.CharField(max_length=10, default="running")  # running | succeeded | failed
    contact_days = models.PositiveSmallIntegerField(default=30)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    found = models.PositiveIntegerField(_("siswa ditemukan"), default=0)
    emails_sent = models.PositiveIntegerField(_("e-mail terkirim"), default=0)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("pemeriksaan siswa tanpa tindak lanjut")
        verbose_name_plural = _("pemeriksaan siswa tanpa tindak lanjut")

    def __str__(self) -> str:
        return f"{self.day} {self.status}"


class UnattendedStudent(models.Model):
    check_run = models.ForeignKey(UnattendedCheck, on_delete=models.CASCADE, related_name="rows")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="+")
    kurang = models.BooleanField(default=False)
    points_total = models.IntegerField(default=0)
    over_threshold = models.BooleanField(default=False)
    last_contact = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["check_run", "student_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_run", "student"], name="unattended_once_per_check"
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_run_id} {self.student_id}"
