"""Parent contact log and letters to parents (surat panggilan, pemberitahuan, rujukan) from
editable per-school templates. Imported by interventions.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.crypto import EncryptedTextField

from .conduct_models import LetterKind, PointTodo


class ContactChannel(models.TextChoices):
    PHONE = "telepon", _("Telepon")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "surat", _("Surat")
    MEETING = "tatap_muka", _("Tatap muka")
    HOME_VISIT = "kunjungan_rumah", _("Kunjungan rumah")


class LetterTemplate(models.Model):
    """A school's wording of one kind of letter. `body` may use the placeholders listed in
    interventions.letters.PLACEHOLDERS, e.g. {nama} and {kelas}."""

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
