from django import forms
from django.utils.translation import gettext_lazy as _

from .importers.headers import FIELD_LABELS, mappable_fields
from .models import ImportKind

TERM_HELP = _('Kosongkan bila judul file memuat semester, mis. "Semester : Ganjil 2024/2025".')


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx, .xls), LibreOffice (.ods) atau CSV (; atau ,)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv,.txt"}),
    )
    term = forms.RegexField(
        label=_("Semester"),
        regex=r"^\d{4}-[12]$",
        required=False,
        help_text=TERM_HELP,
        error_messages={"invalid": _("Tulis semester sebagai TTTT-S, mis. 2024-1.")},
        widget=forms.TextInput(attrs={"placeholder": "2024-1", "inputmode": "numeric"}),
    )
    create_missing = forms.BooleanField(
        label=_("Buat kelas, jurusan dan mata pelajaran yang belum ada"), required=False
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Every kind validates (a forbidden one answers 403); only allowed ones are offered.
        self.allowed_kinds = kinds
        self.fields["kind"].widget.choices = [c for c in ImportKind.choices if c[0] in kinds]


class ImportMappingForm(forms.Form):
    """One select per detected column: which field it holds (or ignore it)."""

    create_missing = forms.BooleanField(
        label=_("Buat kelas, jurusan dan mata pelajaran yang belum ada"), required=False
    )

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = []
        choices = [("", _("(otomatis)"))] + [
            (f, FIELD_LABELS[f]) for f in mappable_fields(batch.kind)
        ]
        if batch.kind == "grades":
            choices.insert(1, ("grade", FIELD_LABELS["grade"]))
        seen = set()
        for sheet in batch.preview.get("sheets", []):
            for column in sheet["columns"]:
                if column["key"] in seen or not column["key"]:
                    continue
                seen.add(column["key"])
                name = f"col_{len(self.columns)}"
                self.fields[name] = forms.ChoiceField(
                    label=column["header"],
                    choices=choices,
                    required=False,
                    initial=batch.mapping.get(column["key"], ""),
                )
                self.columns.append((name, column))
        self.fields["create_missing"].initial = batch.create_missing

    def mapping(self) -> dict[str, str]:
        result = {}
        for name, column in self.columns:
            choice = self.cleaned_data.get(name)
            if choice == "grade":
                result[column["key"]] = "subject:" + column["header"].split(" / ")[0]
            elif choice:
                result[column["key"]] = choice
        return result


class ImportConfirmForm(forms.Form):
    valid_rows_only = forms.BooleanField(
        label=_("Impor baris yang valid saja (baris bermasalah dilewati)"), required=False
    )
