"""Settings for the test suite (`--ds=tests.settings` in pyproject.toml): the production
settings with DEBUG and a development encryption key switched on explicitly.

They go into os.environ before smk_dashboard.settings reads it, so Celery workers and commands
the tests start inherit them; a test that starts a process as production would run sets
DEBUG=off (and its own keys) for it. DEBUG on also means plain HTTP (no HTTPS redirect, no
Secure cookies) and no two-factor requirement, unless a test turns one on. pytest-django still
runs each test with settings.DEBUG = False, so error pages are the friendly ones.
"""

import os

from smk_dashboard.ops.dev_env import DEV_FIELD_ENCRYPTION_KEYS

os.environ.setdefault("DEBUG", "on")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", DEV_FIELD_ENCRYPTION_KEYS)
# The page cache lives in the real Redis; one key prefix per test run (workers the tests start
# inherit it), emptied before each test by tests/conftest.py.
os.environ.setdefault("CACHE_KEY_PREFIX", f"smk-test-{os.getpid()}")

from smk_dashboard.settings import *  # noqa: E402, F403
