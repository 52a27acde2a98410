"""Encryption at rest for confidential fields (counselling notes, socio-economic data).

Values are stored as Fernet tokens; the model attribute is plaintext. The key comes from
FIELD_ENCRYPTION_KEY (several keys, comma-separated, allow rotation: the first encrypts).
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"


@cache
def _fernet(keys: str, secret_key: str) -> MultiFernet:
    if keys:
        try:
            return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
        except ValueError as exc:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEY bukan kunci Fernet yang sah (32 byte, base64)."
            ) from exc
    # Development only: a key derived from SECRET_KEY (the deploy check refuses this).
    derived = base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest())
    return MultiFernet([Fernet(derived)])


def fernet() -> MultiFernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt_text(value: str) -> str:
    return _PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt_text(value: str) -> str:
    if not value.startswith(_PREFIX):
        raise ValueError("nilai terenkripsi tidak dikenali")
    try:
        return fernet().decrypt(value[len(_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("kunci enkripsi tidak cocok dengan data tersimpan") from exc


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python code sees plaintext. Not searchable."""

    def from_db_value(self, value, expression, connection):  # noqa: ARG002
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))
