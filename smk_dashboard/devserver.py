"""`make run`: the whole demo on one machine.

Migrates, seeds the demo schools once, starts a real Celery worker (with beat) on the
broker (an embedded redis-server when REDIS_URL is unset), trains and scores the demo
schools once through that worker, prints the demo logins and serves http://127.0.0.1:8000.
Ctrl-C stops everything it started.

It runs with DEBUG off, as production does, and sets only what plain HTTP on one machine needs
(smk_dashboard/dev_env.py): a teacher trying the demo sees the friendly Indonesian error pages,
never a traceback or Django's list of URLs, and what is tried here is what a school gets.
Tracebacks still appear in this terminal (the django.request log). `DEBUG=on make run`
turns Django's debug pages back on for someone working on the code.
"""

from __future__ import annotations

import os
import signal

# bandit B404: starts our own manage.py and celery with fixed argv.
import subprocess  # nosec B404
import sys
from pathlib import Path

from .dev_env import use_development_environment
from .embedded import embedded_redis

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def manage(*args: str, check: bool = True) -> int:
    # bandit B603: fixed argv: our own manage.py.
    return subprocess.run(  # nosec B603
        [PY, "manage.py", *args], cwd=ROOT, check=check
    ).returncode


def _django_state() -> tuple[list[str], bool, set[str]]:
    """Demo NPSNs, whether any model is active, and the installed command names."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    import django

    django.setup()
    from django.core.management import get_commands

    from students.models import School

    npsns = list(School.objects.order_by("npsn").values_list("npsn", flat=True))
    active = False
    try:
        from predictions.models import ModelVersion

        active = ModelVersion.objects.filter(is_active=True).exists()
    except (ImportError, AttributeError):
        active = False
    return npsns, active, set(get_commands())


def serve() -> int:
    (ROOT / ".run").mkdir(exist_ok=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo")
    # bandit B603: fixed argv: our own celery worker.
    worker = subprocess.Popen(  # nosec B603
        [
            PY,
            "-m",
            "celery",
            "-A",
            "smk_dashboard",
            "worker",
            "-B",
            "-Q",
            "default,ml",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--schedule",
            str(ROOT / ".run" / "celerybeat-schedule"),
        ],
        cwd=ROOT,
    )
    try:
        npsns, active, commands = _django_state()
        if not active and "train_models" in commands:
            for npsn in npsns:
                print(f"[demo] melatih model untuk sekolah {npsn} lewat worker Celery ...")
                manage("train_models", "--school", npsn, "--wait", check=False)
                manage("predict", "--school", npsn, "--wait", check=False)
        password = os.environ.get("DEMO_PASSWORD", "smkdemo123")
        print("\n" + "=" * 64)
        print(" SMK Dashboard demo: http://127.0.0.1:8000/")
        print(f" Akun demo (kata sandi: {password}):")
        print("   sekolah 1: operator, guru, walikelas, bk, kepsek")
        print("   sekolah 2: operator_2, guru_2, walikelas_2, bk_2, kepsek_2")
        print("   suku dinas: sudin")
        print("=" * 64 + "\n", flush=True)
        return manage("runserver", "127.0.0.1:8000", "--noreload", check=False)
    except KeyboardInterrupt:
        return 0
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def main() -> int:
    use_development_environment()
    if os.environ.get("REDIS_URL"):
        return serve()
    with embedded_redis() as url:
        os.environ["REDIS_URL"] = url
        print(f"[demo] redis-server tertanam di {url}")
        return serve()


if __name__ == "__main__":
    raise SystemExit(main())
