"""What a parent meeting needs beyond the pack's core (issue 24, item 8): the open referral to
BK with its reason (only for those who may read it), the contacts with the parents and the
letters sent (dates and kinds; never a contact's confidential summary), and the term each
figure is from. Kept apart from `selectors.student_pack`
so that other additions to the pack merge cleanly."""

from __future__ import annotations

from interventions.cases import permissions
from interventions.contacts.models import Letter, ParentContact
from interventions.referrals.models import BkReferral, BkReferralStatus
from predictions.models import Prediction
from predictions.selectors import factor_text
from students.models import Student, User

MAX_CONTACTS = 5
MAX_LETTERS = 4


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 3].rstrip() + "..."


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else "-"


def pack_referral(*, user: User, student: Student) -> dict | None:
    """The student's open referral to BK: date and who referred; the reason only for those who
    may read it (`permissions.can_see_referral`: the referrer, bk, the student's walikelas)."""
    referral = (
        BkReferral.objects.filter(student=student, status=BkReferralStatus.OPEN)
        .select_related("referred_by", "student")
        .order_by("-created_at", "-id")
        .first()
    )
    if referral is None:
        return None
    readable = permissions.can_see_referral(user, referral)
    return {
        "date": referral.created_at.date(),
        "by": _name(referral.referred_by),
        "reason": _short(referral.reason, 220) if readable else None,
    }


def pack_contacts(*, user: User, student: Student) -> list[dict] | None:
    """The latest parent contacts: date, channel, the person reached and the follow-up date.
    Never the summary or the follow-up text: they are confidential like counselling notes, and
    the pack is printed and handed around (the pack's rule since issue 20, kept for bk too).
    None for a user who may not see the contact log."""
    if not permissions.can_view_contacts(user, student):
        return None
    contacts = ParentContact.objects.filter(student=student).order_by("-date", "-id")
    return [
        {
            "date": c.date,
            "channel": c.get_channel_display(),
            "person": c.contact_person,
            "follow_up_date": c.follow_up_date,
        }
        for c in contacts[:MAX_CONTACTS]
    ]


def pack_letters(*, user: User, student: Student) -> list[dict] | None:
    """Letters sent to the parents: date, kind and number (never the body)."""
    if not permissions.can_view_contacts(user, student):
        return None
    letters = Letter.objects.filter(student=student).order_by("-date", "-id")[:MAX_LETTERS]
    return [
        {"date": letter.date, "kind": letter.get_kind_display(), "number": letter.number}
        for letter in letters
    ]


def pack_terms(*, student: Student) -> dict:
    """The terms the pack's figures come from: the current prediction's predicted term and the
    term whose data it read ("berdasarkan data Ganjil 2026/2027")."""
    prediction = (
        Prediction.objects.current()
        .filter(student=student)
        .select_related("term", "based_on_term")
        .first()
    )
    if prediction is None:
        return {"term": "", "based_on": "", "based_on_term": None}
    return {
        "term": prediction.term.label,
        "based_on": prediction.based_on_term.label,
        "based_on_term": prediction.based_on_term,
    }


def with_meeting_items(pack: dict, *, user: User, student: Student) -> dict:
    """`pack` (selectors.student_pack) with the meeting additions under "meeting" and its
    prediction reasons naming their term instead of "semester ini" about a past term."""
    terms = pack_terms(student=student)
    prediction = pack.get("prediction")
    if prediction and terms["based_on_term"] is not None:
        prediction["reasons"] = [
            factor_text(r, terms["based_on_term"]) for r in prediction.get("reasons", [])
        ]
        prediction["based_on"] = terms["based_on"]
    pack["meeting"] = {
        "referral": pack_referral(user=user, student=student),
        "contacts": pack_contacts(user=user, student=student),
        "letters": pack_letters(user=user, student=student),
    }
    return pack
