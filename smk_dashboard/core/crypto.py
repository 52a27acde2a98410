"""Encryption at rest for confidential fields (counselling notes, socio-economic data).

Values are stored as Fernet tokens; the model attribute is plaintext. The key comes from
FIELD_ENCRYPTION_KEY (several keys, comma-separated, allow rotation: the first encrypts).
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"


@cache
def _fernet(keys: str) -> MultiFernet:
    # Never a key derived from SECRET_KEY: its default is public, and a host that forgot
    # FIELD_ENCRYPTION_KEY would write data anyone with the database file can read.
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY tidak diisi: data rahasia tidak dapat dienkripsi. Buat kunci: "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    try:
        return MultiFernet([Fernet(k.encode()) for k in parts])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY bukan kunci Fernet yang sah (32 byte, base64)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY)


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
