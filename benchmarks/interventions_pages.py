"""Median response times of the intervention pages and the effectiveness report.

Run against a database that holds the demo school (seed_demo), e.g.:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py seed_demo --schools 1
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python benchmarks/interventions_pages.py --fill

--fill (only on a throwaway database) adds one stored prediction per active student of the
demo school (kurang when the last-term average is under the KKM) and a completed intervention
for every second kurang student, so the report has real work to do.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
from smk_dashboard.ops.dev_env import use_development_environment  # noqa: E402

# make run's environment: plain HTTP, the development key, no 2FA duty.
use_development_environment()

import django  # noqa: E402

django.setup()

from django.db.models import Avg  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from interventions.cases.reports import effectiveness_report  # noqa: E402
from interventions.models import Intervention, Outcome, Programme, Status  # noqa: E402
from predictions.models import ModelVersion, Prediction  # noqa: E402
from students.models import AcademicTerm, GradeRecord, School, User  # noqa: E402


def fill(school: School, bk: User) -> None:
    terms = list(AcademicTerm.objects.filter(grades__student__school=school).distinct())
    before, after = terms[-2], terms[-1]
    version, _ = ModelVersion.objects.get_or_create(
        school=school,
        algorithm="bench",
        version=1,
        defaults={"artifact_path": "-", "artifact_sha256": "-", "data_fingerprint": "-"},
    )
    averages = (
        GradeRecord.objects.filter(student__school=school, term=before)
        .values("student_id")
        .annotate(avg=Avg("score"))
    )
    programme = Programme.objects.filter(school=school).first()
    kurang = 0
    for row in averages:
        category = "kurang" if row["avg"] < school.kkm else "sedang"
        p, _ = Prediction.objects.get_or_create(
            student_id=row["student_id"],
            term=after,
            model_version=version,
            defaults={
                "based_on_term": before,
                "category": category,
                "p_kurang": 0.7 if category == "kurang" else 0.2,
                "p_sedang": 0.2,
                "p_baik": 0.1,
            },
        )
        if category == "kurang":
            kurang += 1
            if kurang % 2 == 0:
                Intervention.objects.create(
                    student_id=row["student_id"],
                    programme=programme,
                    reason="benchmark",
                    owner=bk,
                    start_date=dt.date.today(),
                    status=Status.COMPLETED,
                    outcome=Outcome.IMPROVED,
                    triggered_by=p,
                )


def median_ms(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--npsn", default="20100001")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--fill", action="store_true")
    args = parser.parse_args()
    setup_test_environment()
    school = School.objects.get(npsn=args.npsn)
    bk = User.objects.get(school=school, role="bk", username__startswith="bk")
    if args.fill:
        fill(school, bk)
    client = Client()
    client.force_login(bk)
    print(
        f"school {school.npsn}: {school.students.count()} students, "
        f"{Prediction.objects.filter(student__school=school).count()} predictions, "
        f"{Intervention.objects.filter(student__school=school).count()} interventions"
    )
    print("| what | median ms |\n|---|---|")
    for name, fn in [
        ("effectiveness_report()", lambda: effectiveness_report(school=school)),
        ("GET /interventions/", lambda: client.get("/interventions/")),
        ("GET /interventions/effectiveness/", lambda: client.get("/interventions/effectiveness/")),
        ("GET /interventions/caseload/", lambda: client.get("/interventions/caseload/")),
        ("GET / (bk home with follow-ups panel)", lambda: client.get("/")),
    ]:
        print(f"| {name} | {median_ms(fn, args.repeat):.1f} |")


if __name__ == "__main__":
    main()
