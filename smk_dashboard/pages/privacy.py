"""Data-subject rights under UU PDP No. 27/2022: access (export), rectification, erasure by
anonymisation, consent and objection to automated decisions, and a pseudonymised research
export. Reads start from `student_queryset_for_user`; every write is audited."""

import base64
import hashlib
import hmac
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.contacts.services import counselling_records_redact
from interventions.models import (
    Intervention,
    InterventionSession,
    Letter,
    ParentContact,
    PointEntry,
)
from predictions.models import Prediction
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.fields import SOCIO_ECONOMIC_FIELDS
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.core.page_cache import school_pages_changed
from smk_dashboard.core.roles import PRIVACY_ROLES
from students.models import (
    AttendanceRecord,
    AttendanceSummary,
    ConsentStatus,
    GradeRecord,
    NonAcademicRating,
    PklPlacement,
    School,
    Student,
    StudentPrivacy,
    User,
)
from students.selectors import student_queryset_for_user

from .suppression import withheld_groups

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
)
REDACTED = "[dihapus saat anonimisasi]"
NOT_PREDICTED = "tidak diprediksi"


# --- Keys and pseudonyms -------------------------------------------------------------------
def _pseudonym_key() -> bytes:
    if settings.PSEUDONYM_KEY:
        return settings.PSEUDONYM_KEY.encode()
    # Development fallback; the deploy check (smk_dashboard.W001) asks for a real key.
    return hmac.new(settings.SECRET_KEY.encode(), b"smk-pseudonym", hashlib.sha256).digest()


