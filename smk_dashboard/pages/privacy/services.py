"""Writes for the privacy pages: consent and objection, rectification, erasure by
anonymisation, and the audit entry of an export. Every write is audited."""

import hashlib
import hmac

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.contacts.services import counselling_records_redact
from interventions.models import Intervention, InterventionSession
from predictions.models import Prediction
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.fields import PARENT_FIELDS, SOCIO_ECONOMIC_FIELDS
from smk_dashboard.core.page_cache import school_pages_changed
from students.importing.retention import import_files_erase_for_school
from students.models import (
    ConsentStatus,
    DataSubjectRequest,
    GradeRecord,
    Student,
    StudentPrivacy,
    User,
)
from students.parents import parent_fields_clean

from .pseudonyms import pseudonym_key

RECTIFIABLE_FIELDS = (
    "name",
    "nisn",
    "nis",
    "gender",
    "birth_date",
    "father_education",
    "mother_education",
    "father_occupation",
    "mother_occupation",
    "income_bracket",
    "distance_km",
    "kip_recipient",
    *PARENT_FIELDS,
)
REDACTED = "[dihapus saat anonimisasi]"


# --- Consent and objection -----------------------------------------------------------------
@transaction.atomic
def student_consent_record(
    *,
    actor: User,
    student: Student,
    consent: str,
    objects_to_automated_decisions: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> StudentPrivacy:
    """Record the guardian's consent and whether the student objects to automated decisions
    (UU PDP art. 10). A new objection also deletes the student's stored predictions, so no
    page shows a category for them; scoring skips them from then on."""
    if consent not in ConsentStatus.values:
        raise ValidationError(_("Status persetujuan tidak dikenal."))
    privacy, _created = StudentPrivacy.objects.select_for_update().get_or_create(student=student)
    now = timezone.now()
    deleted_predictions = 0
    if consent != privacy.consent:
        privacy.consent = consent
        privacy.consent_recorded_at = now
    if objects_to_automated_decisions != privacy.objects_to_automated_decisions:
        privacy.objects_to_automated_decisions = objects_to_automated_decisions
        privacy.objection_recorded_at = now
        if objects_to_automated_decisions:
            deleted_predictions = Prediction.objects.filter(student=student).delete()[0]
            school_pages_changed(student.school_id)  # cached lists must drop them at once
    privacy.note = note[:300]
    privacy.updated_by = actor
    privacy.save()
    audit_log(
        action="privacy.consent",
        user=actor,
        request=request,
        target=student,
        detail={
            "consent": consent,
            "objects_to_automated_decisions": objects_to_automated_decisions,
            "predictions_deleted": deleted_predictions,
        },
    )
    return privacy


# --- Rectification -------------------------------------------------------------------------
@transaction.atomic
def student_rectify(
    *, actor: User, student: Student, changes: dict, request: HttpRequest | None = None
) -> Student:
    """Correct a student's personal data. Only the names in RECTIFIABLE_FIELDS may change; the
    audit entry lists which fields changed, never their values."""
    unknown = set(changes) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Kolom ini tidak dapat diubah: %s") % ", ".join(sorted(unknown)))
    parents = parent_fields_clean({f: v for f, v in changes.items() if f in PARENT_FIELDS})
    changes = {**changes, **parents}  # numbers normalised to +62…, nonsense refused
    changed = [f for f, v in changes.items() if getattr(student, f) != v]
    if not changed:
        return student
    for field in changed:
        setattr(student, field, changes[field])
    student.full_clean()
    student.save()
    audit_log(
        action="privacy.rectify",
        user=actor,
        request=request,
        target=student,
        detail={"fields": sorted(changed)},
    )
    return student


# --- Erasure by anonymisation --------------------------------------------------------------
def _anonymous_nisn(student: Student) -> str:
    """Ten digits from a keyed hash of the row id (never of the real NISN, so the old number
    cannot be confirmed from it); unique within the school."""
    for attempt in range(100):
        digest = hmac.new(
            pseudonym_key(), f"anon-nisn:{student.pk}:{attempt}".encode(), hashlib.sha256
        ).hexdigest()
        candidate = f"{int(digest, 16) % 10**10:010d}"
        clash = Student.objects.filter(school_id=student.school_id, nisn=candidate)
        if not clash.exclude(pk=student.pk).exists():
            return candidate
    raise ValidationError(_("Tidak dapat membuat NISN pengganti; coba lagi."))  # pragma: no cover


@transaction.atomic
def student_anonymise(
    *, actor: User, student: Student, request: HttpRequest | None = None
) -> Student:
    """Erase a student's identity while keeping aggregates: grades, attendance, ratings and
    predictions (with their factors) stay attached to a pseudonymous row "Siswa anonim #<n>".
    NISN becomes a keyed-hash placeholder, NIS, birth date, socio-economic fields and
    parents' names and numbers are cleared, free-text counselling notes are redacted. Models
    are retrained later as usual."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    privacy, _created = StudentPrivacy.objects.get_or_create(student=student)
    if privacy.anonymised_at is not None:
        raise ValidationError(_("Data siswa ini sudah dianonimkan."))
    student.name = f"Siswa anonim #{student.pk}"
    student.nisn = _anonymous_nisn(student)
    student.nis = ""
    student.birth_date = None
    for field in SOCIO_ECONOMIC_FIELDS:
        setattr(student, field, False if field == "kip_recipient" else "")
    for field in PARENT_FIELDS:  # parents' names and numbers identify the child too
        setattr(student, field, "")
    student.full_clean()
    student.save()
    interventions = Intervention.objects.filter(student=student)
    redacted_interventions = interventions.update(reason=REDACTED, goal="", closing_note="")
    sessions = list(InterventionSession.objects.filter(intervention__student=student))
    for session in sessions:
        session.notes = REDACTED if session.notes else ""
    InterventionSession.objects.bulk_update(sessions, ["notes"])
    counselling_records_redact(student=student, placeholder=REDACTED)
    # The uploaded spreadsheets that may name the student (and their error reports) go too.
    files = import_files_erase_for_school(
        school=student.school, actor=actor, reason="privacy.anonymise"
    )
    privacy.anonymised_at = timezone.now()
    privacy.note = ""
    privacy.updated_by = actor
    privacy.save()
    audit_log(
        action="privacy.anonymise",
        user=actor,
        request=request,
        target=student,
        detail={
            "interventions_redacted": redacted_interventions,
            "sessions_redacted": len(sessions),
            "grades_kept": GradeRecord.objects.filter(student=student).count(),
            "upload_files_removed": files["files_removed"],
            "import_previews_cancelled": files["previews_cancelled"],
        },
    )
    return student


def student_export_audit(
    *,
    actor: User,
    student: Student,
    fmt: str,
    request: HttpRequest | None = None,
    subject_request: DataSubjectRequest | None = None,
) -> None:
    """One entry per export, naming the recorded request it answered (None: the copy held no
    counselling content)."""
    audit_log(
        action=f"export.student.{fmt}",
        user=actor,
        request=request,
        target=student,
        detail={"request": subject_request.pk if subject_request else None},
    )


# --- Requests for a copy -------------------------------------------------------------------
MAX_REQUEST_AGE_DAYS = 365


@transaction.atomic
def data_subject_request_record(
    *,
    actor: User,
    student: Student,
    requester: str,
    received_on,
    purpose: str,
    request: HttpRequest | None = None,
) -> DataSubjectRequest:
    """Record who asked for the student's data, when and why. The copy holds predictions and
    interventions only while such a request is recent (`selectors.open_subject_request`)."""
    requester, purpose = (requester or "").strip(), (purpose or "").strip()
    if not requester:
        raise ValidationError(_("Isi siapa yang meminta salinan data."))
    if not purpose:
        raise ValidationError(_("Isi keperluan permintaan."))
    today = timezone.localdate()
    if received_on is None or received_on > today:
        raise ValidationError(_("Tanggal permintaan tidak boleh di masa depan."))
    if (today - received_on).days > MAX_REQUEST_AGE_DAYS:
        raise ValidationError(_("Tanggal permintaan lebih dari setahun yang lalu."))
    entry = DataSubjectRequest.objects.create(
        school=student.school,
        student=student,
        requester=requester[:200],
        received_on=received_on,
        purpose=purpose[:500],
        recorded_by=actor,
    )
    audit_log(
        action="privacy.request",
        user=actor,
        request=request,
        target=student,
        detail={"request": entry.pk, "fields": ["requester", "received_on", "purpose"]},
    )
    return entry
