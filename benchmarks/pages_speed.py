"""Server time of the risk list and the student profile under concurrent load.

Targets (issue 5): risk list p95 <= 150 ms at 20 concurrent users, profile p95 <= 200 ms,
gunicorn on loopback, 10,000 students with their predictions.

    createdb -h 127.0.0.1 -U postgres smk_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/smk_bench
    python manage.py migrate
    python manage.py seed_demo --schools 1 --students 10000 --terms 4
    python benchmarks/pages_speed.py --prepare          # adds synthetic Prediction rows
    python benchmarks/pages_speed.py --users 20 --requests 600

The Prediction rows are synthetic (random categories, about 15% kurang, two predictions per
student: an older version and the active one) so the page has realistic work; the model
metrics stored with them are placeholders, not measurements. Times are measured at the
client over loopback: they include queueing in gunicorn, i.e. what a user waits for.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
from smk_dashboard.ops.dev_env import use_development_environment  # noqa: E402

# make run's environment: plain HTTP, the development key, no 2FA duty.
use_development_environment()

FACTORS = [
    ("alpa", "Alpa {n} hari pada semester ini"),
    ("avg_drop", "Rata-rata nilai turun {n} poin dari semester lalu"),
    ("kejuruan", "Nilai kejuruan di bawah KKM pada {n} mata pelajaran"),
    ("motivasi", "Motivasi dinilai {n} dari 5 oleh wali kelas"),
]


def prepare(seed: int = 7) -> None:
    """Add synthetic predictions (two per active student) to the first demo school."""
    import django

    django.setup()
    from django.db import transaction

    from predictions.models import ModelVersion, Prediction
    from students.models import AcademicTerm, School, Student, StudentStatus

    school = School.objects.get(npsn="20100001")
    if Prediction.objects.filter(student__school=school).exists():
        print("predictions already there; nothing to do")
        return
    rng = random.Random(seed)
    t_prev = AcademicTerm.objects.get(code="2025-1")
    t_last = AcademicTerm.objects.get(code="2025-2")
    t_next, _ = AcademicTerm.objects.get_or_create(
        code="2026-1", defaults={"year": 2026, "semester": 1}
    )
    placeholder = {"note": "synthetic benchmark version: metrics are placeholders"}
    with transaction.atomic():
        old = ModelVersion.objects.create(
            school=school,
            algorithm="rf",
            version=1,
            metrics=placeholder,
            artifact_path="-",
            artifact_sha256="0" * 64,
            data_fingerprint="0" * 64,
        )
        new = ModelVersion.objects.create(
            school=school,
            algorithm="rnn",
            version=2,
            is_active=True,
            metrics={**placeholder, "cv": {"accuracy": {"mean": 0.0, "std": 0.0}}},
            artifact_path="-",
            artifact_sha256="0" * 64,
            data_fingerprint="0" * 64,
        )
        rows = []
        students = Student.objects.filter(school=school, status=StudentStatus.AKTIF)
        for sid in students.values_list("id", flat=True):
            for version, term, based in ((old, t_last, t_prev), (new, t_next, t_last)):
                p_k = rng.betavariate(1.2, 5)
                p_b = (1 - p_k) * rng.random()
                p_s = 1 - p_k - p_b
                cat = max((("kurang", p_k), ("sedang", p_s), ("baik", p_b)), key=lambda x: x[1])
                factors = [
                    {"code": c, "text": t.format(n=rng.randint(1, 12)), "weight": rng.random()}
                    for c, t in rng.sample(FACTORS, 3)
                ]
                rows.append(
                    Prediction(
                        student_id=sid,
                        term=term,
                        based_on_term=based,
                        model_version=version,
                        category=cat[0],
                        p_kurang=p_k,
                        p_sedang=p_s,
                        p_baik=p_b,
                        factors=factors,
                        # As the scoring service leaves it: the newest one is current.
                        is_current=version is new,
                    )
                )
        Prediction.objects.bulk_create(rows, batch_size=5000)
    print(f"created {len(rows)} predictions")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    port: int, workers: int, threads: int, extra_env: dict | None = None, log=None
) -> subprocess.Popen:
    """gunicorn with the production config; extra_env overrides settings, log takes its
    output (the access log too) instead of this terminal."""
    env = {
        **os.environ,
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "SECURE_HSTS_SECONDS": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        # The production gunicorn config (keep-alive, timeouts), sized from the arguments.
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **(extra_env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "smk_dashboard" / "ops" / "gunicorn.conf.py"),
        "smk_dashboard.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    import requests

    for _ in range(120):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def login(base: str, username: str, password: str):
    import requests

    s = requests.Session()
    page = s.get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        # The home page the login redirects to is not measured here (and took ~30 s for bk
        # of a 10,000-student school on the loaded machine): stop at the redirect.
        allow_redirects=False,
    )
    assert r.status_code == 302 and r.headers["Location"].rstrip("/") in ("", base), (
        f"login failed for {username}"
    )
    return s


def run_load(
    base: str, sessions, paths: list[str], users: int, total: int, think: float = 0.0
) -> tuple[list[float], list[str]]:
    """`users` threads, each with its own logged-in session, fire requests until `total`
    are done. think = 0: back to back (far harsher than people clicking); think > 0: each
    user pauses a random 0.5*think .. 1.5*think seconds between pages."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker(k: int) -> None:
        s = sessions[k % len(sessions)]
        rng = random.Random(k)
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                r = s.get(base + path, timeout=30)
            except requests.RequestException as exc:
                with lock:
                    errors.append(f"{path}: {exc.__class__.__name__}")
                continue
            dt = time.perf_counter() - t0
            with lock:
                if r.status_code == 200:
                    times.append(dt * 1000)
                else:
                    errors.append(f"{path}: HTTP {r.status_code}")
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    import requests

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def summary(result: tuple[list[float], list[str]]) -> dict:
    """Latency percentiles of the successful requests, and every failed one counted."""
    times, errors = result
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "n": len(times),
        "errors": len(errors),
        "error_examples": errors[:3],
        "median_ms": round(statistics.median(times), 1),
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(max(times), 1),
    }


