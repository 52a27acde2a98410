"""Conduct and achievement points (poin pelanggaran / prestasi), the school's thresholds and the
to-dos a crossed threshold creates. Imported by interventions.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.catalogue import shipped_label


class BehaviourKind(models.TextChoices):
    VIOLATION = "violation", _("Pelanggaran")
    ACHIEVEMENT = "achievement", _("Prestasi")


class Behaviour(models.Model):
    """One line of a school's catalogue: terlambat 5, bolos 20, juara lomba −20. Violations
    carry positive points, achievements negative ones (they lower the total)."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("perilaku"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=12, choices=BehaviourKind.choices)
    points = models.SmallIntegerField(_("poin"))
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["school", "kind", "-points", "name"]
        verbose_name = _("perilaku")
        verbose_name_plural = _("katalog poin")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="behaviour_unique_name"),
            models.CheckConstraint(
                condition=(models.Q(kind="violation", points__gt=0))
                | (models.Q(kind="achievement", points__lt=0)),
                name="behaviour_points_sign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.points:+d})"

    @property
    def label(self) -> str:
        """The name as read: a shipped behaviour translated, a school's own as typed."""
        return shipped_label(self.name)


class LetterKind(models.TextChoices):
    SUMMONS = "panggilan", _("Surat panggilan orang tua")
    NOTICE = "pemberitahuan", _("Surat pemberitahuan")
    REFERRAL = "rujukan", _("Surat rujukan")


class PointThreshold(models.Model):
    """When a student's total reaches `points`, bk and the walikelas get a to-do: `action`."""

    school = models.ForeignKey("students.School", on_delete=models.CASCADE, related_name="+")
    points = models.PositiveSmallIntegerField(_("batas poin"))
    action = models.CharField(_("tindakan"), max_length=200)
    letter_kind = models.CharField(
        _("surat yang disiapkan"), max_length=14, choices=LetterKind.choices, blank=True
    )

    class Meta:
        ordering = ["school", "points"]
        verbose_name = _("batas poin")
        verbose_name_plural = _("batas poin")
        constraints = [
            models.UniqueConstraint(fields=["school", "points"], name="threshold_unique_points")
        ]

    def __str__(self) -> str:
        return f"{self.points}: {self.action_label}"

    @property
    def action_label(self) -> str:
        return shipped_label(self.action)


class PointEntry(models.Model):
    """One recorded behaviour. `points` is copied from the catalogue when recorded, so a later
    change of the catalogue does not rewrite history. Entries are voided, never deleted."""

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="point_entries"
    )
    behaviour = models.ForeignKey(Behaviour, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField(_("tanggal"))
    points = models.SmallIntegerField(_("poin"))
    description = models.CharField(_("keterangan"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Entries that came in through a spreadsheet: recorded_by is the user who imported it
    # (none from the command line), and the batch names the file.
    imported = models.BooleanField(_("diimpor"), default=False)
    import_batch = models.ForeignKey(
        "students.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("catatan poin")
        verbose_name_plural = _("catatan poin")
        indexes = [models.Index(fields=["student", "date"], name="point_entry_student_date")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.date} {self.points:+d}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class PointTodo(models.Model):
    """A crossed threshold waiting for bk and the walikelas: send the letter, hold the meeting.
    One per student and threshold: crossing it again after voids does not repeat it."""

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="point_todos"
    )
    threshold = models.ForeignKey(PointThreshold, on_delete=models.CASCADE, related_name="todos")
    total = models.IntegerField(_("total poin saat tercapai"))
    entry = models.ForeignKey(PointEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tugas batas poin")
        verbose_name_plural = _("tugas batas poin")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "threshold"], name="point_todo_once_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} ≥ {self.threshold_id}"
