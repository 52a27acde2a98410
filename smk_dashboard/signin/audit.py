"""Logins into the audit trail. Django's auth signals are the framework's only hook for every
login path (form, admin, API); the receivers only append an entry."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from smk_dashboard.core.audit import audit_log

from .lockout import ADDRESS_LOCKED


@receiver(user_logged_in, dispatch_uid="audit_login_success")
def _login_succeeded(sender, request, user, **kwargs) -> None:
    audit_log(action="login.success", user=user, request=request, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; keep only the name typed.
    username = str(credentials.get("username", ""))[:150]
    audit_log(
        action="login.failed",
        request=request,
        school=_school_of(username),
        detail={"username": username},
        anonymous_username=username,
    )


def _school_of(username: str):
    """The school of the account named, so that its kepsek and operator see attempts on their
    own staff in the audit list; None for an unknown name or a user without a school."""
    if not username:
        return None
    account = (
        get_user_model()
        ._default_manager.filter(**{get_user_model().USERNAME_FIELD: username})
        .select_related("school")
        .first()
    )
    return account.school if account is not None else None


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_log(action="logout", user=user, request=request, target=user)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    # django-axes refused this attempt (too many failures): the trail shows the lockout itself.
    # The school of the account named, so that its kepsek sees attacks on their staff.
    name = str(username or "")[:150]
    by_address = bool(getattr(request, ADDRESS_LOCKED, False))
    audit_log(
        action="login.locked_out",
        request=request,
        school=_school_of(name),
        detail={"username": name, "scope": "address" if by_address else "account"},
        anonymous_username=name,
    )
