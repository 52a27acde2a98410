"""Upload bounds (issue 12): a 1.6 KB sparse xlsx (cells A1 and XFD200000) and a 2 MB dense
xlsx (a grade ledger, every cell filled), each through the real import path, each in its own
process so that its peak RSS is its own.

For each file, one child process plays the web request (`import_batch_create`, what the
upload view and the API call), then the Celery task's service (`import_batch_analyse`: sniff,
read in the memory-capped reader child, parse, match; the preview of the upload); with
`--full` the dense file is also confirmed and imported (`import_batch_process`); with
`--with-limit` a 7.2 MB attendance grid just under the 3,000,000-cell limit is measured too
(the largest sheet the importer accepts). Reported:
wall time of each step, peak RSS of the worker-side process (ru_maxrss of the child, which
includes Django and its imports) and of the reader child (RUSAGE_CHILDREN), the batch status
and message.

    python benchmarks/upload_bounds.py [--runs 3] [--full] [--with-limit] [--root CHECKOUT]

`--root` runs the same measurement on another checkout of the project (e.g. the code before
issue 12, exported with `git archive`), whose upload parses in the request itself. Without
DATABASE_URL a fresh SQLite file under .run/ is used. Prints a JSON report."""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
NPSN = "29990012"
STUDENTS, SUBJECTS = 8_192, 60
KINDS = {"limit": "attendance"}


def setup_django(root: Path, work: Path) -> None:
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(work / "media"))
    import django

    django.setup()


def seed() -> None:
    """One school with the 8,192 students and 60 subjects of the dense ledger."""
    from django.core.management import call_command

    from students.models import Major, School, SchoolClass, Student, Subject

    call_command("migrate", verbosity=0)
    school, _ = School.objects.get_or_create(npsn=NPSN, defaults={"name": "SMK Batas Unggah"})
    if Student.objects.filter(school=school).count() == STUDENTS:
        return
    major, _ = Major.objects.get_or_create(
        school=school, code="TKJ", defaults={"name": "TKJ", "field": "teknik"}
    )
    classes = [
        SchoolClass.objects.get_or_create(
            school=school, name=f"XI TKJ {k}", academic_year=2024,
            defaults={"grade_level": 11, "major": major},
        )[0]
        for k in range(1, 230)
    ]  # fmt: skip
    Subject.objects.bulk_create(
        [
            Subject(school=school, code=f"M{k:02d}", name=f"Mapel {k:02d}", group="umum")
            for k in range(SUBJECTS)
        ],
        ignore_conflicts=True,
    )
    Student.objects.bulk_create(
        [Student(school=school, nisn=f"{80_000_000 + i:010d}", nis=f"U{i}", name=f"Siswa {i:05d}",
                 gender="L", school_class=classes[i // 36], major=major) for i in range(STUDENTS)],
        batch_size=1000, ignore_conflicts=True,
    )  # fmt: skip


def make_files(work: Path, with_limit: bool) -> dict[str, Path]:
    sys.path.insert(0, str(HERE))
    from tests.students.crafted import attendance_at_the_cell_limit, dense_xlsx, sparse_xlsx

    files = {"sparse": work / "sparse-A1-XFD200000.xlsx", "dense": work / "leger-2mb.xlsx"}
    if with_limit:
        files["limit"] = work / "presensi-3m-cells.xlsx"
    builders = {"sparse": sparse_xlsx, "dense": dense_xlsx, "limit": attendance_at_the_cell_limit}
    for name, path in files.items():
        if not path.exists():
            builders[name](path)
    return files


def rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def child(name: str, path: Path, full: bool) -> dict:
    from django.core.files import File
    from django.db import transaction

    from students.importing import lifecycle as services
    from students.models import ImportBatch, School

    school = School.objects.get(npsn=NPSN)
    ImportBatch.objects.filter(school=school).delete()
    out: dict = {"base_rss_mb": rss_mb(resource.RUSAGE_SELF)}
    start = time.perf_counter()
    with transaction.atomic(), path.open("rb") as fh:  # the web request
        batch = services.import_batch_create(
            school=school,
            kind=KINDS.get(name, "grades"),
            file=File(fh, name=path.name),
            file_name=path.name,
        )
    out["upload_seconds"] = round(time.perf_counter() - start, 3)
    out["upload_rss_mb"] = rss_mb(resource.RUSAGE_SELF)
    if hasattr(services, "import_batch_analyse"):  # the worker's preview task
        start = time.perf_counter()
        batch = services.import_batch_analyse(batch_id=batch.pk)
        out["preview_seconds"] = round(time.perf_counter() - start, 3)
    batch.refresh_from_db()
    out.update(status=batch.status, rows=batch.rows, rejected=batch.rejected)
    out["message"] = batch.message[:160]
    if full and batch.status == "preview":
        batch.status = "queued"
        batch.save(update_fields=["status"])
        start = time.perf_counter()
        batch = services.import_batch_process(batch_id=batch.pk)
        out["import_seconds"] = round(time.perf_counter() - start, 3)
        out["import_status"] = batch.status
        out["records"] = batch.preview.get("records")
    out["peak_rss_mb"] = rss_mb(resource.RUSAGE_SELF)
    out["reader_child_peak_rss_mb"] = rss_mb(resource.RUSAGE_CHILDREN)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--with-limit", action="store_true", help="also a 3M-cell grid (slow)")
    parser.add_argument("--root", type=Path, default=HERE)
    parser.add_argument("--child", nargs=2, metavar=("NAME", "FILE"))
    args = parser.parse_args()
    root = args.root.resolve()
    work = root / ".run" / "bench-upload"
    work.mkdir(parents=True, exist_ok=True)
    if args.child:
        setup_django(root, work)
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.full)))
        return
    if "DATABASE_URL" not in os.environ:
        (work / "bench.sqlite3").unlink(missing_ok=True)
    files = make_files(work, args.with_limit)
    setup_django(root, work)
    seed()
    report: dict = {"root": str(root), "cpus": os.cpu_count(), "runs": args.runs, "files": {}}
    for name, path in files.items():
        runs = []
        for _ in range(args.runs):
            command = [sys.executable, __file__, "--root", str(root), "--child", name, str(path)]
            command += ["--full"] if args.full and name == "dense" else []
            start = time.perf_counter()
            proc = subprocess.run(command, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                died = (
                    f"killed by {signal.Signals(-proc.returncode).name}"
                    if proc.returncode < 0
                    else f"exit {proc.returncode}"
                )
                runs.append({"process": died, "seconds": round(time.perf_counter() - start, 2),
                             "stderr_tail": proc.stderr.strip().splitlines()[-1:]})  # fmt: skip
                continue
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        done = [r for r in runs if "peak_rss_mb" in r]
        summary = {"file_bytes": path.stat().st_size, "runs": runs}
        if done:
            summary["max_peak_rss_mb"] = max(r["peak_rss_mb"] for r in done)
            summary["max_reader_child_rss_mb"] = max(r["reader_child_peak_rss_mb"] for r in done)
            for key in ("upload_seconds", "preview_seconds", "import_seconds"):
                values = [r[key] for r in done if key in r]
                if values:
                    summary[f"median_{key}"] = statistics.median(values)
        report["files"][name] = summary
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
