"""The shared district model on a seeded district (issue 26, item 3), end to end through the
same services as the web flow: four demo schools, school 4 keeps only its latest term (too
little history: its own training is refused), school 3 opts out. School 4 gets a shared model
trained on schools 1 and 2; then its earlier terms come back, it trains its own model, and
the promotion rule compares the two on school 4's own samples.

    .venv/bin/python benchmarks/pooled_model.py [--students 150] [--model lr]

Runs on a throw-away SQLite file (or DATABASE_URL when set: the database is migrated, and the
demo schools are replaced). Prints JSON: the shared model's measured figures and sources,
seconds, how many students it scored, and the own model's decision with both figures."""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--model", default="lr")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/pooled.sqlite3")
    os.environ.setdefault("DEBUG", "1")
    os.environ["MODEL_STORAGE_DIR"] = f"{tmp}/models"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    from smk_dashboard.ops.dev_env import DEV_FIELD_ENCRYPTION_KEYS

    os.environ.setdefault("FIELD_ENCRYPTION_KEY", DEV_FIELD_ENCRYPTION_KEYS)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from predictions import training
    from predictions.models import ModelVersion, Prediction
    from predictions.pooled import pooled_run_start
    from predictions.services import training_run_create
    from smk_dashboard.pages.demo.seed import DemoConfig, delete_demo_schools, seed_demo
    from students.models import AttendanceSummary, GradeRecord, NonAcademicRating, School

    delete_demo_schools(4)
    seed_demo(DemoConfig(schools=4, students=args.students, terms=3, seed=3))
    schools = list(School.objects.filter(npsn__startswith="201").order_by("npsn"))[:4]
    new, opted_out = schools[3], schools[2]
    School.objects.filter(pk=opted_out.pk).update(pooled_opt_out=True)
    latest = GradeRecord.objects.filter(student__school=new).order_by("-term__code")[0].term_id
    history = {}
    for model in (GradeRecord, AttendanceSummary, NonAcademicRating):
        older = model.objects.filter(student__school=new).exclude(term_id=latest)
        history[model] = list(older)
        for row in history[model]:
            row.pk = None
        older.delete()
    own_refused = training.training_run_execute(
        run_id=training_run_create(school=new, user=None, models=[args.model], folds=5).pk
    )
    started = time.perf_counter()
    run = training.training_run_execute(
        run_id=pooled_run_start(school=new, user=None, model=args.model).pk
    )
    seconds = time.perf_counter() - started
    shared = ModelVersion.objects.get(school=new, is_active=True)
    scored = Prediction.objects.current().filter(student__school=new).count()
    for model, rows in history.items():
        model.objects.bulk_create(rows)
    own_run = training.training_run_execute(
        run_id=training_run_create(school=new, user=None, models=[args.model], folds=5).pk
    )
    promotion = own_run.metrics.get("promotion", {})
    cv = shared.metrics["cv"]
    report = {
        "students_per_school": args.students,
        "model": args.model,
        "own_training_with_one_term": own_refused.status,
        "shared": {
            "status": run.status,
            "seconds": round(seconds, 1),
            "sources": shared.metrics["pooled"]["sources"],
            "rows": shared.metrics["pooled"]["rows"],
            "opted_out_school": opted_out.npsn,
            "measured_on": shared.metrics["pooled"]["measured_on"],
            "accuracy": cv.get("accuracy"),
            "macro_f1": cv.get("macro_f1"),
            "recall_kurang": cv.get("recall_kurang"),
            "students_scored": scored,
        },
        "own_model_later": {
            "status": own_run.status,
            "decision": promotion.get("decision"),
            "reasons": promotion.get("reasons"),
            "macro_f1": promotion.get("macro_f1"),
            "recall_kurang": promotion.get("recall_kurang"),
            "active_now": "own"
            if not ModelVersion.objects.get(school=new, is_active=True).is_pooled
            else "shared",
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
