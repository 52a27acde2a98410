"""What the student profile costs on a school's connection (issue 14).

Bars: with an empty cache the profile page transfers at most 1.5 MB in all, and loads in at
most 4 s on a 4 Mbit/s connection (Chromium's own network emulation).

    export DATABASE_URL=...   # a database with the demo school, scored:
    python manage.py seed_demo && python manage.py train_models --school 20100001 --sync \\
        && python manage.py predict --school 20100001 --sync
    python benchmarks/page_weight.py [--runs 3] [--mbps 4] [--latency-ms 100] [--storage plain]

It collects the static files as the image build does (DEBUG off, compressed manifest storage,
into staticfiles/), starts gunicorn with the production config (benchmarks/pages_speed.py),
signs in as `bk` in Chromium (Playwright, /usr/bin/chromium), and opens the profile of a
student with a prediction, each time with the browser cache cleared:

- transfer: the sum of `encodedDataLength` over every response of the page (Chrome DevTools
  Protocol `Network.loadingFinished`): bytes on the wire, headers included;
- load: from navigation start to the `load` event, and to the moment both plotly charts are
  drawn, first unthrottled, then with `Network.emulateNetworkConditions` at --mbps down,
  a quarter of that up and --latency-ms round trip.

`--storage plain` serves the same files the way a DEBUG server does (uncompressed, no
hashed names) for comparison. Prints one JSON object; medians over --runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from pages_speed import ROOT, free_port, start_gunicorn

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


def collectstatic(storage: str) -> float:
    started = time.perf_counter()
    env = {**os.environ, "DEBUG": "False", "STATICFILES_BACKEND": storage}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def student_with_prediction() -> int:
    import django

    django.setup()
    from predictions.models import Prediction
    from students.models import School

    school = School.objects.get(npsn="20100001")
    prediction = (
        Prediction.objects.filter(student__school=school, is_current=True)
        .order_by("-p_kurang")
        .first()
    )
    if prediction is None:
        raise SystemExit("No prediction: run train_models and predict for 20100001 first.")
    return prediction.student_id


def measure_once(browser, base: str, path: str, throttle: dict | None) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "bk")
    page.fill("#id_password", os.environ.get("DEMO_PASSWORD", "smkdemo123"))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    encodings: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.responseReceived",
        lambda e: encodings.__setitem__(
            e["requestId"],
            {k.lower(): v for k, v in e["response"]["headers"].items()}.get("content-encoding", ""),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    if throttle:
        cdp.send("Network.emulateNetworkConditions", {"offline": False, **throttle})
    page.goto(f"{base}{path}", wait_until="load")
    page.wait_for_function(
        "document.querySelectorAll('.plotly-chart .main-svg').length >= "
        "document.querySelectorAll('.plotly-chart').length"
    )
    charts_ms = page.evaluate("performance.now()")
    load_ms = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; })()"
    )
    page.wait_for_timeout(300)  # let the last loadingFinished events arrive
    files = sorted(
        (
            {
                "url": urls.get(rid, "?").replace(base, ""),
                "bytes": size,
                "encoding": encodings.get(rid, ""),
            }
            for rid, size in sizes.items()
        ),
        key=lambda f: -f["bytes"],
    )
    context.close()
    return {
        "transfer_bytes": sum(sizes.values()),
        "load_ms": round(load_ms),
        "charts_drawn_ms": round(charts_ms),
        "files": files,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mbps", type=float, default=4.0)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--storage", choices=["manifest", "plain"], default="manifest")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    storage = MANIFEST if args.storage == "manifest" else PLAIN
    collect_s = collectstatic(storage)
    student_id = student_with_prediction()
    port = free_port()
    log = open(ROOT / ".run" / "page-weight-gunicorn.log", "w")  # noqa: SIM115
    proc = start_gunicorn(port, 2, 2, extra_env={"STATICFILES_BACKEND": storage}, log=log)
    base = f"http://127.0.0.1:{port}"
    path = f"/students/{student_id}/"
    throttle = {
        "latency": args.latency_ms,
        "downloadThroughput": args.mbps * 1_000_000 / 8,
        "uploadThroughput": args.mbps * 1_000_000 / 8 / 4,
    }
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            measure_once(browser, base, path, None)  # warm-up: gunicorn workers, page caches
            fast = [measure_once(browser, base, path, None) for _ in range(args.runs)]
            slow = [measure_once(browser, base, path, throttle) for _ in range(args.runs)]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()

    def med(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    result = {
        "page": "/students/<id>/ (profile, bk, empty cache)",
        "storage": storage,
        "collectstatic_s": round(collect_s, 1),
        "transfer_bytes": med(fast, "transfer_bytes"),
        "unthrottled": {"load_ms": med(fast, "load_ms"), "charts_ms": med(fast, "charts_drawn_ms")},
        "throttled": {
            "mbps_down": args.mbps,
            "mbps_up": args.mbps / 4,
            "latency_ms": args.latency_ms,
            "load_ms": med(slow, "load_ms"),
            "charts_ms": med(slow, "charts_drawn_ms"),
            "runs_load_ms": [r["load_ms"] for r in slow],
        },
        "files": fast[0]["files"],
        "bars": {
            "transfer_le_1_5_MB": med(fast, "transfer_bytes") <= 1_500_000,
            "load_le_4_s_at_4_mbps": med(slow, "load_ms") <= 4000,
        },
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
