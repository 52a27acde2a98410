"""System checks for production settings. `check --deploy` must pass with production values."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def field_encryption_key_check(app_configs=None, **kwargs) -> list:
    """Refuse to run with DEBUG off unless FIELD_ENCRYPTION_KEY holds real Fernet keys. There
    is no fallback key (smk_dashboard/crypto.py); with DEBUG on, a missing key fails when a
    confidential field is first read or written."""
    if settings.DEBUG:
        return []
    keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEY.split(",") if k.strip()]
    if not keys:
        return [
            Error(
                "FIELD_ENCRYPTION_KEY tidak diisi, padahal DEBUG mati.",
                hint="Buat kunci: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="smk_dashboard.E001",
            )
        ]
    for key in keys:
        try:
            Fernet(key.encode())
        except ValueError:
            return [
                Error(
                    "FIELD_ENCRYPTION_KEY bukan kunci Fernet yang sah (32 byte, base64).",
                    id="smk_dashboard.E002",
                )
            ]
    return []


@register(Tags.security, deploy=True)
def pseudonym_key_check(app_configs=None, **kwargs) -> list:
    if settings.PSEUDONYM_KEY and len(settings.PSEUDONYM_KEY) >= 32:
        return []
    return [
        Warning(
            "PSEUDONYM_KEY kosong atau kurang dari 32 karakter: pseudonim NISN diturunkan "
            "dari SECRET_KEY dan berubah bila SECRET_KEY diganti.",
            hint="python -c 'import secrets; print(secrets.token_urlsafe(48))'",
            id="smk_dashboard.W001",
        )
    ]


@register(Tags.staticfiles)
def plotly_bundle_check(app_configs=None, **kwargs) -> list:
    """The pages should get the partial plotly.js bundle that `make static` fetches."""
    if settings.PLOTLY_PARTIAL_BUNDLE.is_file():
        return []
    return [
        Warning(
            "plotly.js parsial belum diambil: halaman memakai bundel lengkap (4,8 MB).",
            hint="Jalankan `make static` (python -m smk_dashboard.ops.vendor_assets).",
            id="smk_dashboard.W010",
        )
    ]
