"""What a school records per student and term: subjects and who teaches them, grades,
attendance (daily and the term recap), whether a term is finished, non-academic ratings and
industry placements (PKL)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .school import AcademicTerm, Major, School, SchoolClass, User
from .student import Student


class SubjectGroup(models.TextChoices):
    UMUM = "umum", _("Umum")
    KEJURUAN = "kejuruan", _("Kejuruan")
    MULOK = "mulok", _("Muatan lokal")


class Subject(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects")
    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("mata pelajaran"), max_length=200)
    group = models.CharField(_("kelompok"), max_length=10, choices=SubjectGroup.choices)
    major = models.ForeignKey(
        Major,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subjects",
        help_text=_("Kosong untuk mata pelajaran umum semua jurusan."),
    )
    kkm = models.PositiveSmallIntegerField("KKM", default=75, validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["school", "group", "name"]
        verbose_name = _("mata pelajaran")
        verbose_name_plural = _("mata pelajaran")
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="subject_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class TeachingAssignment(models.Model):
    teacher = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="assignments"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="assignments")
    term = models.ForeignKey(AcademicTerm, on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        verbose_name = _("tugas mengajar")
        verbose_name_plural = _("tugas mengajar")
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "school_class", "subject", "term"],
                name="assignment_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher} — {self.subject} — {self.school_class} ({self.term})"


class GradeComponent(models.TextChoices):
    PENGETAHUAN = "pengetahuan", _("Pengetahuan")
    KETERAMPILAN = "keterampilan", _("Keterampilan")
    AKHIR = "akhir", _("Nilai akhir")


class GradeRecord(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="grades")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="grades")
    term = models.ForeignKey(AcademicTerm, on_delete=models.PROTECT, related_name="grades")
    component = models.CharField(
        _("komponen"), max_length=12, choices=GradeComponent.choices, default=GradeComponent.AKHIR
    )
    score = models.DecimalField(
        _("nilai"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("nilai")
        verbose_name_plural = _("nilai")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "subject", "term", "component"], name="grade_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="grade_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["term", "student"], name="grade_term_student")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.subject_id} {self.term_id}: {self.score}"


class AttendanceStatus(models.TextChoices):
    HADIR = "H", _("Hadir")
    SAKIT = "S", _("Sakit")
    IZIN = "I", _("Izin")
    ALPA = "A", _("Alpa")


class AttendanceRecord(models.Model):
    """One school day of one student (daily grid)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField(_("tanggal"))
    status = models.CharField(_("status"), max_length=1, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("presensi harian")
        verbose_name_plural = _("presensi harian")
        constraints = [
            models.UniqueConstraint(fields=["student", "date"], name="attendance_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.date} {self.status}"


class AttendanceSummary(models.Model):
    """Per-term recap as e-Rapor prints it: sakit, izin, alpa out of the school days."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="attendance_summaries"
    )
    term = models.ForeignKey(AcademicTerm, on_delete=models.PROTECT, related_name="+")
    sakit = models.PositiveSmallIntegerField(default=0)
    izin = models.PositiveSmallIntegerField(default=0)
    alpa = models.PositiveSmallIntegerField(default=0)
    school_days = models.PositiveSmallIntegerField(_("hari efektif"), null=True, blank=True)

    class Meta:
        verbose_name = _("rekap presensi")
        verbose_name_plural = _("rekap presensi")
        constraints = [
            models.UniqueConstraint(fields=["student", "term"], name="attendance_summary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.term_id}: S{self.sakit} I{self.izin} A{self.alpa}"

    @property
    def attendance_rate(self) -> float | None:
        if not self.school_days:
            return None
        return 1 - (self.sakit + self.izin + self.alpa) / self.school_days


class SchoolTermStatus(models.Model):
    """Whether a school's term is finished. A row exists only once a partial ledger (some
    subjects of a class) was imported for the term: until the operator marks it complete, its
    grades are neither training labels nor "Hasil nyata". No row means complete."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="term_statuses")
    term = models.ForeignKey(AcademicTerm, on_delete=models.PROTECT, related_name="+")
    complete = models.BooleanField(_("lengkap"), default=False)
    marked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("status semester sekolah")
        verbose_name_plural = _("status semester sekolah")
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="school_term_status_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.term_id} {'lengkap' if self.complete else 'sebagian'}"


class NonAcademicRating(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="ratings")
    term = models.ForeignKey(AcademicTerm, on_delete=models.PROTECT, related_name="+")
    motivation = models.PositiveSmallIntegerField(
        _("motivasi"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    social_skills = models.PositiveSmallIntegerField(
        _("keterampilan sosial"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("penilaian non-akademik")
        verbose_name_plural = _("penilaian non-akademik")
        constraints = [
            models.UniqueConstraint(fields=["student", "term"], name="rating_unique"),
            models.CheckConstraint(
                condition=Q(motivation__gte=1, motivation__lte=5)
                & Q(social_skills__gte=1, social_skills__lte=5),
                name="rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.term_id}"


class PklPlacement(models.Model):
    """One industry placement (praktik kerja lapangan) of a student in a term: the company,
    the industry mentor (pembimbing industri), attendance at the placement and the mentor's
    ratings (0-100) of attitude (sikap) and skills (keterampilan). Imported per term."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="pkl_placements")
    term = models.ForeignKey(AcademicTerm, on_delete=models.PROTECT, related_name="+")
    company = models.CharField(_("tempat PKL (DU/DI)"), max_length=200)
    mentor = models.CharField(_("pembimbing industri"), max_length=120, blank=True)
    days_present = models.PositiveSmallIntegerField(_("hari hadir"), null=True, blank=True)
    days_total = models.PositiveSmallIntegerField(_("hari PKL"), null=True, blank=True)
    rating_attitude = models.DecimalField(
        _("nilai sikap"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rating_skills = models.DecimalField(
        _("nilai keterampilan"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["student", "term"]
        verbose_name = _("penempatan PKL")
        verbose_name_plural = _("penempatan PKL")
        constraints = [
            models.UniqueConstraint(fields=["student", "term"], name="pkl_once_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.term_id} {self.company}"