def pseudonym(value: str, *, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256) of `value`, different for each `purpose`: without the key
    nobody can tell whose it is or test a guessed NISN against it."""
    digest = hmac.new(_pseudonym_key(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().rstrip("=").lower()[:26]


# --- Scoping -------------------------------------------------------------------------------
def privacy_student_queryset(*, user: User) -> QuerySet[Student]:
    """Students whose data-subject requests this user handles: operator and kepsek, their own
    school only (superusers everywhere)."""
    qs = student_queryset_for_user(user=user)
    if user.is_superuser or user.role in PRIVACY_ROLES:
        return qs
    return qs.none()


def student_privacy_get(*, student: Student) -> StudentPrivacy:
    """The student's record, unsaved with defaults when nothing was recorded yet."""
    try:
        return student.privacy
    except StudentPrivacy.DoesNotExist:
        return StudentPrivacy(student=student)


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
            _pseudonym_key(), f"anon-nisn:{student.pk}:{attempt}".encode(), hashlib.sha256
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
    NISN becomes a keyed-hash placeholder, NIS, birth date and socio-economic fields are
    cleared, free-text counselling notes are redacted. Models are retrained later as usual."""
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
    student.full_clean()
    student.save()
    interventions = Intervention.objects.filter(student=student)
    redacted_interventions = interventions.update(reason=REDACTED, goal="", closing_note="")
    sessions = list(InterventionSession.objects.filter(intervention__student=student))
    for session in sessions:
        session.notes = REDACTED if session.notes else ""
    InterventionSession.objects.bulk_update(sessions, ["notes"])
    counselling_records_redact(student=student, placeholder=REDACTED)
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
        },
    )
    return student


# --- Access: everything held about one student ---------------------------------------------
def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def student_data_export(*, student: Student) -> dict:
    """All data held about one student, as plain JSON-able values, for the student and their
    parents (UU PDP art. 7). Counselling notes are listed by date; their text is handed over
    by the guru BK in person (professional confidentiality). Parent contacts and letters are
    confidential in the same way: the export lists them (date, channel, who was contacted;
    letter kind, number, date, subject) but not a contact's summary or follow-up, nor a
    letter's body; "sangat rahasia" sessions (child protection) are not listed at all.
    Conduct points and PKL placements are in it in full. This is the data
    subject's own copy, so the staff field groups of `core.fields` do not narrow it: every
    group is in it. The operator who hands it over therefore sees predictions and intervention
    reasons that their own pages do not show; each export is audited (`export.student.*`)."""
    student = (
        Student.objects.select_related("school", "school_class", "major")
        .filter(pk=student.pk)
        .get()
    )
    privacy = student_privacy_get(student=student)
    grades = (
        GradeRecord.objects.filter(student=student)
        .select_related("subject", "term")
        .order_by("term__code", "subject__name", "component")
    )
    summaries = (
        AttendanceSummary.objects.filter(student=student)
        .select_related("term")
        .order_by("term__code")
    )
    daily = AttendanceRecord.objects.filter(student=student).order_by("date")
    ratings = NonAcademicRating.objects.filter(student=student).select_related("term")
    predictions = (
        Prediction.objects.filter(student=student)
        .select_related("term", "based_on_term", "model_version")
        .order_by("-created_at")
    )
    interventions = (
        Intervention.objects.filter(student=student, deleted_at__isnull=True)
        .select_related("programme")
        .prefetch_related("sessions")
    )
    points = (
        PointEntry.objects.filter(student=student)
        .select_related("behaviour", "recorded_by", "voided_by")
        .order_by("date", "id")
    )
    contacts = ParentContact.objects.filter(student=student).order_by("date", "id")
    letters = Letter.objects.filter(student=student).order_by("date", "id")
    placements = PklPlacement.objects.filter(student=student).select_related("term")
    accesses = AuditEvent.objects.filter(
        target_type=student._meta.label_lower, target_id=str(student.pk)
    ).order_by("-at")[:500]
    return {
        "format": "smk-dashboard-student-export/1",
        "generated_at": timezone.now().isoformat(),
        "school": {"npsn": student.school.npsn, "name": student.school.name},
        "student": {
            "id": student.pk,
            "nisn": student.nisn,
            "nis": student.nis,
            "name": student.name,
            "gender": student.gender,
            "birth_date": _iso(student.birth_date),
            "status": student.status,
            "major": student.major.name if student.major else None,
            "class": student.school_class.name if student.school_class else None,
            "father_education": student.father_education,
            "mother_education": student.mother_education,
            "father_occupation": student.father_occupation,
            "mother_occupation": student.mother_occupation,
            "income_bracket": student.income_bracket,
            "distance_km": student.distance_km,
            "kip_recipient": student.kip_recipient,
        },
        "privacy": {
            "consent": privacy.consent,
            "consent_recorded_at": _iso(privacy.consent_recorded_at),
            "objects_to_automated_decisions": privacy.objects_to_automated_decisions,
            "objection_recorded_at": _iso(privacy.objection_recorded_at),
            "anonymised_at": _iso(privacy.anonymised_at),
        },
        "grades": [
            {
                "term": g.term.code,
                "subject": g.subject.name,
                "component": g.component,
                "score": float(g.score),
            }
            for g in grades
        ],
        "attendance_summaries": [
            {
                "term": s.term.code,
                "sakit": s.sakit,
                "izin": s.izin,
                "alpa": s.alpa,
                "school_days": s.school_days,
            }
            for s in summaries
        ],
        "attendance_days": [{"date": d.date.isoformat(), "status": d.status} for d in daily],
        "ratings": [
            {"term": r.term.code, "motivation": r.motivation, "social_skills": r.social_skills}
            for r in ratings
        ],
        "predictions": [
            {
                "term": p.term.code,
                "based_on_term": p.based_on_term.code,
                "category": p.category,
                "probabilities": {"kurang": p.p_kurang, "sedang": p.p_sedang, "baik": p.p_baik},
                "factors": p.factors,
                "model": f"{p.model_version.algorithm} v{p.model_version.version}",
                "created_at": p.created_at.isoformat(),
            }
            for p in predictions
        ],
        "interventions": [
            {
                "programme": i.programme.name,
                "start_date": i.start_date.isoformat(),
                "status": i.status,
                "outcome": i.outcome,
                "reason": i.reason,
                # "Sangat rahasia" sessions (child protection) are left out: the parent who
                # asks may be the risk. The BK and the kepala sekolah decide what to tell.
                "sessions": [
                    {"date": s.date.isoformat(), "attended": s.attended}
                    for s in i.sessions.all()
                    if not s.very_confidential
                ],
            }
            for i in interventions
        ],
        "counselling_notes": _(
            "Catatan konseling disimpan terenkripsi dan bersifat rahasia; isinya diberikan "
            "oleh guru BK atas permintaan orang tua/wali."
        ),
        "conduct_points": [
            {
                "date": e.date.isoformat(),
                "behaviour": e.behaviour.name,
                "kind": e.behaviour.kind,
                "points": e.points,
                "description": e.description,
                "recorded_by": str(e.recorded_by) if e.recorded_by else None,
                "imported": e.imported,
                "voided": e.is_void,
                "void_reason": e.void_reason if e.is_void else "",
            }
            for e in points
        ],
        "conduct_points_total": sum(e.points for e in points if not e.is_void),
        "parent_contacts": [
            {
                "date": c.date.isoformat(),
                "channel": c.channel,
                "contact_person": c.contact_person,
                "follow_up_date": _iso(c.follow_up_date),
            }
            for c in contacts
        ],
        "letters": [
            {"kind": x.kind, "number": x.number, "date": x.date.isoformat(), "subject": x.subject}
            for x in letters
        ],
        "parent_contact_notes": _(
            "Ringkasan kontak orang tua, tindak lanjutnya dan isi surat bersifat rahasia seperti "
            "catatan konseling; isinya diberikan oleh guru BK atas permintaan orang tua/wali."
        ),
        "pkl_placements": [
            {
                "term": p.term.code,
                "company": p.company,
                "mentor": p.mentor,
                "days_present": p.days_present,
                "days_total": p.days_total,
                "rating_attitude": None if p.rating_attitude is None else float(p.rating_attitude),
                "rating_skills": None if p.rating_skills is None else float(p.rating_skills),
            }
            for p in placements.order_by("term__code")
        ],
        "access_log": [
            {"at": e.at.isoformat(), "action": e.action, "by": e.username} for e in accesses
        ],
    }


def student_export_audit(
    *, actor: User, student: Student, fmt: str, request: HttpRequest | None = None
) -> None:
    audit_log(action=f"export.student.{fmt}", user=actor, request=request, target=student)


# --- Pseudonymised research export ---------------------------------------------------------
RESEARCH_COLUMNS = [
    "pseudonym",
    "major_field",
    "grade_level",
    "gender",
    "term",
    "mean_score",
    "n_scores",
    "sakit",
    "izin",
    "alpa",
    "school_days",
    "latest_category",
]
QUASI_IDENTIFIERS = ("major_field", "grade_level", "gender")


def research_export_rows(*, school: School) -> tuple[list[dict], int]:
    """One row per student and term: no names, no NISN (a keyed hash instead), no birth date
    or socio-economic fields. Rows whose (major field, grade level, gender) group holds fewer
    than SMALL_CELL_THRESHOLD students are suppressed, with complementary groups
    (`suppression.withheld_groups`). Students whose guardian withdrew consent (UU PDP art. 25)
    are left out entirely. Returns (rows, students suppressed)."""
    latest = Prediction.objects.current().filter(student=OuterRef("pk"))
    students = list(
        Student.objects.filter(school=school)
        .exclude(privacy__consent=ConsentStatus.WITHDRAWN)
        .annotate(latest_category=Subquery(latest.values("category")[:1]))
        .values(
            "pk",
            "nisn",
            "gender",
            "major__field",
            "school_class__grade_level",
            "latest_category",
            "privacy__objects_to_automated_decisions",
        )
    )
    groups = Counter(
        (s["major__field"], s["school_class__grade_level"], s["gender"]) for s in students
    )
    # A small group is withheld, and so is the other gender of its class level: otherwise the
    # class size (school report) minus the group shown gives the small one away. Axis 2 of
    # (major field, grade level, gender) is summed out in what is published elsewhere.
    withheld = withheld_groups(groups, summed_axes=(2,), threshold=settings.SMALL_CELL_THRESHOLD)
    kept = {
        s["pk"]: s
        for s in students
        if (s["major__field"], s["school_class__grade_level"], s["gender"]) not in withheld
    }
    grade_means = (
        GradeRecord.objects.filter(student_id__in=kept)
        .values("student_id", "term__code")
        .annotate(mean=Avg("score"), n=Count("id"))
        .order_by("student_id", "term__code")
    )
    attendance = {
        (a["student_id"], a["term__code"]): a
        for a in AttendanceSummary.objects.filter(student_id__in=kept).values(
            "student_id", "term__code", "sakit", "izin", "alpa", "school_days"
        )
    }
    rows = []
    for g in grade_means:
        s = kept[g["student_id"]]
        att = attendance.get((g["student_id"], g["term__code"]), {})
        objected = s["privacy__objects_to_automated_decisions"]
        rows.append(
            {
                "pseudonym": pseudonym(
                    f"{school.npsn}:{s['nisn'] or 'id' + str(s['pk'])}", purpose="research"
                ),
                "major_field": s["major__field"] or "",
                "grade_level": s["school_class__grade_level"] or "",
                "gender": s["gender"],
                "term": g["term__code"],
                "mean_score": round(float(g["mean"]), 2),
                "n_scores": g["n"],
                "sakit": att.get("sakit", ""),
                "izin": att.get("izin", ""),
                "alpa": att.get("alpa", ""),
                "school_days": att.get("school_days") or "",
                "latest_category": NOT_PREDICTED if objected else (s["latest_category"] or ""),
            }
        )
    return rows, len(students) - len(kept)
