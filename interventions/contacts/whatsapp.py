"""A WhatsApp message to a parent or guardian (issue 24): a neutral draft the teacher edits,
a contact entry logged first, then the click-to-chat link (https://wa.me/62…?text=…).

The draft names no risk, category or counselling matter: it asks for a moment to talk. It is
written in Indonesian whatever the teacher's interface language, because parents read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.cases import permissions
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.phones import whatsapp_link
from students.models import Role, Student, User
from students.parents import Reachable, student_parents

from .models import ContactChannel, ParentContact

MESSAGE_MAX = 1000
WHATSAPP_ORIGIN = "https://wa.me"


@dataclass(frozen=True)
class WhatsappSent:
    contact: ParentContact
    link: str


def whatsapp_recipients(*, user: User, student: Student) -> list[Reachable]:
    """The mobile numbers the user may message about the student ([] when none or not
    allowed). Reading them is audited by `students.parents.student_parents`."""
    if not permissions.can_contact_parents(user, student):
        return []
    parents = student_parents(user=user, student=student, audit=False)
    if parents is None:
        return []
    return [r for r in parents.reachable if r.whatsapp]


def whatsapp_draft(*, user: User, student: Student, recipient: Reachable) -> str:
    """A neutral opening the teacher may change: who writes, about whom, a request to talk."""
    greeting = f"Bapak/Ibu {recipient.name}" if recipient.name else "Bapak/Ibu"
    role = "wali kelas" if user.role == Role.WALIKELAS else "guru BK"
    sender = user.get_full_name() or user.username
    school_class = student.school_class
    of_class = f" kelas {school_class.name}" if school_class else ""
    return (
        f"Selamat siang, {greeting}. Saya {sender}, {role} {student.name}{of_class} di "
        f"{student.school.name}. Kami ingin berbincang sebentar tentang kegiatan {student.name} "
        "di sekolah. Kapan Bapak/Ibu ada waktu untuk dihubungi? Terima kasih."
    )


def whatsapp_send(
    *,
    user: User,
    student: Student,
    who: str,
    message: str,
    request: HttpRequest | None = None,
) -> WhatsappSent:
    """Log a WhatsApp contact (channel whatsapp, today; the message as the confidential
    summary) and return the click-to-chat link to open after it. ValidationError, nothing
    logged, for an unknown recipient or an empty or overlong message."""
    recipients = {r.who: r for r in whatsapp_recipients(user=user, student=student)}
    if not permissions.can_contact_parents(user, student):
        raise ValidationError(_("Kontak orang tua dicatat oleh guru BK atau wali kelas siswa."))
    recipient = recipients.get(who)
    if recipient is None:
        raise ValidationError(_("Pilih nomor WhatsApp orang tua atau wali yang tercatat."))
    text = (message or "").strip()
    if not text:
        raise ValidationError(_("Tuliskan pesannya."))
    if len(text) > MESSAGE_MAX:
        raise ValidationError(_("Pesan paling panjang %(n)d huruf.") % {"n": MESSAGE_MAX})
    person = (
        f"{recipient.name} ({recipient.role_label})" if recipient.name else recipient.role_label
    )
    contact = ParentContact.objects.create(
        student=student,
        date=timezone.localdate(),
        channel=ContactChannel.WHATSAPP,
        contact_person=person[:120],
        summary=text,
        recorded_by=user,
    )
    audit_log(
        action="contact.whatsapp",
        user=user,
        request=request,
        target=contact,
        school=student.school,
        detail={"student_id": student.pk, "to": recipient.who},
    )
    return WhatsappSent(contact=contact, link=whatsapp_link(recipient.phone, text))
