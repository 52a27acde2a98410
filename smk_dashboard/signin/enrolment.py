"""One-time enrolment codes (issue 25, finding 11): an account whose role must use two-factor
sign-in (REQUIRE_2FA_ROLES) enrols its first authenticator app only with a code that the
school's operator or kepala sekolah hands out (or an administrator, `manage.py
two_factor_enrolment_code`). Whoever learns only the password can no longer enrol an app of
their own and so own the account.

- A code is 10 characters (about 50 bits), shown once to the person who issued it; the row
  keeps a salted hash (Django's password hasher), is used once, and expires after
  TWO_FACTOR_ENROLMENT_CODE_HOURS.
- Operator and kepsek issue codes for the staff of their own school, never for themselves
  (two people are needed to give an account its second factor).
- The code is asked for before the QR code is shown: a pending secret is only ever made for a
  session that gave a valid code.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.roles import Role

# No 0/O, 1/I/L: read aloud or copied from paper without mistakes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
ISSUER_ROLES = frozenset({Role.OPERATOR, Role.KEPSEK})
# Session key: this session gave a valid enrolment code (the user's id).
SESSION_ENROL_ALLOWED = "smk_2fa_enrol_allowed"


class EnrolmentCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code_hash = models.CharField(max_length=256)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "smk_dashboard"
        ordering = ["-created", "-pk"]
        verbose_name = _("kode pendaftaran verifikasi dua langkah")
        verbose_name_plural = _("kode pendaftaran verifikasi dua langkah")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M}"


def normalise_enrolment_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isascii() and ch.isalnum())[:32]


def format_enrolment_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def may_issue_for(*, issuer, user) -> bool:
    """Operator and kepsek: staff of their own school other than themselves; superusers:
    anyone but themselves."""
    if issuer.pk == user.pk or not issuer.is_active:
        return False
    if issuer.is_superuser:
        return True
    return (
        issuer.role in ISSUER_ROLES
        and issuer.school_id is not None
        and issuer.school_id == user.school_id
    )


def enrolment_candidates(*, issuer):
    """Active staff the issuer may give a code to whose role must use two-factor sign-in and
    who have no confirmed authenticator yet."""
    users = get_user_model()._default_manager.filter(
        is_active=True, role__in=settings.REQUIRE_2FA_ROLES
    )
    if not issuer.is_superuser:
        if issuer.role not in ISSUER_ROLES or issuer.school_id is None:
            return users.none()
        users = users.filter(school_id=issuer.school_id)
    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return users.exclude(pk=issuer.pk).exclude(pk__in=enrolled).order_by("role", "username")


def enrolment_code_issue(*, issuer, user, request=None) -> str:
    """A new code for `user` (earlier unused codes of the user stop working). Returns the code
    in clear, to show once."""
    if issuer is not None and not may_issue_for(issuer=issuer, user=user):
        raise PermissionDenied
    code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
        EnrolmentCode.objects.create(
            user=user,
            issued_by=issuer,
            code_hash=make_password(code),
            expires=now + dt.timedelta(hours=settings.TWO_FACTOR_ENROLMENT_CODE_HOURS),
        )
    audit_log(
        action="2fa.enrolment_code",
        user=issuer,
        request=request,
        target=user,
        school=user.school,
        detail={"for": user.username},
    )
    return format_enrolment_code(code)


def enrolment_code_redeem(*, user, code: str, request=None) -> bool:
    """Use up a valid code of this user; False (audited) for a wrong, used or expired one."""
    typed = normalise_enrolment_code(code)
    now = timezone.now()
    with transaction.atomic():
        live = EnrolmentCode.objects.select_for_update().filter(
            user=user, used_at__isnull=True, expires__gt=now
        )
        match = next((row for row in live if typed and check_password(typed, row.code_hash)), None)
        if match is not None:
            match.used_at = now
            match.save(update_fields=["used_at"])
    audit_log(
        action="2fa.enrolment_code_used" if match else "login.2fa_failed",
        user=user,
        request=request,
        target=user,
        detail={} if match else {"step": "enrolment_code"},
    )
    return match is not None


def pending_codes(*, users) -> dict[int, EnrolmentCode]:
    """The live unused code of each of these users, by user id."""
    rows = EnrolmentCode.objects.filter(
        user__in=users, used_at__isnull=True, expires__gt=timezone.now()
    )
    return {row.user_id: row for row in rows}
