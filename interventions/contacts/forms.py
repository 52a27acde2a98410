"""Forms for parent contact and letters: the shape of input only."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.cases.forms import DateInput, StyledForm
from interventions.conduct.models import LetterKind
from smk_dashboard.core.bounds import BoundedDateField

from .models import ContactChannel


class ContactForm(StyledForm):
    date = BoundedDateField(label=_("Tanggal"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Cara"), choices=ContactChannel.choices)
    contact_person = forms.CharField(
        label=_("Yang dihubungi"), max_length=120, help_text=_("Misalnya: Ibu Siti (ibu kandung).")
    )
    summary = forms.CharField(
        label=_("Ringkasan (rahasia)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up = forms.CharField(label=_("Tindak lanjut"), required=False, max_length=300)
    follow_up_date = BoundedDateField(
        label=_("Tanggal tindak lanjut"), required=False, widget=DateInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class LetterForm(StyledForm):
    kind = forms.ChoiceField(label=_("Jenis surat"), choices=LetterKind.choices)
    date = BoundedDateField(label=_("Tanggal surat"), widget=DateInput())
    subject = forms.CharField(label=_("Perihal"), max_length=200)
    body = forms.CharField(
        label=_("Isi surat"), max_length=10000, widget=forms.Textarea(attrs={"rows": 14})
    )


class LetterTemplateForm(StyledForm):
    letterhead = forms.CharField(
        label=_("Kop surat"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nama sekolah di baris pertama, lalu alamat dan telepon."),
    )
    subject = forms.CharField(label=_("Perihal"), max_length=200)
    body = forms.CharField(
        label=_("Isi surat"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    signer_title = forms.CharField(label=_("Jabatan penanda tangan"), max_length=120)
    signer_name = forms.CharField(label=_("Nama penanda tangan"), max_length=120, required=False)


class WhatsappForm(StyledForm):
    to = forms.ChoiceField(label=_("Kirim ke"), choices=())
    message = forms.CharField(
        label=_("Pesan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Pesan netral; ubah seperlunya. Kontak dicatat saat Anda membuka WhatsApp."),
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (r.who, f"{r.role_label}: {r.name + ' · ' if r.name else ''}{r.phone_shown}")
            for r in recipients
        ]
