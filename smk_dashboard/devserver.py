"""`make run`: the whole demo on one machine.

Migrates, seeds the demo schools once, starts real Celery workers (one for `default`:
imports and scoring, with beat; one for `ml`: training) on the broker (an embedded
redis-server when REDIS_URL is unset). On a fresh database it trains, per demo school, a
fast model first (logistic regression, in this process: predictions within seconds), then
serves http://127.0.0.1:8000 while the deep models train in the worker; they replace the
fast one only if they are better (scored first, then switched). The pages show the
progress meanwhile. Ctrl-C stops everything.

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
import time
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


FAST_MODELS = ["lr"]
DEEP_MODELS = ["rnn", "cnn", "rf", "gbdt"]


def _worker(queues: str, *extra: str) -> subprocess.Popen:
    # bandit B603: fixed argv: our own celery worker.
    return subprocess.Popen(  # nosec B603
        [
            PY,
            "-m",
            "celery",
            "-A",
            "smk_dashboard",
            "worker",
            "-Q",
            queues,
            "-n",
            f"{queues.replace(',', '-')}@%h",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            *extra,
        ],
        cwd=ROOT,
    )


def train_demo_schools(npsns: list[str]) -> None:
    """A fast model for every school in this process (seconds: logistic regression, 3 folds,
    scored then switched), so the first page already has predictions; then the deep models
    queued on the `ml` worker, which replace it only if they are better."""
    from predictions.services import training_run_create, training_run_start
    from predictions.training import training_run_execute
    from students.models import School

    schools = [School.objects.get(npsn=npsn) for npsn in npsns]
    for school in schools:
        started = time.perf_counter()
        run = training_run_create(school=school, user=None, models=FAST_MODELS, folds=3)
        run = training_run_execute(run_id=run.pk)
        print(
            f"[demo] sekolah {school.npsn}: model cepat (regresi logistik) {run.status} "
            f"dalam {time.perf_counter() - started:.0f} s {run.error}".rstrip()
        )
    for school in schools:
        training_run_start(school=school, user=None, models=DEEP_MODELS, promote="if_better")
    print("[demo] RNN, CNN, RF dan GBDT dilatih di worker; dipakai bila lebih baik")


def serve() -> int:
    (ROOT / ".run").mkdir(exist_ok=True)
    # In this process: each `manage.py` started apart costs a Django start-up (seconds on a
    # busy 2-core machine) before the first page.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo")
    workers: list[subprocess.Popen] = []
    try:
        npsns, active, _commands = _django_state()
        if not active:
            # Before the workers start, so that their imports (Keras) do not compete with
            # the fast model for the CPU; the deep runs wait on the broker meanwhile.
            train_demo_schools(npsns)
        workers += [
            _worker("default", "-B", "--schedule", str(ROOT / ".run" / "celerybeat-schedule")),
            _worker("ml"),
        ]
        password = os.environ.get("DEMO_PASSWORD", "smkdemo123")
        port = os.environ.get("DEV_PORT", "8000")
        print("\n" + "=" * 64)
        print(f" SMK Dashboard demo: http://127.0.0.1:{port}/")
        print(f" Akun demo (kata sandi: {password}):")
        print("   sekolah 1: operator, guru, walikelas, bk, kepsek")
        print("   sekolah 2: operator_2, guru_2, walikelas_2, bk_2, kepsek_2")
        print("   suku dinas: sudin")
        print("=" * 64 + "\n", flush=True)
        return manage("runserver", f"127.0.0.1:{port}", "--noreload", check=False)
    except KeyboardInterrupt:
        return 0
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
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
