"""The student and the choices that describe one (gender, status, parents' income and
education)."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smk_dashboard.core.crypto import EncryptedBooleanField, EncryptedTextField

from .school import Major, School, SchoolClass


class Gender(models.TextChoices):
    L = "L", _("Laki-laki")
    P = "P", _("Perempuan")


class StudentStatus(models.TextChoices):
    AKTIF = "aktif", _("Aktif")
    LULUS = "lulus", _("Lulus")
    PINDAH = "pindah", _("Pindah")
    KELUAR = "keluar", pgettext_lazy("student status", "Keluar")


class IncomeBracket(models.IntegerChoices):
    """Monthly parental income brackets as Dapodik records them."""

    NONE = 0, _("Tidak berpenghasilan")
    LT_500K = 1, _("Kurang dari Rp 500.000")
    _500K_1M = 2, _("Rp 500.000 – Rp 999.999")
    _1M_2M = 3, _("Rp 1.000.000 – Rp 1.999.999")
    _2M_5M = 4, _("Rp 2.000.000 – Rp 4.999.999")
    GE_5M = 5, _("Rp 5.000.000 atau lebih")


class Education(models.IntegerChoices):
    NONE = 0, _("Tidak sekolah")
    SD = 1, "SD"
    SMP = 2, "SMP"
    SMA = 3, "SMA/SMK"
    D3 = 4, "D1–D3"
    S1 = 5, "D4/S1"
    S2 = 6, _("S2/S3")


class Student(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    # Blank when the file that brought the student had no NISN (a per-KD ledger with NIS
    # only): listed as "data belum lengkap" on the operator's setup page.
    nisn = models.CharField(
        "NISN",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", _("NISN harus 10 digit."))],
    )
    nis = models.CharField("NIS", max_length=20, blank=True)
    name = models.CharField(_("nama"), max_length=200)
    # Blank = not known yet (a class ledger has no gender column): "tidak diketahui".
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    major = models.ForeignKey(
        Major, null=True, blank=True, on_delete=models.PROTECT, related_name="students"
    )
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.SET_NULL, related_name="students"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StudentStatus.choices, default=StudentStatus.AKTIF
    )
    # Socio-economic profile: children's data, encrypted at rest (UU PDP No. 27/2022).
    father_education = EncryptedTextField(_("pendidikan ayah"), blank=True)
    mother_education = EncryptedTextField(_("pendidikan ibu"), blank=True)
    father_occupation = EncryptedTextField(_("pekerjaan ayah"), blank=True)
    mother_occupation = EncryptedTextField(_("pekerjaan ibu"), blank=True)
    income_bracket = EncryptedTextField(_("penghasilan orang tua"), blank=True)
    distance_km = EncryptedTextField(_("jarak ke sekolah (km)"), blank=True)
    kip_recipient = EncryptedBooleanField(_("penerima KIP/PIP"))
    # Who to call (issue 24): parents' and guardian's names and phone numbers, from the
    # Dapodik roster or typed by the operator or bk. Read only by bk and the student's
    # walikelas (`core.fields.can_read_parents`); phones stored as "+62…" (core.phones).
    father_name = EncryptedTextField(_("nama ayah"), blank=True)
    mother_name = EncryptedTextField(_("nama ibu"), blank=True)
    guardian_name = EncryptedTextField(_("nama wali"), blank=True)
    parent_phone = EncryptedTextField(_("telepon orang tua"), blank=True)
    guardian_phone = EncryptedTextField(_("telepon wali"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("siswa")
        verbose_name_plural = _("siswa")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "nisn"], condition=~Q(nisn=""), name="student_unique_nisn"
            ),
            models.UniqueConstraint(
                fields=["school", "nis"], condition=~Q(nis=""), name="student_unique_nis"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "name"], name="student_school_status"),
            models.Index(fields=["school_class", "status"], name="student_class_status"),
        ]

    def __str__(self) -> str:
        ident = self.nisn or (f"NIS {self.nis}" if self.nis else "-")
        return f"{self.name} ({ident})"
