import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from smk_dashboard.pages.demo.seed import (
    DemoConfig,
    delete_demo_schools,
    demo_npsn,
    demo_username,
    seed_demo,
)
from students.models import School


class Command(BaseCommand):
    help = "Isi basis data dengan sekolah demo sintetis yang deterministik dan akun demo."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=2)
        parser.add_argument("--students", type=int, default=500, help="siswa per sekolah")
        parser.add_argument("--terms", type=int, default=4)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--password", default=settings.DEMO_PASSWORD)
        parser.add_argument(
            "--reset", action="store_true", help="hapus sekolah demo lama lebih dulu"
        )

    def handle(self, *args, schools, students, terms, seed, password, reset, **options):
        if not 1 <= terms <= 8:
            self.stderr.write("--terms harus antara 1 dan 8.")
            raise SystemExit(1)
        existing = School.objects.filter(npsn__in=[demo_npsn(i) for i in range(1, schools + 1)])
        if existing.exists():
            if not reset:
                self.stdout.write(
                    "Sekolah demo sudah ada; tidak diubah. Pakai --reset untuk membuat ulang."
                )
                return
            delete_demo_schools(schools)
        started = time.perf_counter()
        summary = seed_demo(
            DemoConfig(
                schools=schools, students=students, terms=terms, seed=seed, password=password
            )
        )
        summary["seconds"] = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps(summary))
        self.stdout.write(f"Akun demo (kata sandi: {password}):")
        for i in range(1, schools + 1):
            names = [demo_username(r, i) for r in ("operator", "guru", "walikelas", "bk", "kepsek")]
            self.stdout.write(f"  sekolah {demo_npsn(i)}: " + ", ".join(names))
        self.stdout.write("  suku dinas: sudin")
