"""The plain indicators a school sets for flags before (and beside) a trained model: the ABC
of early-warning systems (attendance, behaviour, course performance). A blank value switches
that indicator off."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .school import School

DEFAULTS = {
    "min_attendance_pct": 90,  # below 90 % of school days: "chronic absence" in EWIMS terms
    "max_alpa_days": 3,
    "min_subjects_below_kkm": 2,
    "min_average_drop": 5,
    "min_conduct_points": 50,
}


class IndicatorSettings(models.Model):
    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="indicator_settings"
    )
    min_attendance_pct = models.PositiveSmallIntegerField(
        _("kehadiran di bawah (%)"),
        null=True,
        blank=True,
        default=DEFAULTS["min_attendance_pct"],
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Ditandai bila kehadiran semester ini di bawah persentase ini."),
    )
    max_alpa_days = models.PositiveSmallIntegerField(
        _("alpa lebih dari (hari)"),
        null=True,
        blank=True,
        default=DEFAULTS["max_alpa_days"],
        validators=[MaxValueValidator(200)],
        help_text=_("Ditandai bila hari alpa (tanpa keterangan) lebih dari angka ini."),
    )
    min_subjects_below_kkm = models.PositiveSmallIntegerField(
        _("mapel di bawah KKM, sebanyak"),
        null=True,
        blank=True,
        default=DEFAULTS["min_subjects_below_kkm"],
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text=_("Ditandai bila sekian mapel atau lebih bernilai di bawah KKM-nya."),
    )
    min_average_drop = models.PositiveSmallIntegerField(
        _("rata-rata turun sebanyak (poin)"),
        null=True,
        blank=True,
        default=DEFAULTS["min_average_drop"],
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Ditandai bila rata-rata nilai turun sekian poin atau lebih dari semester sebelumnya."
        ),
    )
    min_conduct_points = models.PositiveSmallIntegerField(
        _("poin pelanggaran mencapai"),
        null=True,
        blank=True,
        default=DEFAULTS["min_conduct_points"],
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Ditandai bila jumlah poin pelanggaran mencapai angka ini."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indikator peringatan dini")
        verbose_name_plural = _("indikator peringatan dini")

    def __str__(self) -> str:
        return f"indikator {self.school_id}"
