"""Encryption at rest for confidential fields (counselling notes, socio-economic data).

Values are stored as Fernet tokens; the model attribute is plaintext. The key comes from
FIELD_ENCRYPTION_KEY (several keys, comma-separated, allow rotation: the first encrypts).
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
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


class EncryptedBooleanField(EncryptedTextField):
    """A yes/no fact that is itself sensitive (KIP status): stored as a Fernet token of "1" or
    "0" in a text column, so the database alone does not tell who receives aid; Python code
    sees True or False. Not filterable in SQL."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    @staticmethod
    def _bool(value) -> bool:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "t", "yes", "ya")
        return bool(value)

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return False if text in (None, "") else self._bool(text)

    def to_python(self, value):
        return self._bool(value) if value is not None else False

    def get_prep_value(self, value):
        if value is None:
            value = False
        return encrypt_text("1" if self._bool(value) else "0")

    def formfield(self, **kwargs):
        return forms.BooleanField(required=False, label=self.verbose_name, **kwargs)


def encrypt_existing_text(app_label: str, model_name: str, *fields: str):
    """The (forward, backward) pair of a data migration that runs *before* the AlterField
    turning plain text columns into EncryptedTextField: forward stores every plain value as a
    token, backward (after the field is a TextField again) puts the plaintext back. Values
    already encrypted are left alone, so running it twice does no harm."""

    def _rewrite(apps, convert) -> None:
        model = apps.get_model(app_label, model_name)
        manager = model._base_manager
        rows = []
        for row in manager.only("pk", *fields).iterator(chunk_size=500):
            changed = False
            for name in fields:
                value = getattr(row, name)
                new = convert(value) if value else value
                if new != value:
                    setattr(row, name, new)
                    changed = True
            if changed:
                rows.append(row)
        manager.bulk_update(rows, list(fields), batch_size=500)

    def forward(apps, schema_editor):  # noqa: ARG001
        _rewrite(apps, lambda v: v if v.startswith(_PREFIX) else encrypt_text(v))

    def backward(apps, schema_editor):  # noqa: ARG001
        _rewrite(apps, lambda v: decrypt_text(v) if v.startswith(_PREFIX) else v)

    return forward, backward
