from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smk_dashboard.core.audit import audit_purge


class Command(BaseCommand):
    help = "Hapus catatan audit yang lebih tua dari masa simpan (AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"masa simpan dalam hari (bawaan: {settings.AUDIT_RETENTION_DAYS})",
        )

    def handle(self, *args, days=None, **options):
        try:
            deleted = audit_purge(retention_days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{deleted} catatan audit dihapus.")
