"""The school and its frame: the school, its staff users with their roles, the majors
(kompetensi keahlian), the terms and the classes (rombel)."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core import formats
from smk_dashboard.core.roles import Role


class School(models.Model):
    npsn = models.CharField(
        "NPSN", max_length=8, unique=True, validators=[RegexValidator(r"^\d{8}$")]
    )
    name = models.CharField(_("nama"), max_length=200)
    city = models.CharField(_("kota"), max_length=100, blank=True)
    district = models.CharField(
        _("wilayah suku dinas"), max_length=100, blank=True, help_text=_("mis. Jakarta Barat")
    )
    kkm = models.PositiveSmallIntegerField(
        "KKM",
        default=75,
        validators=[MaxValueValidator(100)],
        help_text=_("Rata-rata di bawah KKM = kurang (perlu perhatian)."),
    )
    baik_threshold = models.PositiveSmallIntegerField(
        _("batas baik"),
        default=85,
        validators=[MaxValueValidator(100)],
        help_text=_("Rata-rata mulai nilai ini = baik."),
    )
    students_per_counsellor = models.PositiveSmallIntegerField(
        _("siswa per guru BK"),
        default=20,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Berapa siswa yang dapat didampingi satu guru BK; kapasitas sekolah = angka ini "
            "× jumlah akun BK."
        ),
    )
    # Issue 26: schools of one deployment (district server) lend their data to a shared model
    # for a school with too little history. Opting out: this school's data never trains
    # another school's shared model, and it gets no shared model itself.
    pooled_opt_out = models.BooleanField(
        _("tidak ikut model bersama"),
        default=False,
        help_text=_(
            "Bila dicentang, data sekolah ini tidak dipakai melatih model sekolah lain, dan "
            "sekolah ini tidak memakai model bersama."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sekolah")
        verbose_name_plural = _("sekolah")
        constraints = [
            models.CheckConstraint(
                condition=Q(kkm__lt=models.F("baik_threshold")), name="school_kkm_below_baik"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.npsn})"


class User(AbstractUser):
    """A staff member. Every role but sudin belongs to one school; sudin to a district."""

    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, blank=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    district = models.CharField(_("wilayah suku dinas"), max_length=100, blank=True)
    # Kept by smk_dashboard.core.notifications (notify, mark read), so the bar shows the count
    # of unread notifications from the user row every request already loads.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(role="sudin") | Q(school__isnull=False),
                name="user_school_role_has_school",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MajorField(models.TextChoices):
    TEKNIK = "teknik", _("Teknologi dan Rekayasa")
    BISNIS = "bisnis", _("Bisnis dan Manajemen")
    KESEHATAN = "kesehatan", _("Kesehatan dan Pekerjaan Sosial")
    PARIWISATA = "pariwisata", _("Pariwisata")
    SENI = "seni", _("Seni dan Industri Kreatif")
    LAINNYA = "lainnya", _("Lainnya")


class Major(models.Model):
    """Kompetensi keahlian (e.g. Teknik Komputer dan Jaringan), grouped by field."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="majors")
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("kompetensi keahlian"), max_length=200)
    field = models.CharField(_("bidang"), max_length=20, choices=MajorField.choices)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("kompetensi keahlian")
        verbose_name_plural = _("kompetensi keahlian")
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="major_unique_code"),
            models.UniqueConstraint(fields=["school", "name"], name="major_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AcademicTerm(models.Model):
    """A semester, written YYYY-S: 2024-1 = ganjil 2024/2025, 2024-2 = genap 2024/2025."""

    code = models.CharField(
        _("kode"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{4}-[12]$")]
    )
    year = models.PositiveSmallIntegerField(_("tahun ajaran (awal)"))
    semester = models.PositiveSmallIntegerField(
        _("semester"), validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    start_date = models.DateField(_("mulai"), null=True, blank=True)
    end_date = models.DateField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["year", "semester"]
        verbose_name = _("semester")
        verbose_name_plural = _("semester")
        constraints = [
            models.UniqueConstraint(fields=["year", "semester"], name="term_unique_year_semester"),
            models.CheckConstraint(condition=Q(semester__in=[1, 2]), name="term_semester_1_2"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return term_label(self.code)

    @staticmethod
    def code_for_date(day) -> str:
        """The term a date falls in: July–December is ganjil of that year, January–June is
        genap of the year before (a school year starts in July)."""
        return f"{day.year}-1" if day.month >= 7 else f"{day.year - 1}-2"


# '2026-1' → 'Ganjil 2026/2027': the one way a term is written for people (core.formats).
term_label = formats.term_label


class GradeLevel(models.IntegerChoices):
    X = 10, "X"
    XI = 11, "XI"
    XII = 12, "XII"


class SchoolClass(models.Model):
    """A rombel (rombongan belajar) such as "XI TKJ 2" in one academic year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("nama rombel"), max_length=60)
    grade_level = models.PositiveSmallIntegerField(_("tingkat"), choices=GradeLevel.choices)
    major = models.ForeignKey(Major, on_delete=models.PROTECT, related_name="classes")
    academic_year = models.PositiveSmallIntegerField(_("tahun ajaran (awal)"))
    homeroom_teacher = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="homeroom_classes"
    )

    class Meta:
        ordering = ["school", "grade_level", "name"]
        verbose_name = _("rombel")
        verbose_name_plural = _("rombel")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "name"], name="class_unique_name_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.name
