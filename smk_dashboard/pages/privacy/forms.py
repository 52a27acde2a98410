from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import ConsentStatus, Student

from .services import RECTIFIABLE_FIELDS


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        label=_("Persetujuan orang tua/wali"), choices=ConsentStatus.choices
    )
    objects_to_automated_decisions = forms.BooleanField(
        label=_("Siswa/orang tua keberatan atas keputusan otomatis (tidak diprediksi)"),
        required=False,
    )
    note = forms.CharField(label=_("Keterangan"), max_length=300, required=False)


class SubjectRequestForm(forms.Form):
    """A request for the student's copy of the data: who asked, when, why."""

    # Blank who or why: the service's own message ("Isi siapa yang meminta ...").
    requester = forms.CharField(
        label=_("Yang meminta (nama dan hubungan dengan siswa)"), max_length=200, required=False
    )
    received_on = forms.DateField(
        label=_("Tanggal permintaan"), widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(label=_("Keperluan"), max_length=500, required=False)


class RectifyForm(forms.ModelForm):
    """Only the rectifiable fields; the service validates and audits."""

    class Meta:
        model = Student
        fields = list(RECTIFIABLE_FIELDS)
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)

    def validate_unique(self) -> None:
        # The service's full_clean checks uniqueness (NISN per school) on save.
        return None


class AnonymiseForm(forms.Form):
    confirm_nisn = forms.CharField(
        label=_("Ketik NISN siswa untuk menegaskan"), max_length=10, min_length=10
    )

    def __init__(self, *args, student: Student, **kwargs):
        super().__init__(*args, **kwargs)
        self.student = student

    def clean_confirm_nisn(self) -> str:
        value = self.cleaned_data["confirm_nisn"]
        if value != self.student.nisn:
            raise forms.ValidationError(_("NISN tidak cocok."))
        return value


class PrivacySearchForm(forms.Form):
    q = forms.CharField(label=_("Cari nama atau NISN"), required=False, max_length=100)
