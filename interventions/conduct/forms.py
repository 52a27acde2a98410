"""Forms for conduct points: the shape of input only; the rules live in conduct/services.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.cases.forms import DateInput, StyledForm
from smk_dashboard.core.bounds import BoundedDateField

from .models import Behaviour, BehaviourKind, LetterKind


class BehaviourForm(StyledForm):
    name = forms.CharField(label=_("Perilaku"), max_length=120)
    kind = forms.ChoiceField(label=_("Jenis"), choices=BehaviourKind.choices)
    points = forms.IntegerField(
        label=_("Poin"),
        min_value=-1000,
        max_value=1000,
        help_text=_("Pelanggaran positif (terlambat 5), prestasi negatif (juara lomba -20)."),
    )
    active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)


class ThresholdForm(StyledForm):
    points = forms.IntegerField(label=_("Batas poin"), min_value=1, max_value=1000)
    action = forms.CharField(label=_("Tindakan"), max_length=200)
    letter_kind = forms.ChoiceField(
        label=_("Surat yang disiapkan"),
        choices=[("", _("Tanpa surat"))] + list(LetterKind.choices),
        required=False,
    )


class PointEntryForm(StyledForm):
    behaviour = forms.ModelChoiceField(label=_("Perilaku"), queryset=Behaviour.objects.none())
    date = BoundedDateField(label=_("Tanggal"), widget=DateInput())
    description = forms.CharField(
        label=_("Keterangan"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, behaviours, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["behaviour"].queryset = behaviours
        self.fields["date"].initial = timezone.localdate()


class VoidForm(StyledForm):
    reason = forms.CharField(
        label=_("Alasan pembatalan (dicatat di jejak audit)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
