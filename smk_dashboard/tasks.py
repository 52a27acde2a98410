from celery import shared_task

from smk_dashboard.core.audit import audit_purge


@shared_task(name="smk_dashboard.tasks.audit_purge_task")
def audit_purge_task() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): drop audit entries past AUDIT_RETENTION_DAYS. Safe to
    run twice: a second run finds nothing older than the cutoff."""
    return audit_purge()


@shared_task(name="smk_dashboard.tasks.notifications_digest_task")
def notifications_digest_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the e-mail digest for those who chose it (issue 24).
    Safe to run twice: each notification is e-mailed once."""
    from smk_dashboard.pages.notifications.services import notifications_digest_send

    return notifications_digest_send()
