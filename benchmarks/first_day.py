"""The first day at a new school, measured (issue 26, item 5): from an empty school to a risk
list with flags, in seconds and in clicks, by two routes.

- dapodik: the operator signs in, opens "Daftar siswa" from the home checklist, enters the
  Dapodik address and key, pulls (a real HTTP server answering like the Dapodik web service,
  12 made-up students in 3 rombel), confirms the preview, uploads one grade ledger and one
  attendance recap (one term); the principal signs in and opens the risk list.
- upload: the same with a roster file instead of Dapodik.

Both run in Chromium (Playwright, /usr/bin/chromium) against Django's live server with a real
Celery worker on an embedded redis-server, as the browser journey tests/e2e/test_first_day.py,
which this script runs with FIRST_DAY_OUT set. A click is a button or link pressed, a file or
an option chosen; typing in a field is not a click. Seconds include the worker's imports and
the sign-ins, not the server's start.

    python benchmarks/first_day.py [--runs 3]

Prints JSON: per route the median seconds, clicks, and seconds from the last upload's confirm
to the flags on the principal's screen.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "first_day.jsonl"
        env = {**os.environ, "FIRST_DAY_OUT": str(out), "SMK_REQUIRE_E2E": "1"}
        for _ in range(args.runs):
            cmd = [sys.executable, "-m", "smk_dashboard.ops.embedded", "--", sys.executable,
                   "-m", "pytest", "-n", "0", "-q", "-p", "no:cacheprovider",
                   "tests/e2e/test_first_day.py"]  # fmt: skip
            done = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
            if done.returncode:
                print(json.dumps({"ok": False, "returncode": done.returncode}))
                return 1
        lines = [json.loads(line) for line in out.read_text().splitlines()]
    report = {"runs": args.runs, "routes": {}}
    for route in ("dapodik", "upload"):
        mine = [r for r in lines if r["route"] == route]
        report["routes"][route] = {
            "seconds_median": statistics.median(r["seconds"] for r in mine),
            "seconds_all": [r["seconds"] for r in mine],
            "clicks": sorted({r["clicks"] for r in mine}),
            "flags_after_last_upload_s": [r["flags_after_last_upload_s"] for r in mine],
            "marks_first_run": mine[0]["marks"],
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
