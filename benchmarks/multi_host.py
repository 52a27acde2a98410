"""A web process and two Celery workers that share no folder, only the database, Redis and
S3-compatible object storage: the district set-up of docs/deploy.md, on one machine.

    python benchmarks/multi_host.py --quick      # 60 students, logistic regression, 2 folds
    python benchmarks/multi_host.py              # 300 students, lr + rf, 3 folds

What starts, each a separate process with an empty working folder of its own (cwd, HOME,
TMPDIR, MEDIA_ROOT, MODEL_STORAGE_DIR all inside it):

- moto's standalone S3 server (`moto[server]`, a real HTTP server speaking the S3 protocol),
  with one bucket for uploads (MEDIA_STORAGE_BUCKET) and one for models (MODEL_STORAGE_BUCKET);
- an embedded redis-server (broker, results, page cache) and one SQLite file (the database;
  `--database-url` for PostgreSQL);
- `web`: gunicorn with the app; `worker-a`: `celery worker -Q default` (imports, scoring);
  `worker-b`: `celery worker -Q ml` (training).

Then, over HTTP to the web process only: sign in (API token), upload a roster and a grade
ledger (the web process stores them in the bucket; worker-a reads them from there, previews
and imports), start a training run (worker-b trains, stores the artifacts in the bucket),
wait for the scoring that follows (worker-a loads the artifact from the bucket, checks its
sha256, scores), and read the fresh risk list (API and the HTML page). Each step prints its
time; at the end each process's folder is listed: it must hold nothing but its own logs and
caches, the upload and model folders must be empty (everything went to the buckets), and no
process may have written into another's folder. Exit 0 when every step passed.

tests/integration/test_multi_host.py runs `run()` of this file (`make test`, CI).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from sites.processes import Http, Site, free_port, s3_client, wait_http, wait_log  # noqa: E402

PASSWORD = "smkdemo123"  # noqa: S105 — seed_demo's printed demo password
BUCKETS = {"MEDIA_STORAGE_BUCKET": "smk-media", "MODEL_STORAGE_BUCKET": "smk-models"}
ROLES = ("web", "worker-a", "worker-b")
# What a process may leave in its own folder: logs, and the caches of libraries it imports.
ALLOWED_LEFTOVERS = (
    ".log",
    ".cache",
    ".keras",
    ".config",
    "tmp",
    ".local",
    ".matplotlib",
    ".gunicorn",
)


@dataclass
class Report:
    steps: list[dict] = field(default_factory=list)
    folders: dict[str, dict] = field(default_factory=dict)
    objects: dict[str, list[str]] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s["ok"] for s in self.steps)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "steps": self.steps,
            "folders": self.folders,
            "objects": self.objects,
            "facts": self.facts,
        }


def _step(report: Report, name: str, log: Callable[[str], None]):
    @contextlib.contextmanager
    def timed() -> Iterator[dict]:
        entry = {"step": name, "ok": False, "seconds": None}
        report.steps.append(entry)
        started = time.perf_counter()
        try:
            yield entry
            entry["ok"] = True
        except Exception as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            entry["seconds"] = round(time.perf_counter() - started, 2)
            detail = entry.get("error") or entry.get("detail", "")
            log(f"{'ok ' if entry['ok'] else 'FAIL'} {entry['seconds']:7.2f} s  {name}  {detail}")

    return timed()


def _poll(fetch: Callable[[], dict], done: Callable[[dict], bool], seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        body = fetch()
        if done(body):
            return body
        if time.monotonic() > deadline:
            raise TimeoutError(json.dumps(body)[:500])
        time.sleep(0.5)


def _import(http: Http, name: str, blob: bytes, kind: str, term: str = "") -> dict:
    form = {"kind": kind, "term": term, "valid_rows_only": "true"}
    status, batch = http.json("POST", "/api/v1/imports/", form=form, files={"file": (name, blob)})
    if status != 202:
        raise RuntimeError(f"upload {status}: {batch}")
    path = f"/api/v1/imports/{batch['id']}/"
    batch = _poll(lambda: http.json("GET", path)[1], lambda b: b["status"] != "analysing", 180)
    if batch["status"] != "preview":
        raise RuntimeError(f"preview {batch['status']}: {batch['message']} {batch['errors'][:3]}")
    status, batch = http.json("POST", path + "confirm/", data={})
    if status != 202:
        raise RuntimeError(f"confirm {status}: {batch}")
    batch = _poll(lambda: http.json("GET", path)[1], lambda b: b["finished"], 240)
    if batch["status"] != "done":
        raise RuntimeError(f"import {batch['status']}: {batch['message']}")
    return batch


def _leftovers(folder: Path) -> list[str]:
    """Files in a process's folder other than its logs and library caches."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_dir() or rel.parts[0].endswith(ALLOWED_LEFTOVERS):
            continue
        if rel.parts[0] == "tmp" and path.name.startswith(("tmp", "pymp-", "joblib")):
            continue  # library temporaries (multiprocessing, joblib), not application files
        found.append(str(rel))
    return found


