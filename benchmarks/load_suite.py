"""Load suite (issue 8): the risk list, the student profile, the API student list and login, each
at 20 and 100 concurrent users for a fixed time, against gunicorn started with the production
config (smk_dashboard/ops/gunicorn.conf.py) on PostgreSQL (production) or on SQLite (`make run`,
with --sqlite). Loopback only; bounded in time (--duration per scenario) and in count
(--max-requests per scenario).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/smk_pages_bench   # seeded, see
    python benchmarks/load_suite.py --duration 60 --out .run/load.md        # pages_speed.py

Each user is a thread with its own HTTP client that sends the next request as soon as the last
one answered (no think time: far harsher than people clicking). Latencies are measured at the
client, so they include queueing in gunicorn. Login = POST /accounts/login/ with a fresh
session each time (the login page GET that fetches the CSRF token is not timed). The API uses
one token of the same user for every thread; API_THROTTLE_USER is raised for the run (the
default 600/min per user would answer 429 to almost everything), and any 429 is still counted
on its own. Errors = transport errors and every other status that is not the expected one.
Web worker memory = the highest VmHWM (peak RSS) of any gunicorn worker process, sampled from
/proc every 0.5 s during the whole run (workers recycled by max_requests included).

CPU, because the load generator shares the machine with the server: per scenario, the
machine's busy share of all cores (/proc/stat), the load generator's own CPU time per request
(getrusage), and how many gunicorn worker processes were seen (more than the configured
number: workers recycled by max_requests during the run).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages_speed import ROOT, free_port, login, start_gunicorn  # noqa: E402

RISK_PATHS = [
    "/students/risk/",
    "/students/risk/?category=kurang",
    "/students/risk/?sort=name&page=37",
    "/students/risk/?q=putri",
    "/students/risk/?intervention=tidak&category=sedang&page=3",
]
API_PATHS = ["/api/v1/students/", "/api/v1/students/?page=2", "/api/v1/students/?page=40"]


# --------------------------------------------------------------------------- worker memory


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies over all cores since boot."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class RssSampler(threading.Thread):
    """Highest VmHWM over every gunicorn worker (child of the master) seen while running."""

    def __init__(self, master_pid: int) -> None:
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.peak_kb: dict[int, int] = {}
        self.stop = threading.Event()

    def workers_seen(self) -> int:
        return len(self.peak_kb)

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in _children(self.master_pid):
                hwm = _status_kb(pid, "VmHWM")
                if hwm:
                    self.peak_kb[pid] = max(hwm, self.peak_kb.get(pid, 0))
            self.stop.wait(0.5)

    def report(self) -> dict:
        values = sorted(self.peak_kb.values())
        return {
            "workers_seen": len(values),
            "peak_vmhwm_mb": round(values[-1] / 1024, 1) if values else None,
            "median_worker_vmhwm_mb": round(statistics.median(values) / 1024, 1)
            if values
            else None,
        }


# --------------------------------------------------------------------------- scenarios


class LightClient:
    """One user's keep-alive HTTP/1.1 connection, like a browser tab: GET a path, read the
    whole answer, return the status. Plain http.client, because the load generator runs on
    the server's own cores: `requests` spent about 2.8 ms of CPU per request here (under one
    GIL for all 20 users), time the server could not use and that queued the answers in the
    client before their clocks stopped. A connection the server closed while idle (keep-alive
    timeout, a recycled worker) is opened again once, as a browser does; every other failure
    is an error."""

    def __init__(self, host: str, port: int, headers: dict, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.headers = {"Host": f"{host}:{port}", "Accept-Encoding": "identity", **headers}
        self.conn: http.client.HTTPConnection | None = None

    def _send(self, path: str) -> int:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        response.read()
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status

    def get(self, path: str) -> int:
        reused = self.conn is not None
        try:
            return self._send(path)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()
            self.conn = None
            if not reused:
                raise
            return self._send(path)


def _csrf(session, base: str) -> str:
    page = session.get(f"{base}/accounts/login/", timeout=60)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def make_scenarios(base: str, args, student_ids: list[int], token: str, cookies) -> dict:
    """name -> (setup(rng) -> client, request(client, rng) -> (status_ok, status_code))."""
    import requests

    host, port = base.removeprefix("http://").split(":")
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())

    def logged_in(_rng):
        if args.client == "light":
            return LightClient(host, int(port), {"Cookie": cookie_header}, args.timeout)
        s = requests.Session()
        s.cookies.update(cookies)
        return s

    def api_client(_rng):
        if args.client == "light":
            return LightClient(host, int(port), {"Authorization": f"Token {token}"}, args.timeout)
        s = requests.Session()
        s.headers["Authorization"] = f"Token {token}"
        return s

    def get(paths):
        def request(s, rng):
            if isinstance(s, LightClient):
                code = s.get(rng.choice(paths))
                return code == 200, code
            r = s.get(base + rng.choice(paths), timeout=args.timeout, allow_redirects=False)
            return r.status_code == 200, r.status_code

        return request

    profile_paths = [f"/students/{i}/" for i in random.Random(1).sample(student_ids, 300)]

    def do_login(_s, _rng):
        s = requests.Session()
        token_value = _csrf(s, base)  # untimed: see timed_login
        return s, token_value

    def timed_login(s_token, _rng):
        s, csrf = s_token
        r = s.post(
            f"{base}/accounts/login/",
            data={"username": args.username, "password": args.password,
                  "csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=args.timeout,
            allow_redirects=False,
        )  # fmt: skip
        ok = r.status_code == 302 and "/accounts/login" not in r.headers.get("Location", "")
        return ok, r.status_code

    return {
        "risk list": (logged_in, get(RISK_PATHS), None),
        "profile": (logged_in, get(profile_paths), None),
        "API student list": (api_client, get(API_PATHS), None),
        # login: an untimed preparation (fresh session + CSRF token) before each timed POST
        "login": (lambda rng: None, timed_login, do_login),
    }


def _drive(scenario, users: int, duration: float, max_requests: int):
    """Run `users` users (one thread each) back to back for `duration` seconds or
    `max_requests` requests; returns (latencies of the answers that were ok, status counts)."""
    setup, request, prepare = scenario
    times: list[float] = []
    codes: dict[str, int] = {}
    lock = threading.Lock()
    issued = [0]
    start_gate = threading.Barrier(users + 1)
    deadline = [0.0]

    def user(k: int) -> None:
        rng = random.Random(k)
        client = setup(rng)
        start_gate.wait()
        while time.monotonic() < deadline[0]:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            try:
                target = prepare(client, rng) if prepare else client
                t0 = time.perf_counter()
                ok, code = request(target, rng)
                elapsed = (time.perf_counter() - t0) * 1000
                label = str(code)
            except Exception as exc:  # a transport error is an error, never a crash
                ok, elapsed, label = False, 0.0, type(exc).__name__
            with lock:
                codes[label] = codes.get(label, 0) + 1
                if ok:
                    times.append(elapsed)

    threads = [threading.Thread(target=user, args=(k,), daemon=True) for k in range(users)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + duration
    start_gate.wait()
    for t in threads:
        t.join(timeout=duration + 120)
    return times, codes


def run_scenario(
    scenario,
    users: int,
    duration: float,
    max_requests: int,
    sampler: RssSampler | None = None,
) -> dict:
    load_before = os.getloadavg()[0]
    workers_before = sampler.workers_seen() if sampler else 0
    began = time.monotonic()
    cpu_before, own_before = _machine_cpu(), _own_cpu_seconds()
    times, codes = _drive(scenario, users, duration, max_requests)
    wall = time.monotonic() - began
    cpu_after, own_after = _machine_cpu(), _own_cpu_seconds()
    busy = (cpu_after[0] - cpu_before[0]) / max(1, cpu_after[1] - cpu_before[1])
    ok_n = len(times)
    throttled = codes.get("429", 0)
    total = sum(codes.values())
    result = {
        "users": users,
        "duration_s": round(wall, 1),
        "requests": total,
        "ok": ok_n,
        "throughput_rps": round(total / wall, 1),
        "throttled_429": throttled,
        "errors": total - ok_n - throttled,
        "status_codes": codes,
        "loadavg_1m_before": round(load_before, 2),
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "machine_cpu_busy_pct": round(100 * busy, 1),
        "client_cpu_ms_per_request": round(1000 * (own_after - own_before) / max(1, total), 2),
    }
    if sampler:
        result["worker_processes_started"] = sampler.workers_seen() - workers_before
    if ok_n >= 2:
        q = statistics.quantiles(times, n=100, method="inclusive")
        result |= {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1)}
    return result


def markdown(report: dict) -> str:
    lines = [
        "| scenario | users | requests | ok | throughput (req/s) | p50 ms | p95 ms | p99 ms "
        "| errors | 429 | load 1m before → after | machine CPU busy | client CPU ms/req "
        "| workers started |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['scenario']} | {r['users']} | {r['requests']} | {r['ok']} | "
            f"{r['throughput_rps']} | {r.get('p50_ms', '-')} | {r.get('p95_ms', '-')} | "
            f"{r.get('p99_ms', '-')} | {r['errors']} | {r['throttled_429']} | "
            f"{r['loadavg_1m_before']} → {r['loadavg_1m_after']} | "
            f"{r['machine_cpu_busy_pct']} % | {r['client_cpu_ms_per_request']} | "
            f"{r.get('worker_processes_started', '-')} |"
        )
    rss = report["web_workers"]
    lines.append("")
    lines.append(
        f"Web workers: {report['config']['workers']} sync workers × "
        f"{report['config']['threads']} thread(s); peak VmHWM of any worker "
        f"**{rss['peak_vmhwm_mb']} MB** (median over the {rss['workers_seen']} worker "
        f"processes seen: {rss['median_worker_vmhwm_mb']} MB)."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per scenario")
    parser.add_argument("--users", default="20,100", help="comma-separated concurrency levels")
    parser.add_argument("--scenarios", default="risk list,profile,API student list,login")
    parser.add_argument("--max-requests", type=int, default=100_000, help="cap per scenario")
    parser.add_argument("--timeout", type=float, default=60.0, help="client timeout (s)")
    # The production config's own default on this machine: 2 per core, 2..8, one thread.
    parser.add_argument("--workers", type=int, default=max(2, min(2 * (os.cpu_count() or 1), 8)))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--client",
        choices=("light", "requests"),
        default="light",
        help="HTTP client of the GET scenarios: plain http.client (default) or requests "
        "(what runs before 2026-12-02 used; about 2.8 ms more CPU per request on this machine)",
    )
    parser.add_argument("--username", default="bk")
    parser.add_argument("--password", default="smkdemo123")
    parser.add_argument("--npsn", default="20100001")
    parser.add_argument("--out", help="write the markdown table here (and JSON next to it)")
    parser.add_argument(
        "--sqlite", action="store_true", help="allow a SQLite DATABASE_URL (the demo set-up)"
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not (
        database_url.startswith("postgres") or (args.sqlite and database_url.startswith("sqlite"))
    ):
        sys.exit(
            "Set DATABASE_URL to the seeded PostgreSQL database (see pages_speed.py), "
            "or to a seeded SQLite file with --sqlite."
        )

    import django

    django.setup()
    import requests

    from students.models import Student

    student_ids = list(Student.objects.filter(school__npsn=args.npsn).values_list("id", flat=True))
    students_total = Student.objects.count()
    from django.db import connections

    connections.close_all()

    port = free_port()
    base = f"http://127.0.0.1:{port}"  # loopback only
    log_path = ROOT / ".run" / "load-suite-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    extra_env = {"API_THROTTLE_USER": "1000000/min"}
    with log_path.open("w") as log:
        proc = start_gunicorn(port, args.workers, args.threads, extra_env=extra_env, log=log)
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            cookies = login(base, args.username, args.password).cookies
            response = requests.post(
                f"{base}/api/v1/auth/token/",
                json={"username": args.username, "password": args.password},
                timeout=60,
            )
            response.raise_for_status()
            token = response.json()["token"]
            scenarios = make_scenarios(base, args, student_ids, token, cookies)
            wanted = [s.strip() for s in args.scenarios.split(",")]
            report = {
                "config": vars(args) | {"api_throttle_user": extra_env["API_THROTTLE_USER"]},
                "students_in_database": students_total,
                "cpus": os.cpu_count(),
                "results": [],
            }
            for name in wanted:
                # Warm-up: a few seconds of 2 users, not recorded.
                run_scenario(scenarios[name], 2, min(3.0, args.duration), 50)
                for users in (int(u) for u in args.users.split(",")):
                    result = run_scenario(
                        scenarios[name],
                        users,
                        args.duration,
                        args.max_requests,
                        sampler,
                    )
                    report["results"].append({"scenario": name} | result)
                    print(json.dumps(report["results"][-1]), flush=True)
        finally:
            sampler.stop.set()
            sampler.join(timeout=5)
            proc.terminate()
            proc.wait(timeout=60)
    report["web_workers"] = sampler.report()
    text = markdown(report)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
        Path(args.out).with_suffix(".json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
