"""The operator's answers to a preview's identity questions: for each conflicting row "this
row is that student" / "a new student" / "skip" (stored on the batch mapping, then the file
is analysed again, so the preview shows what the choice does), and the tick that lets an
import change a student's name or NISN. The analysis checks every choice again
(importers.identity): a stored choice never reaches a student the user may not touch."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from students.importers.identity import IDENTITY_ACCEPT, IDENTITY_CHOICES
from students.models import ImportBatch, ImportStatus, User

from .lifecycle import import_batch_preview


def import_batch_resolve(
    *, batch: ImportBatch, choices: dict[str, str], user: User | None, request=None
) -> ImportBatch:
    """Store the choices (row key -> "student:<id>" | "new" | "skip"; "" withdraws one) and
    queue a new analysis. Only rows the preview showed as conflicts, or rows already
    answered, may be answered, and only with a choice the preview offered."""
    if batch.status != ImportStatus.PREVIEW:
        raise ValidationError(_("Impor ini tidak menunggu konfirmasi."))
    identity = batch.preview.get("identity") or {}
    offered = {c["key"]: c["choices"] for c in identity.get("conflicts", [])}
    current = dict(batch.mapping.get(IDENTITY_CHOICES) or {})
    for key, choice in choices.items():
        if not choice:
            current.pop(key, None)
            continue
        if key not in offered and key not in current:
            raise ValidationError(_("Baris ini tidak punya konflik identitas."))
        if choice not in offered.get(key, [current.get(key)]):
            raise ValidationError(_("Pilihan untuk baris ini tidak dikenal; pilih lagi."))
        current[key] = choice
    mapping = dict(batch.mapping)
    mapping[IDENTITY_CHOICES] = current
    audit_log(
        action="import.identity",
        user=user,
        request=request,
        target=batch,
        school=batch.school,
        detail={"choices": len(current), "skip": sum(c == "skip" for c in current.values())},
    )
    return import_batch_preview(batch=batch, mapping=mapping)


def import_batch_accept_identity_changes(*, batch: ImportBatch, accept: bool) -> None:
    """The confirm form's own tick for updates that change a name or NISN: without it the
    run leaves those students as they are and imports the rest."""
    if bool(batch.mapping.get(IDENTITY_ACCEPT)) == accept:
        return
    batch.mapping = {**batch.mapping, IDENTITY_ACCEPT: accept}
    batch.save(update_fields=["mapping"])
