"""CPU time and queries per student profile, in-process (issue 27): what the server itself does
per page, steadier than wall-clock latency on a machine whose cores are shared.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/smk_bench   # pages_speed.py's set-up
    python benchmarks/profile_cpu.py --user bk [--pages 40] [--profile]

Django's test client opens `--pages` random profiles of the user's scope (seed 1) after 5
warm-up pages; per page: `time.process_time()` of this process (Python and Django; the
database server's own time is not in it), wall time, and the number of queries. Prints the
medians and p95, and with --profile the functions with the most CPU time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="bk")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    from smk_dashboard.ops.dev_env import use_development_environment

    use_development_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from students.models import User
    from students.selectors import student_profile_queryset

    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=args.user)
    ids = list(student_profile_queryset(user=user).values_list("id", flat=True))
    ids = random.Random(1).sample(ids, min(args.pages, len(ids)))
    client = Client()
    client.force_login(user)
    for pk in ids[:5]:
        client.get(f"/students/{pk}/")
    profiler = cProfile.Profile(timer=time.process_time) if args.profile else None
    cpu, wall, queries = [], [], []
    for pk in ids:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            if profiler:
                profiler.enable()
            response = client.get(f"/students/{pk}/")
            if profiler:
                profiler.disable()
        assert response.status_code == 200, response.status_code
        cpu.append((time.process_time() - cpu0) * 1000)
        wall.append((time.perf_counter() - wall0) * 1000)
        queries.append(len(ctx.captured_queries))

    def p95(values):
        return round(statistics.quantiles(values, n=20, method="inclusive")[18], 1)

    print(
        f"{args.user}: {len(ids)} profiles, CPU ms median {statistics.median(cpu):.1f} "
        f"p95 {p95(cpu)}, wall ms median {statistics.median(wall):.1f} p95 {p95(wall)}, "
        f"queries {min(queries)}-{max(queries)}, load {os.getloadavg()[0]:.1f}"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
