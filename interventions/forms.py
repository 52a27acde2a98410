"""Forms: check the shape of input only. The rules (dates, workflow, who may) live in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from students.models import User

from .models import Outcome, Programme, Status, Tier
from .services import MAX_FOLLOW_UP_DAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates can loop over fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.get_role_display()})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.get_role_display()})"


class InterventionCreateForm(StyledForm):
    programme = forms.ModelChoiceField(label=_("Layanan"), queryset=Programme.objects.none())
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.CharField(
        label=_("Tujuan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = UserChoiceField(label=_("Penanggung jawab"), queryset=User.objects.none())
    participants = UserMultipleChoiceField(
        label=_("Pihak lain yang terlibat"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=DateInput())
    follow_up_days = forms.IntegerField(
        label=_("Tindak lanjut setiap (hari)"), min_value=1, max_value=MAX_FOLLOW_UP_DAYS
    )

    def __init__(self, *args, programmes, owners, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["owner"].queryset = owners
        self.fields["participants"].queryset = participants


class SessionForm(StyledForm):
    date = forms.DateField(label=_("Tanggal sesi"), widget=DateInput())
    attended = forms.BooleanField(label=_("Siswa hadir"), required=False, initial=True)
    notes = forms.CharField(
        label=_("Apa yang terjadi (catatan konseling, rahasia)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_follow_up = forms.DateField(
        label=_("Tindak lanjut berikutnya"),
        required=False,
        widget=DateInput(),
        help_text=_("Kosongkan untuk memakai jarak tindak lanjut yang direncanakan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


CLOSE_STATUSES = [
    (Status.COMPLETED, Status.COMPLETED.label),
    (Status.STOPPED, Status.STOPPED.label),
]


class CloseForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Tutup sebagai"), choices=CLOSE_STATUSES, initial=Status.COMPLETED
    )
    # Not required here: the service gives the teacher-readable message when it is missing.
    outcome = forms.ChoiceField(
        label=_("Hasil"), choices=[("", "—")] + list(Outcome.choices), required=False
    )
    closing_note = forms.CharField(
        label=_("Catatan penutup"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgrammeForm(StyledForm):
    name = forms.CharField(label=_("Nama layanan"), max_length=120)
    tier = forms.TypedChoiceField(label=_("Tingkat"), choices=Tier.choices, coerce=int)
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)


class ListFilterForm(StyledForm):
    scope = forms.ChoiceField(
        label=_("Tampilkan"),
        choices=[("all", _("Semua yang dapat saya lihat")), ("mine", _("Milik saya"))],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Semua status"))] + list(Status.choices), required=False
    )
    programme = forms.TypedChoiceField(label=_("Layanan"), coerce=int, required=False)
    school_class = forms.TypedChoiceField(label=_("Rombel"), coerce=int, required=False)
    overdue = forms.BooleanField(label=_("Hanya yang terlambat"), required=False)

    def __init__(self, *args, programmes, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("Semua layanan"))] + [
            (p.pk, p.name) for p in programmes
        ]
        self.fields["school_class"].choices = [("", _("Semua rombel"))] + [
            (c.pk, c.name) for c in classes
        ]


class EffectivenessForm(StyledForm):
    days = forms.IntegerField(label=_("Batas waktu (hari)"), min_value=1, max_value=365)
