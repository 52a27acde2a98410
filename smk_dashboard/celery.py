"""The Celery app. Queues: `default` (imports, scoring), `ml` (training), `gpu` (training on a
GPU host). Periodic jobs live in settings.CELERY_BEAT_SCHEDULE, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")

app = Celery("smk_dashboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="smk_dashboard.ping")
def ping() -> str:
    """A no-op task: readiness checks and the worker integration test use it."""
    return "pong"
