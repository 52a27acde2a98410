"""The periodic jobs (Celery beat), read by settings.CELERY_BEAT_SCHEDULE: what runs when,
every night and morning, in the server's TIME_ZONE."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    "nightly-scoring": {
        "task": "predictions.tasks.nightly_scoring_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "import-batches-fail-stale": {
        "task": "students.tasks.import_batches_fail_stale_task",
        "schedule": 10 * 60,
    },
    "import-previews-expire": {
        "task": "students.tasks.import_previews_expire_task",
        "schedule": crontab(minute=15),
    },
    # Uploaded spreadsheets hold parents' income and KIP in clear: kept UPLOAD_RETENTION_DAYS.
    "import-files-purge": {
        "task": "students.tasks.import_files_purge_task",
        "schedule": crontab(hour=1, minute=45),
    },
    "training-runs-fail-stale": {
        "task": "predictions.tasks.training_runs_fail_stale_task",
        "schedule": 10 * 60,
    },
    "retrain-on-new-term-data": {
        "task": "predictions.tasks.retrain_on_new_data_task",
        "schedule": crontab(hour=3, minute=0, day_of_week="sun"),
    },
    # Interventions: mark follow-ups that are past due, every morning before school.
    "interventions-follow-up-sweep": {
        "task": "interventions.tasks.follow_up_sweep_task",
        "schedule": crontab(hour=5, minute=30),
    },
    # Nobody falls through (issue 17): kurang or over a point threshold, no follow-up.
    "interventions-unattended-check": {
        "task": "interventions.tasks.unattended_check_task",
        "schedule": crontab(hour=5, minute=45),
    },
    # Issue 24: every total past a point threshold has its to-do, however it was reached.
    "interventions-thresholds-evaluate": {
        "task": "interventions.tasks.point_thresholds_evaluate_task",
        "schedule": crontab(hour=5, minute=40),
    },
    # Roster from Dapodik (issue 26): before the nightly scoring, so leavers are not scored.
    "dapodik-sync-nightly": {
        "task": "students.tasks.dapodik_sync_nightly_task",
        "schedule": crontab(hour=1, minute=0),
    },
    "audit-purge-nightly": {
        "task": "smk_dashboard.tasks.audit_purge_task",
        "schedule": crontab(hour=1, minute=30),
    },
    # Issue 24: the daily e-mail digest of notifications, for those who chose it.
    "notifications-daily-digest": {
        "task": "smk_dashboard.tasks.notifications_digest_task",
        "schedule": crontab(hour=6, minute=0),
    },
}
