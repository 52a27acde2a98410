"""Kept for the migrations that name `smk_dashboard.crypto.EncryptedTextField`."""

from smk_dashboard.core.crypto import EncryptedTextField  # noqa: F401
