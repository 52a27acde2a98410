"""`manage.py restore PATH|latest`: checks the backup's sha256 manifest, then restores the
database (pg_restore, one transaction) and MODEL_STORAGE_DIR (and MEDIA_ROOT). Stop the web and
worker processes first. See smk_dashboard/ops/backup.py and docs/deploy.md."""

import json
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from smk_dashboard.ops.backup import (
    BackupError,
    backup_list,
    backup_restore,
    backup_source,
    backup_verify,
)


class Command(BaseCommand):
    help = "Pulihkan basis data dan artefak model dari sebuah folder cadangan."

    def add_arguments(self, parser):
        parser.add_argument("path", help="folder cadangan, atau 'latest' (terbaru di BACKUP_DIR)")
        parser.add_argument(
            "--noinput", "--no-input", action="store_true", help="jangan minta konfirmasi"
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="hanya periksa sha256, tidak memulihkan"
        )

    def handle(self, *args, path, noinput=False, verify_only=False, **options):
        if path == "latest":
            backups = backup_list(dest_dir=settings.BACKUP_DIR)
            if not backups:
                raise CommandError(f"Tidak ada cadangan di {settings.BACKUP_DIR}.")
            backup = backups[-1]
        else:
            backup = Path(path)
        try:
            if verify_only:
                manifest = backup_verify(path=backup)
                self.stdout.write(json.dumps({"path": str(backup), "verified": True}))
                return
            database = settings.DATABASES["default"]
            if not noinput:
                answer = input(
                    f"Basis data {database['NAME']} dan {settings.MODEL_STORAGE_DIR} akan "
                    f"DITIMPA dengan isi {backup}. Ketik 'ya' untuk lanjut: "
                )
                if answer.strip().lower() not in ("ya", "yes"):
                    raise CommandError("Dibatalkan.")
            manifest = backup_restore(
                path=backup,
                database=database,
                model_dir=backup_source(storages["models"], settings.MODEL_STORAGE_DIR),
                media_dir=backup_source(storages["default"], settings.MEDIA_ROOT),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps(
                {"path": str(backup), "restored": True, "created_at": manifest["created_at"]}
            )
        )
