from celery import shared_task

from smk_dashboard.core.audit import audit_purge


@shared_task(name="smk_dashboard.tasks.audit_purge_task")
def audit_purge_task() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): drop audit entries past AUDIT_RETENTION_DAYS. Safe to
    run twice: a second run finds nothing older than the cutoff."""
    return audit_purge()
