from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import DapodikConnection


class DapodikConnectionForm(forms.ModelForm):
    """The operator's settings: address, NPSN, key (never shown back), parents' data, nightly."""

    token = forms.CharField(
        label=_("Kunci web service"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Dari Dapodik → Pengaturan → Web Service. Disimpan terenkripsi; kosongkan untuk "
            "tetap memakai kunci yang tersimpan."
        ),
    )

    url = forms.URLField(
        label=_("Alamat web service Dapodik"),
        assume_scheme="http",  # a school's Dapodik PC answers on plain http, port 5774
        help_text=_("mis. http://192.168.1.10:5774 (komputer Dapodik di sekolah)"),
    )

    field_order = ["url", "npsn", "token", "include_parents", "nightly"]

    class Meta:
        model = DapodikConnection
        fields = ["url", "npsn", "include_parents", "nightly"]
