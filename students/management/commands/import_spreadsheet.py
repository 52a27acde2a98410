"""`manage.py import_spreadsheet FILE --school NPSN --kind roster|grades|attendance
[--term 2024-1] [--sheet NAME] [--create-missing] [--valid-rows-only]
[--accept-identity-changes] [--dry-run]`: the web
upload's service, in-process."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from students.importers.values import parse_term
from students.importing.command import import_file_run
from students.models import ImportKind, School


class Command(BaseCommand):
    help = (
        "Impor daftar siswa, leger nilai atau presensi dari xlsx/xls/ods/csv, lewat layanan "
        "yang sama dengan unggahan web. Mencetak ringkasan JSON; keluar dengan kode 1 bila "
        "file ditolak (tidak ada data yang ditulis)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="file .xlsx, .xls, .ods atau .csv")
        parser.add_argument("--school", required=True, help="NPSN sekolah (8 digit)")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument(
            "--term", default="", help='semester, mis. 2024-1 atau "Ganjil 2024/2025"'
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="buat kelas, kompetensi keahlian dan mata pelajaran yang belum ada",
        )
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="impor baris yang valid saja; baris bermasalah dilewati",
        )
        parser.add_argument(
            "--sheet",
            default="",
            help="impor hanya lembar ini dari workbook (nama lembar seperti di Excel)",
        )
        parser.add_argument(
            "--accept-identity-changes",
            action="store_true",
            help="terapkan juga perubahan nama atau NISN siswa yang sudah ada (tanpa ini, "
            "baris itu dilewati dan dihitung di identity_changes_held)",
        )
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menulis")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File tidak ditemukan: {path}")
        term = options["term"]
        if term:
            try:  # 2024-1, or as people write it: "Ganjil 2024/2025"
                term = parse_term(term)
            except ValueError:
                raise CommandError(
                    "Semester harus ditulis TTTT-S (mis. 2024-1) atau Ganjil 2024/2025."
                )
        school = School.objects.filter(npsn=options["school"]).first()
        if school is None:
            raise CommandError(f"Sekolah dengan NPSN {options['school']} tidak ditemukan.")
        summary = import_file_run(
            school=school,
            kind=options["kind"],
            path=path,
            term_code=term,
            create_missing=options["create_missing"],
            valid_rows_only=options["valid_rows_only"],
            dry_run=options["dry_run"],
            sheet=options["sheet"],
            accept_identity_changes=options["accept_identity_changes"],
        )
        summary.setdefault("errors", [])
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
        if not summary["ok"]:
            raise CommandError(
                f"File ditolak, tidak ada data yang ditulis: {summary.get('message', '')}"
            )
