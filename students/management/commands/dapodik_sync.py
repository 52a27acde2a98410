"""`manage.py dapodik_sync --school NPSN [--url URL --token KEY] [--dry-run]`: pull rombel and
peserta didik from the school's Dapodik web service through the roster import's rules."""

import json

from django.core.management.base import BaseCommand, CommandError

from students.dapodik.services import dapodik_sync_run
from students.models import School


class Command(BaseCommand):
    help = "Tarik rombel dan peserta didik dari web service Dapodik sekolah (impor daftar siswa)."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="NPSN sekolah")
        parser.add_argument("--url", default="", help="alamat web service (tanpa: yang disimpan)")
        parser.add_argument("--token", default="", help="kunci web service (tanpa: yang disimpan)")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menulis")

    def handle(self, *args, **options):
        if bool(options["url"]) != bool(options["token"]) and not self._stored(options["school"]):
            raise CommandError("Isi --url dan --token bersama-sama.")
        school = School.objects.filter(npsn=options["school"]).first()
        if school is None:
            raise CommandError(f"Sekolah dengan NPSN {options['school']} tidak ditemukan.")
        summary = dapodik_sync_run(
            school=school, url=options["url"], token=options["token"], dry_run=options["dry_run"]
        )
        summary.setdefault("errors", [])
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
        if not summary["ok"]:
            raise CommandError(f"Sinkron Dapodik gagal: {summary.get('message', '')}")

    @staticmethod
    def _stored(npsn: str) -> bool:
        return School.objects.filter(npsn=npsn, dapodik__isnull=False).exists()