def _folders_check(site: Site, report: Report) -> None:
    """Each process's folder: its cwd (from /proc), what is in it, and nobody else's files."""
    for role in ROLES:
        folder = site.folder(role)
        proc = site.procs.get(role)
        cwd = None
        with contextlib.suppress(OSError):
            cwd = os.readlink(f"/proc/{proc.pid}/cwd") if proc else None
        media = [str(p.relative_to(folder)) for p in (folder / "media").rglob("*") if p.is_file()]
        models = [str(p.relative_to(folder)) for p in (folder / "models").rglob("*") if p.is_file()]
        report.folders[role] = {
            "folder": str(folder),
            "cwd": cwd,
            "other_files": _leftovers(folder),
            "media_files": media,
            "model_files": models,
        }


def run(
    *,
    quick: bool = True,
    work: Path | None = None,
    database_url: str | None = None,
    log: Callable[[str], None] = print,
) -> Report:
    """Start everything, run the journey, stop everything; return the report (never raises
    for a failed step: the report says which failed and why)."""
    from smk_dashboard.ops.embedded import embedded_redis

    students = 60 if quick else 300
    models, folds = (["lr"], 2) if quick else (["lr", "rf"], 3)
    work = Path(work or tempfile.mkdtemp(prefix="smk-multi-host-"))
    for role in (*ROLES, "client", "s3", "database"):
        (work / role).mkdir(parents=True, exist_ok=True)
    report = Report(
        facts={
            "students": students,
            "models": models,
            "folds": folds,
            "work": str(work),
            "cores": os.cpu_count(),
        }
    )
    site = Site(work, database_url=database_url)
    try:
        with embedded_redis() as redis_url:
            site.env_common["REDIS_URL"] = redis_url
            try:
                _journey(site, report, students=students, models=models, folds=folds, log=log)
            finally:
                _folders_check(site, report)
                site.stop()  # before Redis goes
    except Exception as exc:  # noqa: BLE001 — reported as the failed step
        log(f"stopped: {type(exc).__name__}: {exc}")
    return report


