"""School data: schools, majors, classes (rombel), students, grades, attendance, ratings,
and the staff users with their roles. Several schools share one database from day one."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smk_dashboard.core.crypto import EncryptedBooleanField, EncryptedTextField
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


def term_label(code: str) -> str:
    """'2026-1' → 'Ganjil 2026/2027', '2026-2' → 'Genap 2026/2027': the one way a term is
    written for people. Anything else is returned as it is."""
    try:
        year, semester = (int(part) for part in str(code).split("-"))
    except (TypeError, ValueError):
        return str(code or "")
    if semester not in (1, 2):
        return str(code)
    name = _("Ganjil") if semester == 1 else _("Genap")
    return f"{name} {year}/{year + 1}"


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
    nisn = models.CharField(
        "NISN", max_length=10, validators=[RegexValidator(r"^\d{10}$", _("NISN harus 10 digit."))]
    )
    nis = models.CharField("NIS", max_length=20, blank=True)
    name = models.CharField(_("nama"), max_length=200)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("siswa")
        verbose_name_plural = _("siswa")
        constraints = [
            models.UniqueConstraint(fields=["school", "nisn"], name="student_unique_nisn"),
            models.UniqueConstraint(
                fields=["school", "nis"], condition=~Q(nis=""), name="student_unique_nis"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "name"], name="student_school_status"),
            models.Index(fields=["school_class", "status"], name="student_class_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nisn})"


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


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Daftar siswa")
    GRADES = "grades", _("Leger nilai")
    ATTENDANCE = "attendance", _("Presensi")
    PKL = "pkl", _("PKL (praktik kerja lapangan)")
    POINTS = "points", _("Poin pelanggaran dan prestasi")


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


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("Sedang dibaca")
    PREVIEW = "preview", _("Menunggu konfirmasi")
    REJECTED = "rejected", _("Ditolak")
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Sedang diproses")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


def import_upload_path(batch: "ImportBatch", filename: str) -> str:
    return f"imports/{batch.school.npsn}/{batch.created_at:%Y/%m}/{filename}"


class ImportBatch(models.Model):
    """One uploaded spreadsheet and what became of it: who, when, which file (kept for audit,
    with its sha256), what kind, which term, the row counts and the row errors."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="import_batches")
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_batches"
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    # When the batch last went to a worker (upload, new mapping, confirm); with started_at it
    # tells the periodic sweep how long a batch has waited or worked without finishing.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, default="web")  # web | cli
    kind = models.CharField(_("jenis"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    file = models.FileField(upload_to=import_upload_path, max_length=300)
    file_name = models.CharField(_("nama file"), max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    file_format = models.CharField(max_length=5, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    term = models.ForeignKey(
        AcademicTerm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    term_code = models.CharField(_("semester"), max_length=6, blank=True)
    create_missing = models.BooleanField(
        _("buat kelas/jurusan/mapel yang belum ada"), default=False
    )
    valid_rows_only = models.BooleanField(_("impor baris yang valid saja"), default=False)
    mapping = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor data")
        verbose_name_plural = _("impor data")
        indexes = [models.Index(fields=["school", "-created_at"], name="importbatch_school")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def term_label(self) -> str:
        """ "Ganjil 2025/2026" for term_code 2025-1: how people read a term."""
        if not re.fullmatch(r"\d{4}-[12]", self.term_code or ""):
            return self.term_code
        name = _("Ganjil") if self.term_code.endswith("1") else _("Genap")
        year = int(self.term_code[:4])
        return f"{name} {year}/{year + 1}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.REJECTED)


class ConsentStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Belum dicatat")
    GIVEN = "given", _("Diberikan")
    WITHDRAWN = "withdrawn", _("Ditarik")


class StudentPrivacy(models.Model):
    """A student's data-subject record under UU PDP No. 27/2022: the guardian's consent, an
    objection to automated decisions (the student is then never scored) and anonymisation."""

    student = models.OneToOneField(
        "students.Student", on_delete=models.CASCADE, related_name="privacy"
    )
    consent = models.CharField(
        _("persetujuan orang tua/wali"),
        max_length=10,
        choices=ConsentStatus.choices,
        default=ConsentStatus.UNKNOWN,
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    objects_to_automated_decisions = models.BooleanField(
        _("keberatan atas keputusan otomatis"),
        default=False,
        help_text=_("Siswa tidak diprediksi oleh model dan tampil sebagai 'tidak diprediksi'."),
    )
    objection_recorded_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Created by the smk_dashboard app before the model moved here; the table keeps its name.
        db_table = "smk_dashboard_studentprivacy"
        verbose_name = _("hak subjek data")
        verbose_name_plural = _("hak subjek data")
        indexes = [
            models.Index(fields=["objects_to_automated_decisions"], name="privacy_objection")
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.consent}"
