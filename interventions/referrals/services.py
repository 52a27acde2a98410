"""Writing referrals to bk (issue 14): a teacher refers, bk accepts into an intervention (one
transaction with creating it) or declines. Every step is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.cases import permissions
from interventions.cases import services as case_services
from interventions.cases.models import Intervention
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.page_cache import school_pages_changed
from students.models import Student, User
from students.selectors import student_queryset_for_user

from .models import REFERRAL_REASON_MAX, BkReferral, BkReferralStatus


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
    return intervention


def referral_decline(
    *, user: User, referral: BkReferral, request: HttpRequest | None = None
) -> BkReferral:
    """bk closes an open referral without an intervention (e.g. already handled elsewhere)."""
    if not permissions.can_handle_referrals(user) or user.school_id != referral.school_id:
        raise ValidationError(_("Hanya guru BK sekolah ini yang dapat menangani rujukan."))
    with transaction.atomic():
        updated = BkReferral.objects.filter(pk=referral.pk, status=BkReferralStatus.OPEN).update(
            status=BkReferralStatus.DECLINED, handled_by=user, handled_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("Rujukan ini sudah ditangani."))
        school_pages_changed(referral.school_id)  # an update() sends no signal
        audit_log(
            action="referral.decline",
            user=user,
            request=request,
            target=referral,
            school=referral.student.school,
        )
    referral.refresh_from_db()
    return referral
