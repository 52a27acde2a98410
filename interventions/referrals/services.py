"""Writing referrals to bk (issue 14): a teacher refers, bk accepts into an intervention (one
transaction with creating it) or declines with a reason (issue 24). Every step is audited, and
the teacher who referred is notified of the answer."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.cases import permissions
from interventions.cases import services as case_services
from interventions.cases.models import Intervention
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.notifications import NotificationKind, notify
from smk_dashboard.core.page_cache import school_pages_changed
from students.models import Student, User
from students.selectors import student_queryset_for_user

from .models import (
    DECLINE_NOTE_MAX,
    REFERRAL_REASON_MAX,
    BkReferral,
    BkReferralStatus,
    DeclineReason,
)


def referral_create(
    *, user: User, student: Student, reason: str, request: HttpRequest | None = None
) -> BkReferral:
    """A guru or walikelas refers a student in their scope to bk with a short reason. One open
    referral per teacher and student: a second one while the first waits is refused."""
    if not permissions.can_refer_to_bk(user):
        raise ValidationError(_("Hanya guru dan wali kelas yang dapat merujuk siswa ke BK."))
    if not student_queryset_for_user(user=user).filter(pk=student.pk).exists():
        raise ValidationError(_("Siswa ini berada di luar sekolah atau kelas Anda."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan singkat rujukan."))
    if len(reason) > REFERRAL_REASON_MAX:
        raise ValidationError(
            _("Alasan paling banyak %(n)d karakter.") % {"n": REFERRAL_REASON_MAX}
        )
    if BkReferral.objects.filter(
        student=student, referred_by=user, status=BkReferralStatus.OPEN
    ).exists():
        raise ValidationError(_("Rujukan Anda untuk siswa ini masih menunggu BK."))
    with transaction.atomic():
        referral = BkReferral.objects.create(
            school_id=student.school_id, student=student, referred_by=user, reason=reason
        )
        audit_log(
            action="referral.create",
            user=user,
            request=request,
            target=referral,
            school=student.school,
            detail={"student": student.pk},
        )
    return referral


def referral_accept(
    *, user: User, referral: BkReferral, request: HttpRequest | None = None, **intervention_data
) -> Intervention:
    """bk accepts an open referral: the intervention is created (cases.services.intervention_create
    with `intervention_data`) and the referral points at it, both or neither."""
    if not permissions.can_handle_referrals(user) or user.school_id != referral.school_id:
        raise ValidationError(_("Hanya guru BK sekolah ini yang dapat menerima rujukan."))
    with transaction.atomic():
        referral = BkReferral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != BkReferralStatus.OPEN:
            raise ValidationError(_("Rujukan ini sudah ditangani."))
        intervention = case_services.intervention_create(
            user=user, student=referral.student, request=request, **intervention_data
        )
        referral.status = BkReferralStatus.ACCEPTED
        referral.intervention = intervention
        referral.handled_by = user
        referral.handled_at = timezone.now()
        referral.save(update_fields=["status", "intervention", "handled_by", "handled_at"])
        audit_log(
            action="referral.accept",
            user=user,
            request=request,
            target=referral,
            school=referral.student.school,
            detail={"intervention": intervention.pk},
        )
    _notify_referrer(
        referral,
        _("Rujukan %(student)s diterima BK: %(programme)s")
        % {"student": referral.student.name, "programme": intervention.programme.name},
        actor=user,
    )
    return intervention


def _notify_referrer(referral: BkReferral, text: str, *, actor: User) -> None:
    notify(
        users=[referral.referred_by],
        kind=NotificationKind.REFERRAL_ANSWERED,
        text=text,
        url=reverse("students:profile", args=[referral.student_id]),
        exclude=actor,
    )


def referral_decline(
    *,
    user: User,
    referral: BkReferral,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> BkReferral:
    """bk closes an open referral without an intervention, with a reason from the short list
    (DeclineReason) and a few words for the teacher, who is notified and reads both on the
    student's profile. "Alasan lain" needs the words."""
    if not permissions.can_handle_referrals(user) or user.school_id != referral.school_id:
        raise ValidationError(_("Hanya guru BK sekolah ini yang dapat menangani rujukan."))
    note = (note or "").strip()
    if reason not in DeclineReason.values:
        raise ValidationError(_("Pilih alasan mengapa rujukan tidak dilanjutkan."))
    if reason == DeclineReason.OTHER and not note:
        raise ValidationError(_("Alasan lain: tuliskan keterangannya untuk guru."))
    if len(note) > DECLINE_NOTE_MAX:
        raise ValidationError(
            _("Keterangan paling banyak %(n)d karakter.") % {"n": DECLINE_NOTE_MAX}
        )
    with transaction.atomic():
        updated = BkReferral.objects.filter(pk=referral.pk, status=BkReferralStatus.OPEN).update(
            status=BkReferralStatus.DECLINED,
            handled_by=user,
            handled_at=timezone.now(),
            decline_reason=reason,
        )
        if not updated:
            raise ValidationError(_("Rujukan ini sudah ditangani."))
        referral.refresh_from_db()
        referral.decline_note = note  # encrypted: saved through the model, not update()
        referral.save(update_fields=["decline_note"])
        school_pages_changed(referral.school_id)
        audit_log(
            action="referral.decline",
            user=user,
            request=request,
            target=referral,
            school=referral.student.school,
            detail={"reason": reason},
        )
    _notify_referrer(
        referral,
        _("Rujukan %(student)s tidak dilanjutkan BK: %(reason)s")
        % {"student": referral.student.name, "reason": DeclineReason(reason).label},
        actor=user,
    )
    return referral
