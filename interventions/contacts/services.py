"""Writes for the parent contact log and letters: per-school letter templates, generating a
numbered letter (which logs a contact entry) and recording a contact. Bad input raises
ValidationError and writes nothing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.actions import services as action_services
from interventions.actions.models import ActionSource
from interventions.cases import permissions
from interventions.conduct import services as conduct_services
from interventions.conduct.models import LetterKind, PointTodo
from interventions.conduct.services import student_points_total
from smk_dashboard.core.audit import audit_log
from students.models import School, Student, User

from . import letters
from .models import ContactChannel, Letter, LetterTemplate, ParentContact


def letter_template_for(*, school: School, kind: str) -> LetterTemplate:
    """The school's template of `kind`, or the default wording (unsaved) if it has none."""
    found = LetterTemplate.objects.filter(school=school, kind=kind).first()
    if found is not None:
        return found
    subject, body = letters.DEFAULTS[LetterKind(kind)]
    head = "\n".join(x for x in [school.name.upper(), f"NPSN {school.npsn}", school.city] if x)
    return LetterTemplate(
        school=school,
        kind=kind,
        letterhead=head,
        subject=subject,
        body=body,
        signer_title=letters.SIGNER_TITLE,
    )


def _check_placeholders(*texts: str) -> None:
    unknown = sorted({name for text in texts for name in letters.unknown_placeholders(text)})
    if unknown:
        raise ValidationError(
            _("Isian {…} tidak dikenal: %(names)s. Yang dapat dipakai: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(letters.PLACEHOLDERS)}
        )


def letter_template_save(
    *,
    user: User,
    kind: str,
    letterhead: str,
    subject: str,
    body: str,
    signer_title: str,
    signer_name: str = "",
) -> LetterTemplate:
    """Store the user's school's wording of one kind of letter (bk)."""
    if not permissions.can_edit_letter_templates(user):
        raise ValidationError(_("Hanya guru BK yang dapat mengubah templat surat."))
    if kind not in LetterKind.values:
        raise ValidationError(_("Pilih jenis surat yang ada."))
    if not all((letterhead or "").strip() and (v or "").strip() for v in (subject, body)):
        raise ValidationError(_("Kop, perihal dan isi surat wajib diisi."))
    _check_placeholders(subject, body)
    template, _created = LetterTemplate.objects.update_or_create(
        school_id=user.school_id,
        kind=kind,
        defaults={
            "letterhead": letterhead.strip(),
            "subject": subject.strip(),
            "body": body.strip(),
            "signer_title": (signer_title or "").strip() or letters.SIGNER_TITLE,
            "signer_name": (signer_name or "").strip(),
            "updated_by": user,
        },
    )
    audit_log(action="letter.template", user=user, target=template, school=user.school)
    return template


def letter_values(*, student: Student, day: dt.date) -> dict:
    school_class = student.school_class
    homeroom = getattr(school_class, "homeroom_teacher", None)
    return {
        "nama": student.name,
        "nisn": student.nisn,
        "kelas": school_class.name if school_class else "-",
        "sekolah": student.school.name,
        "wali_kelas": (homeroom.get_full_name() or homeroom.username) if homeroom else "-",
        "total_poin": student_points_total(student=student),
        "tanggal": letters.date_id(day),
    }


def letter_draft(*, student: Student, kind: str, day: dt.date) -> dict:
    """The subject and body of a new letter: the school's template, placeholders filled."""
    template = letter_template_for(school=student.school, kind=kind)
    values = letter_values(student=student, day=day)
    return {
        "subject": letters.fill(template.subject, values),
        "body": letters.fill(template.body, values),
    }


def _next_sequence(*, school_id: int, year: int) -> int:
    last = Letter.objects.filter(school_id=school_id, year=year).aggregate(n=Max("sequence"))["n"]
    return (last or 0) + 1


def letter_create(
    *,
    user: User,
    student: Student,
    kind: str,
    date: dt.date,
    subject: str,
    body: str,
    todo: PointTodo | None = None,
    request: HttpRequest | None = None,
) -> Letter:
    """Generate a numbered letter for a student (bk or the student's walikelas) and log it as
    a parent contact (channel surat). The number runs per school and year."""
    if not permissions.can_contact_parents(user, student):
        raise ValidationError(_("Surat dibuat oleh guru BK atau wali kelas siswa."))
    errors = []
    if kind not in LetterKind.values:
        errors.append(_("Pilih jenis surat yang ada."))
    if not (subject or "").strip() or not (body or "").strip():
        errors.append(_("Perihal dan isi surat wajib diisi."))
    if date is None or abs((date - timezone.localdate()).days) > 366:
        errors.append(_("Tanggal surat harus dalam setahun dari hari ini."))
    if todo is not None and todo.student_id != student.pk:
        errors.append(_("Tugas batas poin ini bukan milik siswa ini."))
    if errors:
        raise ValidationError(errors)
    template = letter_template_for(school=student.school, kind=kind)
    label = LetterKind(kind).label
    for _attempt in range(3):
        try:
            with transaction.atomic():
                sequence = _next_sequence(school_id=student.school_id, year=date.year)
                letter = Letter.objects.create(
                    school_id=student.school_id,
                    student=student,
                    kind=kind,
                    year=date.year,
                    sequence=sequence,
                    number=letters.letter_number(
                        sequence=sequence, npsn=student.school.npsn, day=date
                    ),
                    date=date,
                    letterhead=template.letterhead,
                    subject=subject.strip(),
                    body=body.strip(),
                    signer_name=template.signer_name,
                    signer_title=template.signer_title,
                    todo=todo,
                    created_by=user,
                )
                ParentContact.objects.create(
                    student=student,
                    date=date,
                    channel=ContactChannel.LETTER,
                    contact_person=_("Orang tua/wali"),
                    summary=f"{label} {letter.number}: {letter.subject}",
                    letter=letter,
                    recorded_by=user,
                )
                audit_log(
                    action="letter.create",
                    user=user,
                    request=request,
                    target=letter,
                    school=student.school,
                    detail={"student_id": student.pk, "kind": kind, "number": letter.number},
                )
                _threshold_todos_close(student=student, kind=kind, todo=todo, user=user)
            return letter
        except IntegrityError:
            continue  # another letter took the number at the same moment: take the next
    raise ValidationError(_("Nomor surat sedang dipakai; coba lagi."))


def _threshold_todos_close(
    *, student: Student, kind: str, todo: PointTodo | None, user: User
) -> None:
    """The letter a crossed threshold asks for is made: its to-do is done for bk and the
    walikelas alike (one row for both), so nobody makes a second letter (issue 24). A letter
    made from the profile closes the open to-dos that ask for a letter of its kind."""
    todos = PointTodo.objects.filter(student=student, done_at__isnull=True)
    todos = (
        todos.filter(pk=todo.pk) if todo is not None else todos.filter(threshold__letter_kind=kind)
    )
    for open_todo in todos:
        conduct_services.point_todo_done(user=user, todo=open_todo, via="letter")


def parent_contact_record(
    *,
    user: User,
    student: Student,
    date: dt.date,
    channel: str,
    contact_person: str,
    summary: str = "",
    follow_up: str = "",
    follow_up_date: dt.date | None = None,
    request: HttpRequest | None = None,
) -> ParentContact:
    """Log a contact with a parent or guardian (bk or the student's walikelas)."""
    if not permissions.can_contact_parents(user, student):
        raise ValidationError(_("Kontak orang tua dicatat oleh guru BK atau wali kelas siswa."))
    errors = []
    if channel not in ContactChannel.values:
        errors.append(_("Pilih cara kontak yang ada."))
    if not (contact_person or "").strip():
        errors.append(_("Tuliskan siapa yang dihubungi."))
    if date is None or date > timezone.localdate():
        errors.append(_("Tanggal tidak boleh di masa depan."))
    if follow_up_date is not None and date is not None and follow_up_date < date:
        errors.append(_("Tanggal tindak lanjut tidak boleh sebelum tanggal kontak."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = ParentContact.objects.create(
            student=student,
            date=date,
            channel=channel,
            contact_person=contact_person.strip()[:120],
            summary=(summary or "").strip(),
            follow_up=(follow_up or "").strip()[:300],
            follow_up_date=follow_up_date,
            recorded_by=user,
        )
        audit_log(
            action="contact.create",
            user=user,
            request=request,
            target=contact,
            school=student.school,
            detail={"student_id": student.pk, "channel": channel},
        )
        if follow_up_date is not None:  # a to-do for whoever made the contact (issue 24)
            action_services.action_item_create(
                student=student,
                owner=user,
                source=ActionSource.CONTACT,
                # The follow-up, never the summary (confidential).
                text=contact.follow_up or _("Hubungi lagi orang tua/wali"),
                due_date=follow_up_date,
                created_by=user,
                request=request,
                contact=contact,
            )
    return contact


def counselling_records_redact(*, student: Student, placeholder: str) -> int:
    """For anonymisation: the free text of issue 17's records about a student (session
    findings, home-visit address, decisions, referral text, contact summaries, letters,
    point descriptions) becomes `placeholder` or empty. Dates, kinds and points stay, so
    aggregates keep working. Returns the number of rows changed."""
    from interventions.cases.models import CaseDecision, InterventionSession
    from interventions.conduct.models import PointEntry

    changed = 0
    sessions = list(InterventionSession.objects.filter(intervention__student=student))
    fields = ("attendees", "visit_address", "findings", "referral_reason", "referral_outcome")
    for session in sessions:
        for field in fields:
            setattr(session, field, placeholder if getattr(session, field) else "")
    InterventionSession.objects.bulk_update(sessions, fields)
    changed += len(sessions)
    changed += CaseDecision.objects.filter(session__intervention__student=student).update(
        decision=placeholder
    )
    contacts = list(ParentContact.objects.filter(student=student))
    for contact in contacts:
        contact.summary = placeholder if contact.summary else ""
        contact.contact_person, contact.follow_up = placeholder, ""
    ParentContact.objects.bulk_update(contacts, ["summary", "contact_person", "follow_up"])
    changed += len(contacts)
    changed += Letter.objects.filter(student=student).update(body=placeholder, subject=placeholder)
    from interventions.actions.models import ActionItem

    changed += ActionItem.objects.filter(student=student).update(text=placeholder)
    changed += (
        PointEntry.objects.filter(student=student)
        .exclude(description="")
        .update(description=placeholder)
    )
    return changed


DEMO_CONTACT = "Orang tua dihubungi; bersedia datang ke sekolah minggu depan."


def demo_counselling_seed(*, school: School, walikelas: User, seed: int) -> int:
    """Issue 17's records for the demo, so its pages have something to show: the standard
    point catalogue, a few violations and achievements in the walikelas's class (one student
    crossing the summons threshold, so bk and the walikelas have a to-do), and one parent
    contact. Deterministic for a seed on a given day (dates count back from today)."""
    import random

    from interventions.conduct.models import Behaviour
    from interventions.conduct.services import point_catalogue_seed, point_entry_record

    point_catalogue_seed(school=school)
    behaviours = {b.name: b for b in Behaviour.objects.filter(school=school)}
    students = list(
        Student.objects.filter(school=school, school_class__homeroom_teacher=walikelas).order_by(
            "id"
        )
    )
    if len(students) < 3:
        return 0
    rng = random.Random(seed)  # nosec B311: picks demo students, nothing secret
    chosen = rng.sample(students, 3)
    today = timezone.localdate()
    plan = [
        (chosen[0], "Terlambat", 30),
        (chosen[0], "Bolos", 18),
        (chosen[0], "Berkelahi", 4),  # 75 points: crosses 50 (panggilan orang tua)
        (chosen[1], "Terlambat", 12),
        (chosen[1], "Juara lomba", 6),
        (chosen[2], "Aktif dalam kegiatan sekolah", 9),
    ]
    for student, name, days_ago in plan:
        point_entry_record(
            user=walikelas,
            student=student,
            behaviour=behaviours[name],
            date=today - dt.timedelta(days=days_ago),
        )
    parent_contact_record(
        user=walikelas,
        student=chosen[1],
        date=today - dt.timedelta(days=10),
        channel=ContactChannel.WHATSAPP,
        contact_person="Orang tua/wali",
        summary=DEMO_CONTACT,
    )
    return len(plan) + 1