def measure(args) -> dict:
    import django

    django.setup()
    from students.models import Student

    student_ids = list(Student.objects.filter(school__npsn="20100001").values_list("id", flat=True))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_gunicorn(port, args.workers, args.threads)
    try:
        sessions = [login(base, "bk", args.password) for _ in range(args.users)]
        risk_paths = [
            "/students/risk/",
            "/students/risk/?category=kurang",
            "/students/risk/?sort=name&page=37",
            "/students/risk/?q=putri",
            "/students/risk/?intervention=tidak&category=sedang&page=3",
        ]
        rng = random.Random(1)
        profile_paths = [f"/students/{i}/" for i in rng.sample(student_ids, 300)]
        results = {"config": vars(args), "loadavg_before": os.getloadavg()}
        # Sequential (one user): the pure server time without queueing.
        run_load(base, sessions, risk_paths + profile_paths[:5], 2, 20)  # warm-up
        results["risk_single_user"] = summary(run_load(base, sessions, risk_paths, 1, 100))
        results["profile_single_user"] = summary(run_load(base, sessions, profile_paths, 1, 100))
        for label, think in (("no_think", 0.0), (f"think_{args.think:g}s", args.think)):
            results[f"risk_{args.users}_users_{label}"] = summary(
                run_load(base, sessions, risk_paths, args.users, args.requests, think)
            )
            results[f"profile_{args.users}_users_{label}"] = summary(
                run_load(base, sessions, profile_paths, args.users, args.requests, think)
            )
        results["loadavg_after"] = os.getloadavg()
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--think", type=float, default=2.0, help="mean think time (s)")
    parser.add_argument("--password", default="smkdemo123")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database seeded as the docstring says.")
    if args.prepare:
        prepare()
        return
    results = measure(args)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
