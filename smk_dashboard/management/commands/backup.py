"""`manage.py backup`: pg_dump of the database plus a tar of MODEL_STORAGE_DIR (and MEDIA_ROOT),
with a sha256 manifest, into BACKUP_DIR; keeps the newest BACKUP_KEEP. See
smk_dashboard/ops/backup.py.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from smk_dashboard.ops.backup import (
    BackupError,
    backup_create,
    backup_source,
)


class Command(BaseCommand):
    help = "Cadangkan basis data PostgreSQL dan artefak model (dengan manifest sha256)."

    def add_arguments(self, parser):
        parser.add_argument("--dest", type=Path, default=None, help="folder (default BACKUP_DIR)")
        parser.add_argument(
            "--keep", type=int, default=None, help="simpan N cadangan terbaru (BACKUP_KEEP)"
        )

    def handle(self, *args, dest=None, keep=None, **options):
        try:
            result = backup_create(
                dest_dir=dest or settings.BACKUP_DIR,
                keep=keep if keep is not None else settings.BACKUP_KEEP,
                database=settings.DATABASES["default"],
                model_dir=backup_source(storages["models"], settings.MODEL_STORAGE_DIR),
                media_dir=backup_source(storages["default"], settings.MEDIA_ROOT),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps(
                {
                    "path": str(result.path),
                    "files": result.files,
                    "removed": [str(p) for p in result.removed],
                },
                indent=2,
            )
        )
