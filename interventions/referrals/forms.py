from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DECLINE_NOTE_MAX, REFERRAL_REASON_MAX, DeclineReason


class BkReferralForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan singkat"),
        max_length=REFERRAL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Apa yang Anda lihat? Misalnya: sering alpa sejak Maret, tampak murung."),
        error_messages={"required": _("Tuliskan alasan singkat rujukan.")},
    )


class DeclineForm(forms.Form):
    """The confirmation step of "Tidak dilanjutkan": a reason from the list, words for the
    teacher."""

    reason = forms.ChoiceField(
        label=_("Alasan"),
        choices=[("", _("— pilih alasan —")), *DeclineReason.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Pilih alasan mengapa rujukan tidak dilanjutkan.")},
    )
    note = forms.CharField(
        label=_("Keterangan untuk guru yang merujuk"),
        required=False,
        max_length=DECLINE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Guru membaca alasan dan keterangan ini di profil siswa."),
    )
