"""Keyed pseudonyms (HMAC-SHA256): the research export's row keys and the placeholder NISN of
an anonymised student."""

import base64
import hashlib
import hmac

from django.conf import settings


def pseudonym_key() -> bytes:
    if settings.PSEUDONYM_KEY:
        return settings.PSEUDONYM_KEY.encode()
    # Development fallback; the deploy check (smk_dashboard.W001) asks for a real key.
    return hmac.new(settings.SECRET_KEY.encode(), b"smk-pseudonym", hashlib.sha256).digest()


def pseudonym(value: str, *, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256) of `value`, different for each `purpose`: without the key
    nobody can tell whose it is or test a guessed NISN against it."""
    digest = hmac.new(pseudonym_key(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().rstrip("=").lower()[:26]
