"""Import speed and memory: 100,000 grade cells (2,000 students x 50 subject columns) and
1,000,000 daily attendance cells (5,000 students x 200 school days in 10 monthly sheets).

Each measured run is its own process (so its peak RSS is its own), calling the same service
the Celery worker calls, on a database that already holds the school and its students:
  1. first import (every record created), 2. the same file again (every row unchanged).

    python benchmarks/import_speed.py [--runs 3] [--only grades|attendance]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smk_bench python benchmarks/import_speed.py

Without DATABASE_URL a fresh SQLite file under .run/ is used. Prints a JSON report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / ".run" / "bench-import"
NPSN = "29990001"
GRADE_STUDENTS, SUBJECTS = 2_000, 50
DAILY_STUDENTS = 5_000
MONTHS = [(2024, m) for m in range(7, 13)] + [(2025, m) for m in range(1, 5)]
DAYS_PER_MONTH = 20


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    from smk_dashboard.ops.dev_env import use_development_environment

    # make run's environment: plain HTTP, the development key, no 2FA duty.
    use_development_environment()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(WORK / "media"))
    import django

    django.setup()


def school_days(year: int, month: int) -> list[dt.date]:
    day, days = dt.date(year, month, 1), []
    while day.month == month and len(days) < DAYS_PER_MONTH:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def nisn(i: int) -> str:
    return f"{8_000_000 + i:010d}"  # two leading zeros, like real NISNs


def seed() -> None:
    """A fresh database with one school, its classes, subjects and 5,000 students."""
    from django.core.management import call_command

    from students.models import Major, School, SchoolClass, Student, Subject

    call_command("migrate", verbosity=0)
    school, _ = School.objects.get_or_create(npsn=NPSN, defaults={"name": "SMK Benchmark"})
    if Student.objects.filter(school=school).count() == DAILY_STUDENTS:
        return
    major, _ = Major.objects.get_or_create(
        school=school, code="TKJ", defaults={"name": "TKJ", "field": "teknik"}
    )
    classes = [
        SchoolClass.objects.get_or_create(
            school=school,
            name=f"XI TKJ {k}",
            academic_year=2024,
            defaults={"grade_level": 11, "major": major},
        )[0]
        for k in range(1, 140)
    ]
    Subject.objects.bulk_create(
        [
            Subject(school=school, code=f"M{k:02d}", name=f"Mapel {k:02d}", group="umum")
            for k in range(SUBJECTS)
        ],
        ignore_conflicts=True,
    )
    Student.objects.bulk_create(
        [Student(school=school, nisn=nisn(i), nis=f"B{i}", name=f"Siswa {i}", gender="L",
                 school_class=classes[i // 36], major=major) for i in range(DAILY_STUDENTS)],
        batch_size=1000, ignore_conflicts=True,
    )  # fmt: skip


def make_files() -> dict[str, Path]:
    import random

    import xlsxwriter

    rng = random.Random(42)
    files = {"grades": WORK / "leger-100k.xlsx", "attendance": WORK / "presensi-1m.xlsx"}
    if not files["grades"].exists():
        book = xlsxwriter.Workbook(str(files["grades"]), {"constant_memory": True})
        ws = book.add_worksheet("Leger")
        ws.write_row(0, 0, ["LEGER NILAI"])
        ws.write_row(1, 0, ["Semester : Ganjil 2024/2025"])
        ws.write_row(3, 0, ["No", "NISN", "Nama", *[f"Mapel {k:02d}" for k in range(SUBJECTS)]])
        for i in range(GRADE_STUDENTS):
            scores = [rng.randint(50, 100) for _ in range(SUBJECTS)]
            ws.write_row(4 + i, 0, [i + 1, int(nisn(i)), f"Siswa {i}", *scores])  # NISN as number
        book.close()
    if not files["attendance"].exists():
        book = xlsxwriter.Workbook(str(files["attendance"]), {"constant_memory": True})
        names = {7: "Juli", 8: "Agustus", 9: "September", 10: "Oktober", 11: "November",
                 12: "Desember", 1: "Januari", 2: "Februari", 3: "Maret", 4: "April"}  # fmt: skip
        for year, month in MONTHS:
            ws = book.add_worksheet(f"{names[month]} {year}")
            days = school_days(year, month)
            ws.write_row(0, 0, ["NISN", "Nama", *[d.day for d in days]])
            for i in range(DAILY_STUDENTS):
                codes = rng.choices("HSIA", weights=[92, 3, 2, 3], k=len(days))
                ws.write_row(1 + i, 0, [nisn(i), f"Siswa {i}", *codes])
        book.close()
    return files


def child(kind: str, path: Path) -> dict:
    """One measured run: clear the school's records, import twice, report times and RSS."""
    from students.importing.command import import_file_run
    from students.models import (
        AttendanceRecord,
        AttendanceSummary,
        GradeRecord,
        ImportBatch,  # fmt: skip
        School,
    )

    school = School.objects.get(npsn=NPSN)
    GradeRecord.objects.filter(student__school=school).delete()
    AttendanceRecord.objects.filter(student__school=school).delete()
    AttendanceSummary.objects.filter(student__school=school).delete()
    ImportBatch.objects.filter(school=school).delete()
    out = {}
    for label in ("first", "again"):
        start = time.perf_counter()
        summary = import_file_run(school=school, kind=kind, path=path)
        out[f"{label}_seconds"] = round(time.perf_counter() - start, 2)
        out[f"{label}_counts"] = {
            k: summary[k] for k in ("rows", "created", "updated", "unchanged", "rejected")
        }
        out[f"{label}_records"] = summary.get("records")
        assert summary["ok"], summary
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["grades", "attendance"])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"))
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.child:
        setup_django()
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    if "DATABASE_URL" not in os.environ:
        (WORK / "bench.sqlite3").unlink(missing_ok=True)
    setup_django()
    seed()
    files = make_files()
    from django.db import connection

    report = {"database": connection.vendor, "cpus": os.cpu_count(), "runs": args.runs}
    report["kinds"] = {}
    for kind in [args.only] if args.only else ["grades", "attendance"]:
        runs = []
        for _ in range(args.runs):
            command = [sys.executable, __file__, "--child", kind, str(files[kind])]
            proc = subprocess.run(command, capture_output=True, text=True, check=True)
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        report["kinds"][kind] = {
            "file": files[kind].name,
            "file_mb": round(files[kind].stat().st_size / 1024 / 1024, 1),
            "median_first_seconds": statistics.median(r["first_seconds"] for r in runs),
            "median_again_seconds": statistics.median(r["again_seconds"] for r in runs),
            "max_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "runs": runs,
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
