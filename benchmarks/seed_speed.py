"""How long `seed_demo` takes, and its peak memory (issue 2: 500 students < 30 s on 2 cores;
10,000 students must work). Runs the real command in a fresh process per repeat, on a
throw-away SQLite file or on DATABASE_URL when set (the database is reset each time).

    .venv/bin/python benchmarks/seed_speed.py --students 500 --repeats 3
    .venv/bin/python benchmarks/seed_speed.py --students 10000 --repeats 1
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(students: int, env: dict) -> tuple[float, float]:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "seed_demo",
            "--schools",
            "1",
            "--students",
            str(students),
            "--reset",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if "DATABASE_URL" not in env:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        runs = [one_run(args.students, env) for _ in range(args.repeats)]
    seconds = [r[0] for r in runs]
    print(
        json.dumps(
            {
                "students": args.students,
                "database": env["DATABASE_URL"].split(":")[0],
                "seconds_median": round(statistics.median(seconds), 2),
                "seconds_all": [round(s, 2) for s in seconds],
                "peak_rss_mb_max": round(max(r[1] for r in runs), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
