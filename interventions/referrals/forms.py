from django import forms
from django.utils.translation import gettext_lazy as _

from .models import REFERRAL_REASON_MAX


class BkReferralForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan singkat"),
        max_length=REFERRAL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Apa yang Anda lihat? Misalnya: sering alpa sejak Maret, tampak murung."),
        error_messages={"required": _("Tuliskan alasan singkat rujukan.")},
    )
