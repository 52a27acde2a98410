"""Forms for to-dos (issue 24): give one to someone else, move its date. The case-conference
decision rows that create to-dos are in interventions.cases.forms (DecisionFormSet)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import User


def staff_label(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.get_role_display()})" if user.role else name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return staff_label(obj)


class ReassignForm(forms.Form):
    owner = StaffChoiceField(
        label=_("Penanggung jawab baru"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Pilih penanggung jawab dari staf sekolah ini.")},
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["owner"].queryset = staff


class RescheduleForm(forms.Form):
    due_date = forms.DateField(
        label=_("Batas waktu baru"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"required": _("Isi batas waktu yang baru.")},
    )
