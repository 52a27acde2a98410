"""One uploaded spreadsheet (ImportBatch): its kind, its status and what became of it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .school import AcademicTerm, School, User, term_label


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Daftar siswa")
    GRADES = "grades", _("Leger nilai")
    ATTENDANCE = "attendance", _("Presensi")
    PKL = "pkl", _("PKL (praktik kerja lapangan)")
    POINTS = "points", _("Poin pelanggaran dan prestasi")


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("Sedang dibaca")
    PREVIEW = "preview", _("Menunggu konfirmasi")
    REJECTED = "rejected", _("Ditolak")
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Sedang diproses")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")
    # A preview nobody confirmed: thrown away by its uploader or the operator, or swept after
    # IMPORT_PREVIEW_EXPIRE_DAYS. Nothing was written; the stored file is deleted.
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Kedaluwarsa")


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
    source = models.CharField(max_length=10, default="web")  # web | cli | dapodik
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
    # The school's data as this preview saw it (importing/freshness.py): when it no longer
    # matches, another import or an edit changed the students or classes since the analysis.
    data_stamp = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=50, blank=True)
    # The uploaded file and its error report are deleted after UPLOAD_RETENTION_DAYS, or when
    # a student is anonymised (importing/retention.py); the row stays, with this note.
    file_removed_at = models.DateTimeField(null=True, blank=True)
    file_removed_note = models.CharField(max_length=300, blank=True)

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
        return term_label(self.term_code)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


FINISHED_STATUSES = (
    ImportStatus.DONE,
    ImportStatus.FAILED,
    ImportStatus.REJECTED,
    ImportStatus.CANCELLED,
    ImportStatus.EXPIRED,
)
