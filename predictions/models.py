"""Training runs, versioned models and the stored predictions that pages read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.categories import Category, RiskBand, risk_band
from smk_dashboard.core.crypto import EncryptedTextField
from smk_dashboard.core.formats import chance, risk_label


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    SUCCEEDED = "succeeded", _("Berhasil")
    FAILED = "failed", _("Gagal")


class TrainingRun(models.Model):
    """One request to train models for a school: a job row the task keeps up to date."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    scope = models.JSONField(_("cakupan"), default=dict, blank=True)
    config = models.JSONField(_("konfigurasi"), default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    device = models.CharField(_("perangkat"), max_length=40, blank=True)
    log = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Touched at every progress step: a run whose heartbeat stops (its worker was killed) is
    # failed by the periodic sweep instead of staying "running" for ever.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proses pelatihan")
        verbose_name_plural = _("proses pelatihan")

    def __str__(self) -> str:
        return f"#{self.pk} {self.school_id} {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ModelVersion(models.Model):
    """A trained model: its metrics, feature schema and the artifact file (never the weights
    themselves) with its sha256. At most one version per school is active."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    training_run = models.ForeignKey(
        TrainingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )
    algorithm = models.CharField(_("algoritma"), max_length=20)
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    metrics = models.JSONField(default=dict)
    feature_schema = models.JSONField(default=dict)
    artifact_path = models.CharField(max_length=500)
    artifact_sha256 = models.CharField(max_length=64)
    data_fingerprint = models.CharField(max_length=64)
    library_versions = models.JSONField(default=dict)
    seed = models.IntegerField(default=42)
    # A shared model (issue 26): trained on `pooled_sources` other schools of this deployment
    # for a school with too little history of its own; its metrics say how it was measured.
    is_pooled = models.BooleanField(_("model bersama"), default=False)
    pooled_sources = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=False)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("versi model")
        verbose_name_plural = _("versi model")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "algorithm", "version"], name="modelversion_unique_version"
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(is_active=True), name="modelversion_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.algorithm} v{self.version}"


class ScoringStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    READY = "ready", _("Menunggu konfirmasi")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")
    CANCELLED = "cancelled", _("Dibatalkan")


class ScoringPurpose(models.TextChoices):
    # Score a version that is not active yet; its predictions become current together with
    # the version (automatically after training, or when the operator confirms).
    SWITCH = "switch", _("Ganti model aktif")
    # Re-score (some) students with the active model: after an upload, nightly, on request.
    REFRESH = "refresh", _("Perbarui prediksi")


class ScoringRun(models.Model):
    """One scoring of a school's students by one model version: a job row the pages read to
    say "Prediksi sedang diperbarui" and the operator reads to see why a switch failed.
    Predictions it writes point back at it; they become current in one transaction."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    model_version = models.ForeignKey(
        "ModelVersion", on_delete=models.CASCADE, related_name="scorings"
    )
    training_run = models.ForeignKey(
        TrainingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="scorings"
    )
    purpose = models.CharField(max_length=8, choices=ScoringPurpose.choices)
    # SWITCH only: make the version active as soon as it has scored (after training) instead
    # of waiting for the operator's confirmation.
    auto_switch = models.BooleanField(default=False)
    # None: every active student of the school; else the ids an upload touched.
    student_ids = models.JSONField(null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=ScoringStatus.choices,
        default=ScoringStatus.PENDING,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(default=0)
    n_students = models.PositiveIntegerField(default=0)
    # What the switch would change: {"before": {cat: n}, "after": {cat: n}, "changed": n,
    # "compared": n} (the new category against each student's current one).
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proses penilaian")
        verbose_name_plural = _("proses penilaian")

    def __str__(self) -> str:
        return f"#{self.pk} {self.model_version_id} {self.purpose} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in (ScoringStatus.PENDING, ScoringStatus.RUNNING)


class Change(models.TextChoices):
    """How a prediction compares with the same student's prediction from the previous
    scoring that was shown (whatever model made it)."""

    FIRST = "first", _("Prediksi pertama")
    NEW = "new", _("Baru")
    WORSE = "worse", _("Memburuk")
    BETTER = "better", _("Membaik")
    SAME = "same", _("Tetap")


# The band words and the capped figure live in core, one definition for every surface.
risk_percent_text = chance


class PredictionQuerySet(models.QuerySet):
    def current(self) -> "PredictionQuerySet":
        """Each student's current prediction: the one the latest scoring by their school's
        active model marked current. THE definition every page, API view, report and export
        uses; a student without one is "belum diprediksi"."""
        active = ModelVersion.objects.filter(is_active=True).values("id")
        return self.filter(is_current=True, model_version_id__in=active)


class Prediction(models.Model):
    """A student's predicted category for `term` (the term after their latest data)."""

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="predictions"
    )
    term = models.ForeignKey("students.AcademicTerm", on_delete=models.PROTECT, related_name="+")
    based_on_term = models.ForeignKey(
        "students.AcademicTerm", on_delete=models.PROTECT, related_name="+"
    )
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, related_name="predictions"
    )
    category = models.CharField(max_length=6, choices=Category.choices)
    p_kurang = models.FloatField()
    p_sedang = models.FloatField()
    p_baik = models.FloatField()
    factors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The student's newest prediction. Kept by the scoring service so that the risk list reads
    # one indexed flag instead of searching every student's history on each request.
    is_current = models.BooleanField(default=False)
    # Set by the scoring that wrote (or last rewrote) the row; empty on older rows, whose
    # change the risk list still works out from the history.
    scoring = models.ForeignKey(
        ScoringRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="predictions"
    )
    change = models.CharField(max_length=6, choices=Change.choices, blank=True)
    previous_category = models.CharField(max_length=6, choices=Category.choices, blank=True)

    objects = PredictionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("prediksi")
        verbose_name_plural = _("prediksi")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "model_version"], name="prediction_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["student", "-created_at"], name="prediction_student_latest"),
            models.Index(fields=["model_version", "category"], name="prediction_version_cat"),
            models.Index(
                fields=["student"], condition=Q(is_current=True), name="prediction_current"
            ),
            models.Index(
                fields=["model_version", "-p_kurang"],
                condition=Q(is_current=True),
                name="prediction_current_risk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.term_id}: {self.category}"

    @property
    def risk_band(self) -> str:
        return risk_band(self.p_kurang)

    @property
    def risk_band_label(self) -> str:
        return str(RiskBand(self.risk_band).label)

    @property
    def risk_text(self) -> str:
        return chance(self.p_kurang)

    @property
    def risk_label(self) -> str:
        """ "sangat tinggi, > 95%": how every page, export and e-mail writes this chance."""
        return risk_label(self.p_kurang)


class PredictionFeedback(models.Model):
    """A teacher's check of one flag: is `category` right for `student` in `term`, by what
    they see in class? The answer belongs to the student, the term and the category, not to
    the model that showed it: when another model (or a re-scoring) keeps the student in the
    same category for the same term, the answer still applies ("dari prediksi sebelumnya");
    when the category changes, it no longer does and the teacher is asked again
    (`selectors.feedback_applying_to`). `prediction` is the prediction the teacher last
    answered on. One answer per teacher and flag; answering again replaces it."""

    # The flag an answer is about: a prediction with the same values is answered by it.
    KEY = ("student_id", "term_id", "category")

    prediction = models.ForeignKey(Prediction, on_delete=models.CASCADE, related_name="feedback")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey("students.AcademicTerm", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=6, choices=Category.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agrees = models.BooleanField(_("sesuai"))
    note = EncryptedTextField(_("catatan"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("umpan balik prediksi")
        verbose_name_plural = _("umpan balik prediksi")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "student", "term", "category"],
                name="predictionfeedback_one_per_flag",
            )
        ]
        indexes = [
            models.Index(fields=["student", "term", "category"], name="predictionfeedback_flag"),
        ]

    def __str__(self) -> str:
        answer = "sesuai" if self.agrees else "tidak"
        return f"{self.student_id} {self.term_id} {self.category} {self.user_id}: {answer}"
