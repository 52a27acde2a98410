"""From the confirm click on a 500-student grade ledger to the updated risk list.

A demo school of 500 students with an active model (logistic regression, trained once in
this process), a real Celery worker (`-Q default`, one process) on an embedded redis-server,
and a ledger of the latest term's general subjects with every score changed. Each run:
  t0  the operator's confirm (`import_batch_confirm`, committed: the import task is queued)
  ... the worker imports the ledger, then re-scores the 500 students (queued by task name)
  t1  the guru's risk list (/students/risk/, Django test client) shows the new predictions
Median of 5 runs (each with different scores, so every run changes the data).

    python benchmarks/upload_to_fresh.py [--runs 5] [--students 500]

Uses a fresh SQLite file under .run/bench-fresh/ unless DATABASE_URL is set. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / ".run" / "bench-fresh"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(WORK / "media"))
    os.environ.setdefault("MODEL_STORAGE_DIR", str(WORK / "models"))
    import django

    django.setup()


def prepare(students: int) -> None:
    from django.core.management import call_command

    from predictions import services, training
    from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo

    call_command("migrate", verbosity=0)
    seed_demo(DemoConfig(schools=1, students=students, terms=4, seed=7))
    from students.models import School

    school = School.objects.get(npsn="20100001")
    run = services.training_run_create(school=school, user=None, models=["lr"], folds=3)
    run = training.training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error


def ledger(path: Path, seed: int) -> tuple[Path, str]:
    """The latest term's general subjects for every active student, scores redrawn."""
    import xlsxwriter

    from students.models import GradeRecord, School, Student, Subject, SubjectGroup, term_label

    school = School.objects.get(npsn="20100001")
    term = (
        GradeRecord.objects.filter(student__school=school)
        .order_by("-term__year", "-term__semester")
        .values_list("term__code", flat=True)
        .first()
    )
    subjects = list(Subject.objects.filter(school=school, group=SubjectGroup.UMUM).order_by("code"))
    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Leger")
    ws.write_row(0, 0, ["LEGER NILAI"])
    ws.write_row(1, 0, [f"Semester : {term_label(term)}"])
    ws.write_row(3, 0, ["No", "NISN", "Nama", *[s.name for s in subjects]])
    students = Student.objects.filter(school=school, status="aktif").order_by("id")
    for i, s in enumerate(students):
        ws.write_row(4 + i, 0, [i + 1, s.nisn, s.name, *[rng.randint(20, 100) for _ in subjects]])
    book.close()
    return path, term


def one_run(seed: int) -> dict:
    from django.core.files import File
    from django.db import transaction
    from django.test import Client

    from predictions.models import ScoringRun
    from students.importing.lifecycle import import_batch_confirm, import_batch_create
    from students.models import School, User

    school = School.objects.get(npsn="20100001")
    operator = User.objects.get(username="operator")
    path, term = ledger(WORK / f"leger-{seed}.xlsx", seed)
    with path.open("rb") as fh:
        batch = import_batch_create(
            school=school, kind="grades", file=File(fh, name=path.name),
            file_name=path.name, user=operator, term_code=term,
        )  # fmt: skip
    assert batch.status == "preview", (batch.status, batch.message, batch.errors[:3])
    last_scoring = ScoringRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
    guru = Client()
    guru.force_login(User.objects.get(username="guru"))
    t0 = time.perf_counter()
    with transaction.atomic():
        import_batch_confirm(batch=batch, user=operator, valid_rows_only=True)
    imported = scored = None
    while time.perf_counter() - t0 < 300:
        batch.refresh_from_db()
        if imported is None and batch.status == "done":
            imported = time.perf_counter() - t0
        if batch.status in ("failed", "rejected"):
            raise SystemExit(f"import {batch.status}: {batch.message}")
        run = ScoringRun.objects.filter(id__gt=last_scoring, purpose="refresh").first()
        if run is not None and run.status == "failed":
            raise SystemExit(f"scoring failed: {run.error}")
        if run is not None and run.status == "done":
            response = guru.get("/students/risk/")
            assert response.status_code == 200
            scored = time.perf_counter() - t0
            break
        time.sleep(0.1)
    if scored is None:
        raise SystemExit("no fresh predictions within 300 s")
    return {
        "seconds": round(scored, 2),
        "import_done_s": round(imported or 0, 2),
        "scored_students": run.n_students,
        "rows": batch.rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--students", type=int, default=500)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    from smk_dashboard.ops.embedded import embedded_redis

    with embedded_redis() as url:
        os.environ["REDIS_URL"] = url
        setup_django()
        started = time.perf_counter()
        prepare(args.students)
        prepare_s = time.perf_counter() - started
        log = (WORK / "worker.log").open("w")
        worker = subprocess.Popen(  # noqa: S603 — our own celery worker, fixed argv
            [sys.executable, "-m", "celery", "-A", "smk_dashboard", "worker", "-Q", "default",
             "--pool", "solo", "--loglevel", "INFO", "--without-heartbeat",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            from smk_dashboard.celery import app

            deadline = time.monotonic() + 120
            while not app.control.ping(timeout=1.0):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise SystemExit("worker did not start; see .run/bench-fresh/worker.log")
            runs = [one_run(seed) for seed in range(1, args.runs + 1)]
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    seconds = [r["seconds"] for r in runs]
    print(
        json.dumps(
            {
                "students": args.students,
                "cores": os.cpu_count(),
                "prepare_seconds": round(prepare_s, 1),
                "runs": runs,
                "median_seconds": statistics.median(seconds),
                "max_seconds": max(seconds),
                "bar_seconds": 15,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
