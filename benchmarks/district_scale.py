"""A district on PostgreSQL: N schools, the nightly jobs on 1 and on 2 worker processes, and
the district report and a school's risk list under that data.

    createdb -h 127.0.0.1 -U postgres smk_district
    python benchmarks/district_scale.py                                   # 40 x 1,000 students
    python benchmarks/district_scale.py --schools 6 --students 300 --models lr,rf,gbdt --folds 3

Seeds the schools once (`seed_demo`, 4 terms of history, daily attendance) unless the database
already holds them (`--reseed` to start over). Then, for each worker count in `--workers`
(default 1,2), from the same starting point (every model, training run, scoring and
prediction deleted first, so each round does the same work):

1. training: one run per school that needs it (every school: no model yet), queued on `ml`
   exactly as the weekly `retrain_on_new_data_task` queues them; each run also scores its
   school's students with its champion before it becomes active;
2. nightly scoring: `predictions_score_task` per school with an active model, queued as
   `nightly_scoring_task` queues them (queue `default`);
3. the unattended check (`unattended_check_task`, one task for the whole district);

K worker processes (`celery worker -Q default,ml --pool solo`), each sampled for its resident
memory (peak, with children). Then, in this process: the district report (/reports/district/,
sudin) and one school's risk list (/students/risk/, bk), 5 requests each, medians. Prints JSON
with the wall time of each phase, throughput per worker, per-school and per-student costs,
peak memory and the database size; docs/deploy.md extrapolates from those to a province.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / ".run" / "district-scale"


def setup(database_url: str, redis_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    os.environ.setdefault("MODEL_STORAGE_DIR", str(WORK / "models"))
    os.environ.setdefault("MEDIA_ROOT", str(WORK / "media"))
    os.environ["RETRAIN_ON_NEW_DATA"] = "on"
    os.environ.setdefault("CACHE_KEY_PREFIX", "district-scale")
    from smk_dashboard.ops.dev_env import use_development_environment

    use_development_environment()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def seed(schools: int, students: int, reseed: bool) -> dict:
    from django.core.management import call_command

    from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
    from students.models import School, Student

    call_command("migrate", verbosity=0)
    have = School.objects.count()
    if have == schools and not reseed:
        return {"seeded": False, "students": Student.objects.count()}
    if have:
        raise SystemExit(f"the database holds {have} schools; use a fresh one (createdb)")
    started = time.perf_counter()
    summary = seed_demo(DemoConfig(schools=schools, students=students, terms=4, seed=27))
    return {"seeded": True, "seconds": round(time.perf_counter() - started, 1),
            "students": summary["students"], "grades": summary["grades"],
            "attendance": summary["attendance"]}  # fmt: skip


def reset_models() -> None:
    """Every school back to "no model": the same work for each round (rows that point at a
    prediction, such as an intervention started from one, keep theirs as the models allow)."""
    from predictions.models import (
        ModelVersion,
        Prediction,
        PredictionFeedback,
        ScoringRun,
        TrainingRun,
    )

    for model in (PredictionFeedback, Prediction, ScoringRun, ModelVersion, TrainingRun):
        model.objects.all().delete()


class MemorySampler(threading.Thread):
    """Peak resident memory of each worker process (with its children), every 0.5 s."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids, self.peak = pids, dict.fromkeys(pids, 0)
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            for pid in self.pids:
                try:
                    proc = psutil.Process(pid)
                    rss = proc.memory_info().rss + sum(
                        c.memory_info().rss for c in proc.children(recursive=True)
                    )
                except psutil.Error:
                    continue
                self.peak[pid] = max(self.peak[pid], rss)
            self.stop.wait(0.5)


