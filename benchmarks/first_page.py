"""`make run` on a fresh database to the first page with predictions.

Starts `make run` (requirements already installed) with a fresh SQLite file, media and model
folders under .run/bench-first/ and a free port, then as the guru polls the risk list until
it lists students with predictions. Reports, from the launch:
  serving_s      the login page answers 200
  predictions_s  /students/risk/ shows at least one row with a prediction
and stops everything it started. One run per invocation (`--runs N` for more).

    python benchmarks/first_page.py [--runs 1] [--timeout 300]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".run" / "bench-first"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    # Only http://127.0.0.1:<port> URLs built above.
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


def one_run(timeout: float) -> dict:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{WORK / 'db.sqlite3'}",
        "MEDIA_ROOT": str(WORK / "media"),
        "MODEL_STORAGE_DIR": str(WORK / "models"),
        "DEV_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    log = (WORK / "make-run.log").open("w")
    started = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 — `make run`, fixed argv
        ["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    serving = predictions = None
    rows = 0
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"make run exited {proc.returncode}; see {log.name}")
            if serving is None:
                status, page = fetch(opener, f"{base}/accounts/login/")
                if status != 200:
                    time.sleep(0.5)
                    continue
                serving = time.perf_counter() - started
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                fetch(
                    opener,
                    f"{base}/accounts/login/",
                    {"csrfmiddlewaretoken": token, "username": "guru", "password": "smkdemo123"},
                )
            status, page = fetch(opener, f"{base}/students/risk/")
            rows = page.count('data-testid="risk-row"')
            if status == 200 and rows:
                predictions = time.perf_counter() - started
                break
            time.sleep(1)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    if predictions is None:
        raise SystemExit(f"no predictions within {timeout} s; see {log.name}")
    return {
        "serving_s": round(serving, 1),
        "predictions_s": round(predictions, 1),
        "rows_on_first_page": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    runs = [one_run(args.timeout) for _ in range(args.runs)]
    print(
        json.dumps(
            {
                "runs": runs,
                "median_predictions_s": statistics.median(r["predictions_s"] for r in runs),
                "cores": os.cpu_count(),
                "load_average_1m": os.getloadavg()[0],
                "bar_seconds": 60,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
