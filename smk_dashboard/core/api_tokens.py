"""API tokens (issue 25, finding 14): one per client (a name the client gives, "api" if none),
stored only as a SHA-256 digest, each with its own expiry, and void once the user's password
changes.

DRF's own `authtoken` kept one token per user, in clear, for ever (until revoked), shared by
every client of that user. django-rest-knox hashes tokens too, but answers with its own
response shape and header prefix; the contract of /api/v1/auth/token/ (`{"token": ...}`,
`Authorization: Token <token>`) and the audit trail are ours, so a small model is simpler.

- The token is 40 random hex characters (160 bits), shown once; the row keeps its digest.
  A high-entropy secret needs no slow hash: SHA-256 of it cannot be reversed.
- "Revoked on password change" without a signal for every path that may change a password
  (form, admin, shell, `set_password` anywhere): the row records the user's session hash
  (Django's HMAC of the password hash, what ends the user's sessions on a password change) and
  a token whose user has a different one now is refused and deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

# How many clients one user may hold tokens for; the oldest goes when a new one comes.
MAX_TOKENS_PER_USER = 10
DEFAULT_CLIENT = "api"
# last_used is written at most this often per token (not one write per API call).
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    client = models.CharField(_("klien"), max_length=60, default=DEFAULT_CLIENT)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(db_index=True)
    last_used = models.DateTimeField(null=True, blank=True)
    # get_session_auth_hash() of the user when the token was issued.
    password_mark = models.CharField(max_length=128)

    class Meta:
        app_label = "smk_dashboard"
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="api_token_one_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.client}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires <= (now or timezone.now())

    def password_changed(self) -> bool:
        return not constant_time_compare(self.password_mark, self.user.get_session_auth_hash())


def api_token_issue(*, user, client: str = DEFAULT_CLIENT) -> tuple[str, ApiToken]:
    """A new token for this user and client (replacing the client's earlier one). Returns the
    token itself (shown once, never stored) and its row."""
    client = (client or DEFAULT_CLIENT).strip()[:60] or DEFAULT_CLIENT
    key = secrets.token_hex(20)
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, client=client).delete()
        ApiToken.objects.filter(user=user, expires__lte=now).delete()
        keep = ApiToken.objects.filter(user=user).order_by("-created", "-pk")
        stale = list(keep.values_list("pk", flat=True)[MAX_TOKENS_PER_USER - 1 :])
        ApiToken.objects.filter(pk__in=stale).delete()
        row = ApiToken.objects.create(
            user=user,
            client=client,
            digest=token_digest(key),
            expires=now + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS),
            password_mark=user.get_session_auth_hash(),
        )
    return key, row


def api_token_find(key: str) -> ApiToken | None:
    """The live token for `key` with its user (and school), or None. An expired token, or
    one issued before the user's password changed, is deleted on sight."""
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__school")
        .filter(digest=token_digest(key))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.is_expired(now) or token.password_changed():
        token.delete()
        return None
    if token.last_used is None or token.last_used < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token


def api_tokens_revoke(*, user, token: ApiToken | None = None) -> int:
    """Delete one token of the user (the one a request came with), or all of them."""
    rows = ApiToken.objects.filter(user=user)
    if token is not None:
        rows = rows.filter(pk=token.pk)
    return rows.delete()[0]
