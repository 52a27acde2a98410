"""`make run`: the whole demo on one machine.

Migrates, seeds the demo schools once, starts real Celery workers (one for `default`:
imports and scoring, with beat; one for `ml`: training) on the broker (an embedded
redis-server when REDIS_URL is unset). On a fresh database it seeds school 1 and trains it a
fast model (logistic regression, in this process: predictions within seconds), serves
http://127.0.0.1:8000, then does the same for school 2 while the server already answers,
then starts the workers, where the deep models train; they replace the fast one only if
they are better (scored first, then switched). The pages show the progress meanwhile.
Ctrl-C stops everything.

It runs with DEBUG off, as production does, and sets only what plain HTTP on one machine needs
(smk_dashboard/ops/dev_env.py): a teacher trying the demo sees the friendly Indonesian error pages,
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

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


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


def seed_demo_school(index: int) -> bool:
    """Seed demo school `index` (1-based) unless it exists; the same data as `seed_demo`
    (each school has its own random stream). True when it was seeded now."""
    from django.conf import settings

    from smk_dashboard.pages.demo.seed import DemoConfig, demo_npsn, seed_demo
    from students.models import School

    if School.objects.filter(npsn=demo_npsn(index)).exists():
        return False
    started = time.perf_counter()
    seed_demo(DemoConfig(password=settings.DEMO_PASSWORD), only=[index])
    print(f"[demo] sekolah {demo_npsn(index)} diisi dalam {time.perf_counter() - started:.0f} s")
    return True


def train_fast_model(npsn: str) -> bool:
    """A fast model for a school without an active one, in this process (seconds: logistic
    regression, 3 folds, scored then switched), so its pages have predictions at once.
    True when it trained one now."""
    from predictions.models import ModelVersion
    from predictions.services import training_run_create
    from predictions.training import training_run_execute
    from students.models import School

    school = School.objects.get(npsn=npsn)
    if ModelVersion.objects.filter(school=school, is_active=True).exists():
        return False
    started = time.perf_counter()
    run = training_run_create(school=school, user=None, models=FAST_MODELS, folds=3)
    run = training_run_execute(run_id=run.pk)
    print(
        f"[demo] sekolah {school.npsn}: model cepat (regresi logistik) {run.status} "
        f"dalam {time.perf_counter() - started:.0f} s {run.error}".rstrip()
    )
    return True


def queue_deep_models(npsns: list[str]) -> None:
    """The deep models on the `ml` worker; they replace the fast one only if better."""
    from predictions.services import training_run_start
    from students.models import School

    for npsn in npsns:
        school = School.objects.get(npsn=npsn)
        training_run_start(school=school, user=None, models=DEEP_MODELS, promote="if_better")
    if npsns:
        print("[demo] RNN, CNN, RF dan GBDT dilatih di worker; dipakai bila lebih baik")


def _runserver(port: str) -> subprocess.Popen:
    # bandit B603: fixed argv: our own manage.py.
    return subprocess.Popen(  # nosec B603
        [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT
    )


def serve() -> int:
    """School 1 first: seed it, give it a fast model, serve; then school 2 the same way while
    the server already answers (its logins work once "[demo] sekolah 2 siap" is printed), then
    the workers and the deep models. On a busy 2-core machine every step before the first
    page is time the first visitor waits."""
    (ROOT / ".run").mkdir(exist_ok=True)
    # In this process: each `manage.py` started apart costs a Django start-up (seconds on a
    # busy 2-core machine) before the first page.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from smk_dashboard.pages.demo.seed import demo_npsn

    call_command("migrate", interactive=False, verbosity=0)
    children: list[subprocess.Popen] = []
    try:
        fresh = []
        seed_demo_school(1)
        if train_fast_model(demo_npsn(1)):
            fresh.append(demo_npsn(1))
        password = os.environ.get("DEMO_PASSWORD", "smkdemo123")
        port = os.environ.get("DEV_PORT", "8000")
        server = _runserver(port)
        children.append(server)
        print("\n" + "=" * 64)
        print(f" SMK Dashboard demo: http://127.0.0.1:{port}/")
        print(f" Akun demo (kata sandi: {password}):")
        print("   sekolah 1: operator, guru, walikelas, bk, kepsek")
        print("   sekolah 2: operator_2, guru_2, walikelas_2, bk_2, kepsek_2")
        print("   suku dinas: sudin")
        print("=" * 64 + "\n", flush=True)
        # Schools 2.. while the server answers; then the workers, whose imports (Keras)
        # would otherwise compete with the fast models for the CPU.
        seed_demo_school(2)
        if train_fast_model(demo_npsn(2)):
            fresh.append(demo_npsn(2))
        print("[demo] sekolah 2 siap", flush=True)
        children += [
            _worker("default", "-B", "--schedule", str(ROOT / ".run" / "celerybeat-schedule")),
            _worker("ml"),
        ]
        queue_deep_models(fresh)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


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
