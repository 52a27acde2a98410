"""Settings for the test suite (`--ds=tests.settings` in pyproject.toml): the production
settings with DEBUG and a development encryption key switched on explicitly.

They go into os.environ before smk_dashboard.settings reads it, so Celery workers and commands
the tests start inherit them; a test that starts a process as production would run sets
DEBUG=off (and its own keys) for it. DEBUG on also means plain HTTP (no HTTPS redirect, no
Secure cookies) and no two-factor requirement, unless a test turns one on. pytest-django still
runs each test with settings.DEBUG = False, so error pages are the friendly ones.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from smk_dashboard.ops.dev_env import DEV_FIELD_ENCRYPTION_KEYS

os.environ.setdefault("DEBUG", "on")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", DEV_FIELD_ENCRYPTION_KEYS)
# The page cache lives in the real Redis; one key prefix per test run (workers the tests start
# inherit it), emptied before each test by tests/conftest.py.
os.environ.setdefault("CACHE_KEY_PREFIX", f"smk-test-{os.getpid()}")


def _isolate_xdist_worker() -> None:
    """Under `pytest -n N` (pytest-xdist, `make test`) each worker process gets a Redis
    database of its own (broker, results and cache), so the Celery worker one test process
    starts never takes another's tasks and a broadcast ping reaches only its own; uploads and
    model files go to a folder of the worker's own. The test database is per worker already
    (pytest-django suffixes its name with the worker id). Done once, in the pytest worker:
    processes it starts inherit the result (and the marker), whatever REDIS_URL they are given.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or os.environ.get("SMK_TEST_WORKER_ISOLATED"):
        return
    os.environ["SMK_TEST_WORKER_ISOLATED"] = worker
    index = int(worker[2:])
    url = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    base = int(url.path.strip("/") or 0)
    # Redis has databases 0-15 by default: base+1, base+2, ... wrapping round (skipping base).
    db = (base + 1 + index % 15) % 16
    os.environ["REDIS_URL"] = urlunsplit(url._replace(path=f"/{db}"))
    private = Path(__file__).resolve().parent.parent / ".run" / f"xdist-{worker}"
    os.environ.setdefault("MEDIA_ROOT", str(private / "media"))
    os.environ.setdefault("MODEL_STORAGE_DIR", str(private / "model_store"))


_isolate_xdist_worker()

from smk_dashboard.settings import *  # noqa: E402, F403
