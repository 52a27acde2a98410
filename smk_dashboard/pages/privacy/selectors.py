"""Reads for the privacy pages: whose requests a user handles, a student's privacy record, and
everything held about one student (the data subject's own copy)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.models import Intervention, Letter, ParentContact, PointEntry
from predictions.models import Prediction
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.core.roles import PRIVACY_ROLES
from students.models import (
    AttendanceRecord,
    AttendanceSummary,
    DataSubjectRequest,
    GradeRecord,
    NonAcademicRating,
    PklPlacement,
    Student,
    StudentPrivacy,
    User,
)
from students.selectors import student_queryset_for_user


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


# --- Requests for a copy -------------------------------------------------------------------
# How long a recorded request opens the counselling part of the copy.
REQUEST_VALID_DAYS = 30


def open_subject_request(*, student: Student, today=None) -> DataSubjectRequest | None:
    """The latest request for the student's data received in the last REQUEST_VALID_DAYS
    days, or None: then the copy holds no predictions and no interventions."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=REQUEST_VALID_DAYS)
    return (
        DataSubjectRequest.objects.filter(student=student, received_on__gte=since)
        .order_by("-received_on", "-id")
        .first()
    )


def subject_requests_for_user(*, user: User) -> QuerySet[DataSubjectRequest]:
    """The requests of the students whose requests the user handles, newest first."""
    return DataSubjectRequest.objects.filter(
        student__in=privacy_student_queryset(user=user)
    ).select_related("student", "student__school_class", "recorded_by")


# --- Access: everything held about one student ---------------------------------------------
def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def student_data_export(*, student: Student, counselling: bool = False) -> dict:
    """All data held about one student, as plain JSON-able values, for the student and their
    parents (UU PDP art. 7). Counselling notes are listed by date; their text is handed over
    by the guru BK in person (professional confidentiality). Parent contacts and letters are
    confidential in the same way: the export lists them (date, channel, who was contacted;
    letter kind, number, date, subject) but not a contact's summary or follow-up, nor a
    letter's body; "sangat rahasia" sessions (child protection) are not listed at all.
    Conduct points and PKL placements are in it in full. This is the data
    subject's own copy, so the staff field groups of `core.fields` do not narrow it: every
    group is in it. The operator who hands it over therefore sees predictions and intervention
    reasons that their own pages do not show: so predictions and interventions are in it only
    with `counselling` (a request recorded: who asked, when, why), and each export is audited
    (`export.student.*`) with the request it answered."""
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
    if not counselling:
        predictions, interventions = Prediction.objects.none(), Intervention.objects.none()
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
            "father_name": student.father_name,
            "mother_name": student.mother_name,
            "guardian_name": student.guardian_name,
            "parent_phone": student.parent_phone,
            "guardian_phone": student.guardian_phone,
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
                "term_label": g.term.label,
                "subject": g.subject.name,
                "component": g.component,
                "score": float(g.score),
            }
            for g in grades
        ],
        "attendance_summaries": [
            {
                "term": s.term.code,
                "term_label": s.term.label,
                "sakit": s.sakit,
                "izin": s.izin,
                "alpa": s.alpa,
                "school_days": s.school_days,
            }
            for s in summaries
        ],
        "attendance_days": [{"date": d.date.isoformat(), "status": d.status} for d in daily],
        "ratings": [
            {
                "term": r.term.code,
                "term_label": r.term.label,
                "motivation": r.motivation,
                "social_skills": r.social_skills,
            }
            for r in ratings
        ],
        "predictions": [
            {
                "term": p.term.code,
                "term_label": p.term.label,
                "based_on_term": p.based_on_term.code,
                "based_on_term_label": p.based_on_term.label,
                "category": p.category,
                "probabilities": {"kurang": p.p_kurang, "sedang": p.p_sedang, "baik": p.p_baik},
                "risk_label": p.risk_label,
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
        "counselling_included": counselling,
        "counselling_withheld": ""
        if counselling
        else _(
            "Prediksi dan layanan BK tidak disertakan: catat dulu permintaan orang tua/wali "
            "(siapa, kapan, untuk apa) di halaman hak subjek data."
        ),
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
                "term_label": p.term.label,
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
