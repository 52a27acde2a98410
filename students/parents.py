"""Parents and guardian of a student (issue 24): names and phone numbers, read by bk and the
student's walikelas, corrected by the operator and bk. Every read of the numbers is audited
(`parents.read`), every change too (`parents.update`, field names only, never values)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.fields import PARENT_FIELDS, can_edit_parents, can_read_parents
from smk_dashboard.core.phones import phone_display, phone_is_mobile, phone_normalize

from .models import Student, User

NAME_MAX = 120
LABELS = {
    "father_name": gettext_lazy("Nama ayah"),
    "mother_name": gettext_lazy("Nama ibu"),
    "guardian_name": gettext_lazy("Nama wali"),
    "parent_phone": gettext_lazy("Telepon orang tua"),
    "guardian_phone": gettext_lazy("Telepon wali"),
}


@dataclass(frozen=True)
class Reachable:
    """One person to call: who they are, the number as read and whether WhatsApp can reach
    it (a mobile number)."""

    who: str  # "ayah" | "ibu" | "wali" | "orang_tua"
    role_label: str
    name: str
    phone: str  # stored form "+62…"
    phone_shown: str
    whatsapp: bool


@dataclass(frozen=True)
class Parents:
    father_name: str
    mother_name: str
    guardian_name: str
    parent_phone: str
    guardian_phone: str
    reachable: list[Reachable]

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in PARENT_FIELDS)


def _reachable(values: dict) -> list[Reachable]:
    rows = []
    if values["parent_phone"]:
        names = " / ".join(n for n in (values["father_name"], values["mother_name"]) if n)
        rows.append(
            Reachable(
                who="orang_tua",
                role_label=str(_("Orang tua")),
                name=names,
                phone=values["parent_phone"],
                phone_shown=phone_display(values["parent_phone"]),
                whatsapp=phone_is_mobile(values["parent_phone"]),
            )
        )
    if values["guardian_phone"]:
        rows.append(
            Reachable(
                who="wali",
                role_label=str(_("Wali")),
                name=values["guardian_name"],
                phone=values["guardian_phone"],
                phone_shown=phone_display(values["guardian_phone"]),
                whatsapp=phone_is_mobile(values["guardian_phone"]),
            )
        )
    return rows


def student_parents(
    *, user: User, student: Student, request: HttpRequest | None = None, audit: bool = True
) -> Parents | None:
    """The student's parents and guardian for a user who may read them, else None. A read
    that shows a phone number is audited."""
    if not can_read_parents(user, student):
        return None
    values = parent_values(student=student)
    parents = Parents(**values, reachable=_reachable(values))
    if audit and (parents.parent_phone or parents.guardian_phone):
        audit_log(
            action="parents.read",
            user=user,
            request=request,
            target=student,
            school=student.school,
        )
    return parents


def parent_values(*, student: Student) -> dict[str, str]:
    """The five stored values, decrypted: from the row itself when it was loaded with them (the
    profile, for bk and walikelas), else in one query."""
    if not set(PARENT_FIELDS) & student.get_deferred_fields():
        return {f: getattr(student, f) or "" for f in PARENT_FIELDS}
    row = Student.objects.filter(pk=student.pk).values(*PARENT_FIELDS).first() or {}
    return {f: row.get(f) or "" for f in PARENT_FIELDS}


def parent_fields_clean(values: dict) -> dict:
    """Names trimmed (at most 120 characters), phones normalised to "+62…"; ValidationError
    naming every bad field, in Indonesian."""
    unknown = set(values) - set(PARENT_FIELDS)
    if unknown:
        raise ValidationError(_("Kolom ini tidak dapat diubah: %s") % ", ".join(sorted(unknown)))
    clean, errors = {}, {}
    for field, value in values.items():
        text = " ".join(str(value or "").split())
        if field.endswith("_phone"):
            try:
                clean[field] = phone_normalize(text)
            except ValueError as exc:
                errors[field] = [str(exc)]
        elif len(text) > NAME_MAX:
            errors[field] = [_("Nama paling panjang %(n)d huruf.") % {"n": NAME_MAX}]
        else:
            clean[field] = text
    if errors:
        raise ValidationError(errors)
    return clean


def student_parents_update(
    *, user: User, student: Student, values: dict, request: HttpRequest | None = None
) -> list[str]:
    """Store corrected names and numbers (operator and bk of the school). Returns the names
    of the fields that changed; the audit entry lists them, never their values."""
    if not can_edit_parents(user, student):
        raise PermissionDenied
    clean = parent_fields_clean(values)
    stored = parent_values(student=student)
    changed = [f for f, v in clean.items() if stored[f] != v]
    if not changed:
        return []
    for field in changed:
        setattr(student, field, clean[field])
    student.save(update_fields=[*changed, "updated_at"])
    audit_log(
        action="parents.update",
        user=user,
        request=request,
        target=student,
        school=student.school,
        detail={"fields": sorted(changed)},
    )
    return sorted(changed)
