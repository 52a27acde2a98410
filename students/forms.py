from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smk_dashboard.core.formats import term_label
from smk_dashboard.core.params import parse_id, parse_ids

from .importers.identity import kept_identity_keys
from .importers.parsing import SHEET_CHOICE
from .importers.values import parse_term
from .importers.vocabulary import FIELD_LABELS, mappable_fields
from .models import ImportKind

TERM_HELP = _(
    'Pilih "(dari file)" bila judul file memuat semester, mis. "Semester : Ganjil 2024/2025", '
    "atau bila file menyebut bulannya (Juli–Desember = ganjil)."
)
FIRST_TERM_YEAR = 2019


def term_choices() -> list[tuple[str, str]]:
    """Every term from 2019/2020 to the coming one, newest first, as people read them."""
    today = timezone.localdate()
    current = today.year if today.month >= 7 else today.year - 1
    codes = [f"{y}-{s}" for y in range(current + 1, FIRST_TERM_YEAR - 1, -1) for s in (2, 1)]
    return [("", _("(dari file)"))] + [(code, term_label(code)) for code in codes]


class TermField(forms.CharField):
    """A term picked from the list; typed forms ("2024-1", "Ganjil 2024/2025") validate too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # the function, not its list: labels follow the reader's language and today's date
        super().__init__(widget=forms.Select(choices=term_choices), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return parse_term(value)
        except ValueError:
            raise forms.ValidationError(
                _("Tulis semester sebagai TTTT-S (mis. 2024-1) atau Ganjil 2024/2025.")
            )


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx, .xls), LibreOffice (.ods) atau CSV (; atau ,)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv,.txt"}),
    )
    term = TermField(label=_("Semester"), help_text=TERM_HELP)
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
        self.batch = batch
        self.fields["term"] = TermField(label=_("Semester"), initial=batch.term_code)
        sheets = batch.preview.get("all_sheets", [])
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Lembar yang diimpor"),
                choices=[("", _("(otomatis: lembar yang berisi tabel)"))]
                + [(name, name) for name in sheets],
                required=False,
                initial=batch.mapping.get(SHEET_CHOICE, ""),
            )
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

    @property
    def used_columns(self) -> list[tuple[str, dict]]:
        """The columns the import reads, first in the preview."""
        return [(n, c) for n, c in self.columns if c.get("used", True)]

    @property
    def unused_columns(self) -> list[tuple[str, dict]]:
        """The columns left out (with why), folded in the preview: a Dapodik export has 66."""
        return [(n, c) for n, c in self.columns if not c.get("used", True)]

    @property
    def unused_groups(self) -> list[tuple[str, list[tuple[str, dict]]]]:
        """The unused columns grouped by why, in the order the file first gives each reason."""
        groups: dict[str, list[tuple[str, dict]]] = {}
        for name, column in self.unused_columns:
            why = column.get("why") or str(_("tidak dikenali"))
            groups.setdefault(why, []).append((name, column))
        return list(groups.items())

    def mapping(self) -> dict:
        # the answers to identity conflicts stay when the columns are mapped again
        result = kept_identity_keys(self.batch.mapping)
        if self.cleaned_data.get("sheet"):
            result[SHEET_CHOICE] = self.cleaned_data["sheet"]
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
    apply_identity_changes = forms.BooleanField(
        label=_("Terapkan juga perubahan nama atau NISN"), required=False
    )


def _strict_id(value) -> int:
    """An id in ASCII digits (smk_dashboard.core.params); anything else a form error."""
    number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number


class ClassMajorBulkForm(forms.Form):
    """Several classes (ticked one by one, or a whole abbreviation group at once: the group's
    checkbox carries its class ids, so it works without JavaScript) and the one major they
    go under. Which ids belong to the school is the service's check."""

    classes = forms.TypedMultipleChoiceField(coerce=_strict_id, required=False)
    groups = forms.MultipleChoiceField(required=False)
    major = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Pilih kompetensi keahlian.")},
    )

    def __init__(self, *args, majors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["major"].queryset = majors
        posted = self.data.getlist if hasattr(self.data, "getlist") else lambda k: []
        # The choices are whatever ids were posted; only digits pass (clean below).
        self.fields["classes"].choices = [(v, v) for v in posted("classes")]
        self.fields["groups"].choices = [(v, v) for v in posted("groups")]

    def clean(self):
        data = super().clean()
        ids = set(data.get("classes") or [])
        for group in data.get("groups") or []:
            parts = [p for p in group.split(",") if p]
            group_ids = parse_ids(parts)
            if group_ids is None:
                raise forms.ValidationError(_("Pilihan kelas tidak dikenal."))
            ids.update(group_ids)
        if not ids:
            raise forms.ValidationError(_("Pilih sedikitnya satu kelas."))
        data["class_ids"] = sorted(ids)
        return data


class ParentsForm(forms.Form):
    """Parents' and guardian's names and numbers (issue 24): the shape only; the service
    (`students.parents.student_parents_update`) normalises numbers and refuses nonsense."""

    father_name = forms.CharField(label=_("Nama ayah"), max_length=120, required=False)
    mother_name = forms.CharField(label=_("Nama ibu"), max_length=120, required=False)
    parent_phone = forms.CharField(
        label=_("Telepon orang tua"),
        max_length=30,
        required=False,
        help_text=_("Mis. 0812-3456-7890 atau +62 812 3456 7890."),
    )
    guardian_name = forms.CharField(label=_("Nama wali"), max_length=120, required=False)
    guardian_phone = forms.CharField(label=_("Telepon wali"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control"
            if name.endswith("_phone"):
                field.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
