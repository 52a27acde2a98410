"""Forms: check the shape of input only. The rules (dates, workflow, who may) live in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.actions.forms import StaffChoiceField
from smk_dashboard.core.bounds import MAX_DECISIONS, BoundedDateField
from students.models import User

from .models import Outcome, Programme, ReferralStatus, SessionKind, Status, Tier
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
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
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
    programme = forms.ModelChoiceField(
        label=_("Layanan"), queryset=Programme.objects.none(), empty_label=_("Pilih layanan")
    )
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.CharField(
        label=_("Tujuan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = UserChoiceField(label=_("Penanggung jawab"), queryset=User.objects.none())
    participants = UserMultipleChoiceField(
        label=_("Pihak lain yang terlibat"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hanya staf yang boleh melihat data siswa ini."),
    )
    start_date = BoundedDateField(label=_("Tanggal mulai"), widget=DateInput())
    follow_up_days = forms.IntegerField(
        label=_("Tindak lanjut setiap (hari)"), min_value=1, max_value=MAX_FOLLOW_UP_DAYS
    )

    def __init__(self, *args, programmes, owners, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["owner"].queryset = owners
        self.fields["participants"].queryset = participants


class SessionForm(StyledForm):
    date = BoundedDateField(label=_("Tanggal sesi"), widget=DateInput())
    attended = forms.BooleanField(label=_("Siswa hadir"), required=False, initial=True)
    notes = forms.CharField(
        label=_("Apa yang terjadi (catatan konseling, rahasia)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_follow_up = BoundedDateField(
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
            (p.pk, p.label) for p in programmes
        ]
        self.fields["school_class"].choices = [("", _("Semua rombel"))] + [
            (c.pk, c.name) for c in classes
        ]


class EffectivenessForm(StyledForm):
    days = forms.IntegerField(label=_("Batas waktu (hari)"), min_value=1, max_value=365)


class TypedSessionForm(SessionForm):
    """A session of any kind (issue 17). The decisions of a case conference are rows of their
    own (interventions.actions.forms.DecisionFormSet, issue 24), handed in by the view."""

    kind = forms.ChoiceField(label=_("Jenis sesi"), choices=SessionKind.choices, required=False)
    very_confidential = forms.BooleanField(
        label=_("Sangat rahasia (perlindungan anak): hanya saya dan kepala sekolah yang membaca"),
        required=False,
    )
    attendees = forms.CharField(
        label=_("Yang hadir / peserta"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    visit_address = forms.CharField(
        label=_("Kunjungan rumah: alamat yang dikunjungi (disimpan terenkripsi)"),
        required=False,
        max_length=500,
    )
    findings = forms.CharField(
        label=_("Temuan"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referral_to = forms.CharField(
        label=_("Rujukan: dirujuk ke (puskesmas, psikolog, dinas sosial, ...)"),
        required=False,
        max_length=200,
    )
    referral_reason = forms.CharField(
        label=_("Rujukan: alasan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["kind", "date", "attended", "very_confidential"]

    # The fields each kind asks for; the others are left off the form.
    KIND_FIELDS = {
        SessionKind.SESSION: set(),
        SessionKind.HOME_VISIT: {"attendees", "visit_address", "findings"},
        SessionKind.CASE_CONFERENCE: {"attendees", "findings"},
        SessionKind.REFERRAL: {"referral_to", "referral_reason"},
    }
    TYPED_FIELDS = ("attendees", "visit_address", "findings", "referral_to", "referral_reason")

    def __init__(self, *args, kind: str = "", allow_very_confidential: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        kind = kind if kind in SessionKind.values else SessionKind.SESSION
        self.fields["kind"].initial = kind
        self.fields["kind"].widget = forms.HiddenInput()
        for name in self.TYPED_FIELDS:
            if name not in self.KIND_FIELDS[kind]:
                del self.fields[name]
        if not allow_very_confidential:
            del self.fields["very_confidential"]
        self.kind_label = SessionKind(kind).label

    def clean_kind(self) -> str:
        return self.fields["kind"].initial

    def clean(self) -> dict:
        data = super().clean()
        for name in self.TYPED_FIELDS:  # fields left off the form: empty for the service
            data.setdefault(name, "")
        return data


class ReferralForm(StyledForm):
    status = forms.ChoiceField(label=_("Status rujukan"), choices=ReferralStatus.choices)
    outcome = forms.CharField(
        label=_("Hasil rujukan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RescheduleForm(StyledForm):
    date = BoundedDateField(
        label=_("Tanggal tindak lanjut baru"),
        widget=DateInput(),
        error_messages={"required": _("Isi tanggal tindak lanjut baru.")},
    )


class DecisionForm(StyledForm):
    """One decision of a case conference. An empty row is skipped."""

    decision = forms.CharField(
        label=_("Keputusan"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2})
    )
    owner = StaffChoiceField(
        label=_("Penanggung jawab"), queryset=User.objects.none(), required=False
    )
    other = forms.CharField(
        label=_("atau pihak lain (orang tua, puskesmas, ...)"), required=False, max_length=120
    )
    due_date = forms.DateField(label=_("Batas waktu"), required=False, widget=DateInput())

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["owner"].queryset = staff
        self.fields["owner"].empty_label = _("— pilih staf —")

    def clean(self) -> dict:
        data = super().clean()
        who = bool(data.get("owner") or (data.get("other") or "").strip())
        filled = [bool((data.get("decision") or "").strip()), who,
                  data.get("due_date") is not None]  # fmt: skip
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("Setiap keputusan perlu isi, penanggung jawab dan batas waktu.")
            )
        return data

    def as_decision(self) -> dict | None:
        data = getattr(self, "cleaned_data", {}) or {}
        if not (data.get("decision") or "").strip():
            return None
        owner = data.get("owner")
        other = (data.get("other") or "").strip()
        return {
            "decision": data["decision"].strip(),
            "owner": owner,
            "responsible": (owner.get_full_name() or owner.username) if owner else other,
            "due_date": data["due_date"],
        }


DECISION_ROWS = 3


class BaseDecisionFormSet(forms.BaseFormSet):
    """At most MAX_DECISIONS rows (issue 25: counts within sensible bounds); more is refused
    with a message a counsellor understands, before any row is read."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("Konferensi kasus: paling banyak %(num)d keputusan."),
    }


DecisionFormSet = forms.formset_factory(
    DecisionForm,
    formset=BaseDecisionFormSet,
    extra=DECISION_ROWS,
    max_num=MAX_DECISIONS,
    absolute_max=MAX_DECISIONS,
    validate_max=True,
)


def decisions_from(formset) -> list[dict]:
    """The filled rows of a DecisionFormSet, for session_services.session_record."""
    return [d for d in (f.as_decision() for f in formset.forms) if d is not None]
