"""The school's Dapodik web service connection: address, NPSN, key (encrypted at rest),
whether parents' socio-economic data comes along, and what the last pull did."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.crypto import EncryptedTextField

from .school import School


class DapodikConnection(models.Model):
    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="dapodik")
    url = models.URLField(
        _("alamat web service Dapodik"),
        help_text=_("mis. http://192.168.1.10:5774 (komputer Dapodik di sekolah)"),
    )
    npsn = models.CharField("NPSN", max_length=8, validators=[RegexValidator(r"^\d{8}$")])
    # The key Dapodik issues under Pengaturan → Web Service: a secret, encrypted at rest.
    token = EncryptedTextField(_("kunci web service"))
    include_parents = models.BooleanField(
        _("ambil data sosial-ekonomi orang tua"),
        default=False,
        help_text=_(
            "Pendidikan, pekerjaan dan penghasilan orang tua; hanya operator, BK dan kepala "
            "sekolah yang melihatnya. Nama orang tua tidak pernah diambil."
        ),
    )
    nightly = models.BooleanField(_("sinkron otomatis setiap malam"), default=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(default=False)
    last_message = models.TextField(blank=True)
    last_summary = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("koneksi Dapodik")
        verbose_name_plural = _("koneksi Dapodik")

    def __str__(self) -> str:
        return f"Dapodik {self.npsn} ({self.url})"
