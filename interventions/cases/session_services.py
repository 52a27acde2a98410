"""Writes for the session types of issue 17: home visit, case conference (with decisions) and
referral out, and the "sangat rahasia" tier. Each builds on services.session_add, so the
workflow rules (open intervention, dates, who manages) stay in one place."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from interventions.actions import selectors as action_selectors
from interventions.actions import services as action_services
from interventions.actions.models import ActionSource
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.bounds import MAX_DECISIONS, date_error
from students.models import User

from . import permissions, services
from .models import (
    CaseDecision,
    Intervention,
    InterventionSession,
    ReferralStatus,
    SessionKind,
)


def _clean_typed_fields(
    *,
    kind: str,
    date: dt.date,
    attendees: str,
    visit_address: str,
    referral_to: str,
    referral_reason: str,
    decisions: list[dict],
) -> list[str]:
    errors = []
    if kind not in SessionKind.values:
        errors.append(_("Pilih jenis sesi yang ada."))
    if kind == SessionKind.HOME_VISIT and not visit_address.strip():
        errors.append(_("Kunjungan rumah: tuliskan alamat yang dikunjungi."))
    if kind == SessionKind.CASE_CONFERENCE:
        if not attendees.strip():
            errors.append(_("Konferensi kasus: tuliskan para peserta."))
        if not decisions:
            errors.append(_("Konferensi kasus: tuliskan sedikitnya satu keputusan."))
        if len(decisions) > MAX_DECISIONS:
            errors.append(
                _("Konferensi kasus: paling banyak %(max)d keputusan.") % {"max": MAX_DECISIONS}
            )
            decisions = []
        for d in decisions:
            who = d.get("owner") or (d.get("responsible") or "").strip()
            if not (d.get("decision") or "").strip() or not who:
                errors.append(_("Setiap keputusan perlu isi dan penanggung jawab."))
            elif d.get("due_date") is None or d["due_date"] < date:
                errors.append(_("Batas waktu keputusan tidak boleh sebelum tanggal konferensi."))
            elif message := date_error(d["due_date"], label=_("Batas waktu keputusan")):
                errors.append(message)
    if kind == SessionKind.REFERRAL and not (referral_to.strip() and referral_reason.strip()):
        errors.append(_("Rujukan: tuliskan dirujuk ke mana dan alasannya."))
    return errors


def session_record(
    *,
    intervention: Intervention,
    user: User,
    date: dt.date,
    kind: str = SessionKind.SESSION,
    notes: str = "",
    attended: bool = True,
    next_follow_up: dt.date | None = None,
    very_confidential: bool = False,
    attendees: str = "",
    visit_address: str = "",
    findings: str = "",
    referral_to: str = "",
    referral_reason: str = "",
    decisions: list[dict] | None = None,
    request: HttpRequest | None = None,
) -> InterventionSession:
    """Log a session of any kind. A "sangat rahasia" session may only be written by the
    intervention's owner. Decisions: [{"decision", "responsible", "due_date"}]."""
    decisions = list(decisions or [])
    errors = _clean_typed_fields(
        kind=kind,
        date=date,
        attendees=attendees or "",
        visit_address=visit_address or "",
        referral_to=referral_to or "",
        referral_reason=referral_reason or "",
        decisions=decisions,
    )
    if very_confidential and not permissions.can_mark_very_confidential(user, intervention):
        errors.append(
            _("Hanya penanggung jawab intervensi yang dapat menulis sesi sangat rahasia.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = services.session_add(
            intervention=intervention,
            user=user,
            date=date,
            notes=notes,
            attended=attended,
            next_follow_up=next_follow_up,
            request=request,
        )
        session.kind = kind
        session.very_confidential = bool(very_confidential)
        session.attendees = (attendees or "").strip()
        session.findings = (findings or "").strip()
        if kind == SessionKind.HOME_VISIT:
            session.visit_address = visit_address.strip()
        if kind == SessionKind.REFERRAL:
            session.referral_to = referral_to.strip()[:200]
            session.referral_reason = referral_reason.strip()
            session.referral_status = ReferralStatus.SENT
        session.save()
        if kind == SessionKind.CASE_CONFERENCE:
            _decisions_record(session=session, decisions=decisions, user=user, request=request)
    return session


def _decisions_record(
    *,
    session: InterventionSession,
    decisions: list[dict],
    user: User,
    request: HttpRequest | None,
) -> None:
    """Each decision becomes a row and, where its person is one of the school's staff (chosen,
    or a typed name that matches exactly one of them), that person's to-do (issue 24)."""
    intervention = session.intervention
    school_id = intervention.student.school_id
    for d in decisions:
        owner = d.get("owner")
        if isinstance(owner, int):
            owner = action_selectors.staff_choices(school_id=school_id).filter(pk=owner).first()
            if owner is None:
                raise ValidationError(_("Pilih penanggung jawab dari staf sekolah ini."))
        elif owner is None:
            owner = action_selectors.staff_match(school_id=school_id, name=d.get("responsible"))
        responsible = (d.get("responsible") or "").strip()
        if owner is not None and not responsible:
            responsible = owner.get_full_name() or owner.username
        decision = CaseDecision.objects.create(
            session=session,
            decision=d["decision"].strip(),
            owner=owner,
            responsible=responsible[:120],
            due_date=d["due_date"],
        )
        if owner is not None:
            action_services.action_item_create(
                student=intervention.student,
                owner=owner,
                source=ActionSource.DECISION,
                text=decision.decision,
                due_date=decision.due_date,
                created_by=user,
                request=request,
                decision=decision,
                intervention=intervention,
            )


def referral_update(
    *,
    session: InterventionSession,
    user: User,
    status: str,
    outcome: str = "",
    request: HttpRequest | None = None,
) -> InterventionSession:
    """Record where a referral out stands and what came of it (bk of the school, the owner;
    for a "sangat rahasia" referral only those who may read it)."""
    intervention = session.intervention
    if session.kind != SessionKind.REFERRAL:
        raise ValidationError(_("Sesi ini bukan rujukan."))
    if not (
        permissions.can_manage(user, intervention) and permissions.can_read_session(user, session)
    ):
        raise ValidationError(_("Anda tidak dapat mengubah rujukan ini."))
    if status not in ReferralStatus.values:
        raise ValidationError(_("Pilih status rujukan yang ada."))
    session.referral_status = status
    session.referral_outcome = (outcome or "").strip()
    session.save(update_fields=["referral_status", "referral_outcome"])
    audit_log(
        action="referral.update",
        user=user,
        request=request,
        target=session,
        school=intervention.student.school,
        detail={"status": status},
    )
    return session