def start_workers(count: int) -> list[subprocess.Popen]:
    from smk_dashboard.celery import app

    WORK.mkdir(parents=True, exist_ok=True)
    procs = []
    for k in range(count):
        log = (WORK / f"worker-{k}.log").open("w")
        procs.append(subprocess.Popen(  # noqa: S603 — our own celery worker, fixed argv
            [sys.executable, "-m", "celery", "-A", "smk_dashboard", "worker", "-Q", "default,ml",
             "--pool", "solo", "-n", f"w{k}@%h", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT))  # fmt: skip
    deadline = time.monotonic() + 180
    while len(app.control.ping(timeout=1.0) or []) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise SystemExit(f"workers did not start; see {WORK}")
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()


def one_round(workers: int, models: list[str], folds: int) -> dict:
    from interventions.tasks import unattended_check_task
    from predictions import services
    from predictions.models import ModelVersion, RunStatus, TrainingRun
    from predictions.tasks import predictions_score_task
    from students.models import School, Student

    reset_models()
    procs = start_workers(workers)
    sampler = MemorySampler([p.pid for p in procs])
    sampler.start()
    out: dict = {"workers": workers}
    try:
        # 1. training, queued as retrain_on_new_data_task queues it
        started = time.perf_counter()
        runs = [
            services.training_run_start(school=s, user=None, models=models, folds=folds).pk
            for s in School.objects.all()
            if services.school_needs_retraining(school=s)
        ]
        finished = (RunStatus.SUCCEEDED, RunStatus.FAILED)
        while TrainingRun.objects.filter(pk__in=runs).exclude(status__in=finished).exists():
            time.sleep(1)
        out["training_seconds"] = round(time.perf_counter() - started, 1)
        rows = TrainingRun.objects.filter(pk__in=runs)
        out["training_runs"] = len(runs)
        out["training_failed"] = [r.error[:200] for r in rows if r.status != RunStatus.SUCCEEDED]
        per_run = [(r.finished_at - r.started_at).total_seconds() for r in rows if r.finished_at]
        out["training_run_seconds_median"] = (
            round(statistics.median(per_run), 1) if per_run else None
        )
        # 2. nightly scoring, fanned out per school as nightly_scoring_task does
        started = time.perf_counter()
        ids = list(ModelVersion.objects.filter(is_active=True).values_list("school_id", flat=True))
        results = [predictions_score_task.delay(i) for i in ids]
        scored = sum(r.get(timeout=3600) for r in results)
        out["scoring_seconds"] = round(time.perf_counter() - started, 2)
        out["scored_predictions"] = scored
        # 3. the unattended check
        started = time.perf_counter()
        check = unattended_check_task.delay().get(timeout=3600)
        out["unattended_seconds"] = round(time.perf_counter() - started, 2)
        out["unattended_found"] = check["found"]
    finally:
        sampler.stop.set()
        stop_workers(procs)
    students = Student.objects.filter(status="aktif").count()
    out["peak_rss_mb_per_worker"] = [round(v / 2**20, 1) for v in sampler.peak.values()]
    out["schools_trained_per_hour_per_worker"] = round(
        out["training_runs"] * 3600 / out["training_seconds"] / workers, 1)  # fmt: skip
    out["students_scored_per_second_per_worker"] = round(
        students / out["scoring_seconds"] / workers, 1)  # fmt: skip
    return out


def pages() -> dict:
    from django.test import Client

    from students.models import School, User

    def timed(user, path) -> list[float]:
        client = Client()
        client.force_login(user)
        assert client.get(path).status_code == 200  # warm-up (and the page cache)
        times = []
        for i in range(5):
            started = time.perf_counter()
            # a different query each time: the rendered-list cache does not answer it
            assert client.get(path, {"q": f"x{i}"} if "risk" in path else {}).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        return times

    school = School.objects.order_by("npsn").first()
    sudin = User.objects.filter(role="sudin").first()
    bk = User.objects.filter(role="bk", school=school).first()
    district = timed(sudin, "/reports/district/")
    risk = timed(bk, "/students/risk/")
    return {"district_report_ms_median": round(statistics.median(district), 1),
            "district_report_ms_max": round(max(district), 1),
            "risk_list_ms_median": round(statistics.median(risk), 1),
            "risk_list_ms_max": round(max(risk), 1)}  # fmt: skip


def database_size() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, pg_total_relation_size(relid) FROM pg_catalog.pg_statio_user_tables "
            "ORDER BY 2 DESC LIMIT 5"
        )
        largest = {name: round(size / 2**20, 1) for name, size in cursor.fetchall()}
    return {"database_mb": round(total / 2**20, 1), "largest_tables_mb": largest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--students", type=int, default=1000, help="per school")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--models", default="rnn,cnn,rf,lr,gbdt")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/smk_district")
    parser.add_argument("--redis-url", default=None, help="default: an embedded redis-server")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("PostgreSQL only (--database-url postgres://...)")
    from smk_dashboard.ops.embedded import embedded_redis

    with embedded_redis() as redis_url:
        setup(args.database_url, args.redis_url or redis_url)
        report = {"config": {k: str(v) for k, v in vars(args).items()},
                  "cores": os.cpu_count(), "loadavg_before": os.getloadavg()}  # fmt: skip
        report["seed"] = seed(args.schools, args.students, args.reseed)
        models = [m for m in args.models.split(",") if m]
        report["rounds"] = [one_round(int(k), models, args.folds) for k in args.workers.split(",")]
        report["pages"] = pages()
        report["database"] = database_size()
        report["loadavg_after"] = os.getloadavg()
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0 if all(not r["training_failed"] for r in report["rounds"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
