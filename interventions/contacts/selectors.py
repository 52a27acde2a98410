"""Reads for the parent contact log and letters. Summaries, and the follow-up agreed with the
parents, are shown only to bk of the school and whoever recorded them, and each such read is
audited (`contact.read`)."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest

from interventions.cases import permissions
from interventions.conduct.models import LetterKind
from smk_dashboard.core.audit import audit_log
from students.models import Student, StudentPrivacy, User
from students.selectors import student_queryset_for_user

from .models import Letter, ParentContact
from .services import letter_template_for


@dataclass(frozen=True)
class ContactRow:
    contact: ParentContact
    summary: str | None  # None: the user may not read it
    follow_up: str | None = None  # what was agreed: as confidential as the summary


def student_contacts(
    *, user: User, student: Student, request: HttpRequest | None = None
) -> list[ContactRow] | None:
    """The student's contact log, newest first; None for a user who may not see it."""
    if not permissions.can_view_contacts(user, student):
        return None
    contacts = ParentContact.objects.filter(student=student).select_related("recorded_by", "letter")
    rows = []
    for contact in contacts:
        contact.student = student
        readable = permissions.can_read_contact_summary(user, contact)
        rows.append(
            ContactRow(
                contact=contact,
                summary=contact.summary if readable else None,
                follow_up=contact.follow_up if readable else None,
            )
        )
    read = [r.contact.pk for r in rows if r.summary or r.follow_up]
    if read:
        audit_log(
            action="contact.read",
            user=user,
            request=request,
            target=student,
            school=student.school,
            detail={"contacts": read},
        )
    return rows


def letter_get(*, user: User, pk: int) -> Letter:
    """A letter of a student in the user's scope whose contact log they may see, else 404."""
    try:
        letter = Letter.objects.select_related("school", "student", "student__school_class").get(
            pk=pk, student__in=student_queryset_for_user(user=user)
        )
    except Letter.DoesNotExist:
        raise Http404("letter")
    if not permissions.can_view_contacts(user, letter.student):
        raise Http404("letter")
    return letter


def letter_templates(*, user: User) -> list:
    return [letter_template_for(school=user.school, kind=kind) for kind in LetterKind.values]


def guardian_consent(*, student: Student) -> StudentPrivacy | None:
    # The profile loads it with the student (select_related "privacy"): no second query.
    if Student.privacy.is_cached(student):
        return Student.privacy.related.get_cached_value(student)
    return StudentPrivacy.objects.filter(student=student).first()


def contacts_profile_context(
    *, user: User, student: Student, request: HttpRequest | None = None
) -> dict:
    return {
        "contacts": student_contacts(user=user, student=student, request=request),
        "can_contact_parents": permissions.can_contact_parents(user, student),
        "consent": guardian_consent(student=student),
    }