def _journey(site: Site, report: Report, *, students, models, folds, log) -> None:
    s3_port = free_port()
    endpoint = f"http://127.0.0.1:{s3_port}"
    with _step(report, "object storage: moto S3 server, two buckets", log) as step:
        s3 = site.start(
            "s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)]
        )
        wait_http(endpoint, 60, s3)
        client = s3_client(endpoint)
        for bucket in BUCKETS.values():
            client.create_bucket(Bucket=bucket)
        site.env_common.update(
            {
                **BUCKETS,
                "OBJECT_STORAGE_ENDPOINT_URL": endpoint,
                "OBJECT_STORAGE_ACCESS_KEY": "smk",
                "OBJECT_STORAGE_SECRET_KEY": "smk-secret",
                "OBJECT_STORAGE_REGION": "us-east-1",
            }
        )
        step["detail"] = endpoint
    with _step(report, "database: migrate + seed_demo (web's folder)", log) as step:
        site.manage("web", "migrate", "--noinput", "-v", "0")
        site.manage("web", "seed_demo", "--schools", "1", "--students", str(students))
        step["detail"] = site.database_url.split("://")[0]
    with _step(report, "spreadsheets: a roster and a grade ledger (client's folder)", log):
        done = subprocess.run(  # noqa: S603
            [sys.executable, str(Path(__file__).resolve()), "--write-files", "."],
            cwd=site.folder("client"),
            env=site.env("client"),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        files = json.loads(done.stdout.strip().splitlines()[-1])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with _step(report, "start web (gunicorn) and worker-a (-Q default), worker-b (-Q ml)", log):
        web = site.start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "smk_dashboard.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--timeout",
                "120",
            ],
        )
        celery = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "smk_dashboard",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
        ]
        worker_a = site.start("worker-a", [*celery, "default", "-n", "a@%h"])
        worker_b = site.start("worker-b", [*celery, "ml", "-n", "b@%h"])
        wait_http(base + "/healthz", 120, web)
        for role, proc in (("worker-a", worker_a), ("worker-b", worker_b)):
            wait_log(site.folder(role) / f"{role}.log", "ready.", 120, proc)
    http = Http(base)
    with _step(report, "web: sign in (API token)", log):
        status, body = http.json(
            "POST", "/api/v1/auth/token/", data={"username": "operator", "password": PASSWORD}
        )
        if status != 200:
            raise RuntimeError(f"{status}: {body}")
        http.token = body["token"]
    with _step(report, "upload roster via web, preview + import on worker-a", log) as step:
        batch = _import(http, files["roster"], _read(site, files["roster"]), "roster")
        step["detail"] = f"{batch['rows']} rows, {batch['created']} new students"
    with _step(report, "train via web, run on worker-b, artifacts to the bucket", log) as step:
        status, run = http.json(
            "POST", "/api/v1/training-runs/", data={"models": models, "folds": folds}
        )
        if status != 202:
            raise RuntimeError(f"{status}: {run}")
        path = f"/api/v1/training-runs/{run['id']}/"
        run = _poll(lambda: http.json("GET", path)[1], lambda r: r["finished"], 600)
        if run["status"] != "succeeded":
            raise RuntimeError(run.get("error") or run)
        step["detail"] = f"run {run['id']}: {run['status']}"
    log_a = site.folder("worker-a") / "worker-a.log"
    rescored_before = log_a.read_text(errors="replace").count("students_rescore_task[")
    with _step(report, "upload ledger via web, preview + import on worker-a", log) as step:
        batch = _import(
            http, files["ledger"], _read(site, files["ledger"]), "grades", files["term"]
        )
        step["detail"] = f"{batch['rows']} rows, {batch['updated']} students' grades changed"
    with _step(
        report, "re-scoring on worker-a: artifact from the bucket, sha256 checked", log
    ) as step:

        def rescored() -> int:
            text = log_a.read_text(errors="replace")
            if (
                "students_rescore_task[" in text
                and " raised " in text.split("students_rescore_task[")[-1][:4000]
            ):
                raise RuntimeError("students_rescore_task raised: see worker-a.log")
            return text.count("students_rescore_task[") - rescored_before

        # "received" and "succeeded" lines both name the task: two lines once it is done.
        _poll(lambda: {"lines": rescored()}, lambda b: b["lines"] >= 2, 300)
        status, body = http.json(
            "POST", "/api/v1/auth/token/", data={"username": "bk", "password": PASSWORD}
        )
        http.token = body["token"]  # the counsellor sees every student's risk
        status, body = http.json("GET", "/api/v1/students/?page_size=200")
        scored = [s for s in body.get("results", []) if s["latest_category"]]
        if status != 200 or not scored:
            raise RuntimeError(f"students API {status}: no predictions")
        step["detail"] = f"{len(scored)} of {len(body['results'])} students with a prediction"
    with _step(report, "risk list via web (bk, HTML page)", log) as step:
        http.token = ""
        status, page = http.request("GET", "/accounts/login/")
        token = page.split(b'name="csrfmiddlewaretoken" value="')[1].split(b'"')[0].decode()
        status, _ = http.request(
            "POST",
            "/accounts/login/",
            form={"username": "bk", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": base + "/accounts/login/"},
        )
        status, page = http.request("GET", "/students/risk/")
        if status != 200 or b"Kurang" not in page and b"kurang" not in page:
            raise RuntimeError(f"risk list {status}")
        step["detail"] = f"{len(page):,} bytes"
    with _step(report, "the work was split: tasks by worker, objects in the buckets", log) as step:
        logs = {r: (site.folder(r) / f"{r}.log").read_text(errors="replace") for r in ROLES[1:]}
        names = (
            "import_batch_analyse_task",
            "import_batch_process_task",
            "training_run_task",
            "students_rescore_task",
        )
        facts = {r: {t: logs[r].count(f"{t}[") for t in names} for r in logs}
        report.facts["task_log_lines"] = facts
        client = s3_client(endpoint)
        for bucket in BUCKETS.values():
            listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
            report.objects[bucket] = sorted(o["Key"] for o in listing)
        if (
            not facts["worker-a"]["import_batch_process_task"]
            or facts["worker-b"]["import_batch_process_task"]
        ):
            raise RuntimeError(f"imports not on worker-a only: {facts}")
        if not facts["worker-b"]["training_run_task"] or facts["worker-a"]["training_run_task"]:
            raise RuntimeError(f"training not on worker-b only: {facts}")
        if not any(k.startswith("imports/") for k in report.objects["smk-media"]):
            raise RuntimeError("no upload in the media bucket")
        if not any(k.endswith(".zip") for k in report.objects["smk-models"]):
            raise RuntimeError("no model artifact in the models bucket")
        step["detail"] = json.dumps(facts)
    with _step(report, "each process used only its own folder", log) as step:
        _folders_check(site, report)
        problems = []
        for role, info in report.folders.items():
            if info["cwd"] != info["folder"]:
                problems.append(f"{role} cwd {info['cwd']}")
            for key in ("other_files", "media_files", "model_files"):
                if info[key]:
                    problems.append(f"{role} {key}: {info[key][:5]}")
        if problems:
            raise RuntimeError("; ".join(problems))
        step["detail"] = ", ".join(f"{r}: {report.folders[r]['folder']}" for r in ROLES)


def _read(site: Site, name: str) -> bytes:
    return (site.folder("client") / name).read_bytes()


def write_files(folder: Path) -> dict:
    """The roster (every active student plus three new ones) and the latest term's ledger of
    general subjects with every score redrawn, as a school's spreadsheets; Django set up
    on the run's database (read only)."""
    import random

    import django

    django.setup()
    import xlsxwriter

    from students.models import GradeRecord, School, Student, Subject, SubjectGroup, term_label

    school = School.objects.get(npsn="20100001")
    active = list(
        Student.objects.filter(school=school, status="aktif")
        .select_related("school_class")
        .order_by("id")
    )
    rng = random.Random(27)
    book = xlsxwriter.Workbook(str(folder / "daftar-siswa.xlsx"))
    ws = book.add_worksheet("Siswa")
    ws.write_row(0, 0, ["No", "NISN", "NIS", "Nama Peserta Didik", "L/P", "Tanggal Lahir", "Kelas"])
    rows = [(s.nisn, s.nis, s.name, s.gender, s.school_class.name) for s in active]
    for i in range(3):
        rows.append(
            (
                f"00999000{i:02d}",
                f"27{i:05d}",
                f"Siswa Baru {i + 1}",
                "P",
                active[i].school_class.name,
            )
        )
    for i, (nisn, nis, name, gender, klass) in enumerate(rows):
        ws.write_row(1 + i, 0, [i + 1, nisn, nis, name, gender, "2008-05-17", klass])
    book.close()
    term = (
        GradeRecord.objects.filter(student__school=school)
        .order_by("-term__year", "-term__semester")
        .values_list("term__code", flat=True)[0]
    )
    subjects = list(Subject.objects.filter(school=school, group=SubjectGroup.UMUM).order_by("code"))
    book = xlsxwriter.Workbook(str(folder / "leger.xlsx"))
    ws = book.add_worksheet("Leger")
    ws.write_row(0, 0, ["LEGER NILAI"])
    ws.write_row(1, 0, [f"Semester : {term_label(term)}"])
    ws.write_row(3, 0, ["No", "NISN", "Nama", *[s.name for s in subjects]])
    for i, s in enumerate(active):
        ws.write_row(4 + i, 0, [i + 1, s.nisn, s.name, *[rng.randint(20, 100) for _ in subjects]])
    book.close()
    return {"roster": "daftar-siswa.xlsx", "ledger": "leger.xlsx", "term": term}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 students, lr, 2 folds")
    parser.add_argument("--work", type=Path, default=None, help="folder for the run (kept)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--json", type=Path, default=None, help="write the report here")
    parser.add_argument("--write-files", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_files:
        print(json.dumps(write_files(args.write_files.resolve())))
        return 0
    started = time.perf_counter()
    report = run(quick=args.quick, work=args.work, database_url=args.database_url)
    print(
        f"\n{'every step passed' if report.ok else 'FAILED'} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    for role, info in report.folders.items():
        print(
            f"  {role}: cwd {info['cwd']}; other files {info['other_files'][:5]}, "
            f"upload files {len(info['media_files'])}, model files {len(info['model_files'])}"
        )
    for bucket, keys in report.objects.items():
        print(f"  bucket {bucket}: {len(keys)} objects, e.g. {keys[:2]}")
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), indent=2))
    if args.work is None and report.ok:
        shutil.rmtree(report.facts["work"], ignore_errors=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
