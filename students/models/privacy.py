"""A student's data-subject record under UU PDP No. 27/2022."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class DataSubjectRequest(models.Model):
    """A parent's or student's request for their copy of the data (UU PDP art. 7), recorded
    before the copy holds counselling content (predictions and interventions): who asked,
    when, and why. The kepala sekolah sees every request of the school."""

    school = models.ForeignKey(
        "students.School", on_delete=models.CASCADE, related_name="data_subject_requests"
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="data_subject_requests"
    )
    requester = models.CharField(_("yang meminta"), max_length=200)
    received_on = models.DateField(_("tanggal permintaan"))
    purpose = models.CharField(_("keperluan"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("permintaan salinan data")
        verbose_name_plural = _("permintaan salinan data")
        indexes = [models.Index(fields=["school", "-received_on"], name="dsr_school_received")]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.received_on}"
