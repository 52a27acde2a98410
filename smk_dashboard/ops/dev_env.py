"""The environment that `make run` and the test suite set explicitly for themselves.

settings.py defaults to production behaviour (DEBUG off, HTTPS only, a real encryption key
required), so that a host that forgets a variable is safe. A developer's machine serves plain
HTTP on 127.0.0.1 and needs a key for the encrypted fields: these values say so, out loud, and
only `smk_dashboard.ops.devserver` and `tests/settings.py` use them. A value already in the
environment wins.
"""

from __future__ import annotations

import os

# Public keys, for demo and test data only: never put real student data under them.
DEV_FIELD_ENCRYPTION_KEY = "6gnY5M3Bf8Y08mO-kuPguk7egMwDbAQjr46_r4RkKvQ="  # noqa: S105
# The key earlier versions derived from the default SECRET_KEY: kept second (decrypt only) so
# a demo database made by an older `make run` still opens.
LEGACY_DEV_FIELD_ENCRYPTION_KEY = "07YM2hcrrpzy3Z67jJq-aoc1BktCHtCdbltpgerZwe8="  # noqa: S105

DEV_FIELD_ENCRYPTION_KEYS = f"{DEV_FIELD_ENCRYPTION_KEY},{LEGACY_DEV_FIELD_ENCRYPTION_KEY}"

LOCAL_HTTP = {
    # Plain http://127.0.0.1:8000: no HTTPS redirect, cookies without the Secure flag, no HSTS.
    "SECURE_SSL_REDIRECT": "off",
    "SESSION_COOKIE_SECURE": "off",
    "CSRF_COOKIE_SECURE": "off",
    "SECURE_HSTS_SECONDS": "0",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "off",
    # No collectstatic on a fresh checkout: serve static files straight from the folders.
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "FIELD_ENCRYPTION_KEY": DEV_FIELD_ENCRYPTION_KEYS,
    # The demo signs in with printed passwords; two-factor stays optional there.
    "REQUIRE_2FA_ROLES": "",
}


def use_development_environment() -> None:
    """`make run`: DEBUG off as in production, plus what plain HTTP on one machine needs, in
    os.environ (the migrate, seed and worker processes it starts inherit them)."""
    for name, value in {"DEBUG": "off", **LOCAL_HTTP}.items():
        os.environ.setdefault(name, value)
